from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.audit.chain import verify


class Command(BaseCommand):
    help = ("Verify the processing log's hash chain and anchors; report deletion, alteration and insertion. "
            "Exits with an error when anything is found.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--max-findings", type=int, default=50, help="How many findings to print.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify()
        for finding in report.findings[: options["max_findings"]]:
            where = f"entry {finding.seq}" if finding.seq is not None else "log"
            self.stdout.write(f"{finding.kind.upper():<11} {where}: {finding.detail}")
        summary = ", ".join(f"{count} {kind}" for kind, count in sorted(report.counts().items()))
        if not report.ok:
            raise CommandError(f"processing log NOT intact: {report.checked} entries checked; {summary}")
        self.stdout.write(f"processing log intact: {report.checked} entries checked, chain and anchors match")
