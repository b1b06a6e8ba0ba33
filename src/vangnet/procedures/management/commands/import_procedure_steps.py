"""Import procedure steps from a chain partner's CSV file, as one of that organisation's users.

    manage.py import_procedure_steps FILE.csv --user USERNAME

Every valid row is stored; every invalid row is reported with its line number (exit code 1 when any row
failed, 2 when the file cannot be read). See ``vangnet.procedures.imports`` for the columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.accounts.models import User
from vangnet.audit.context import processing_context
from vangnet.procedures.imports import ImportFileError, import_steps


class Command(BaseCommand):
    help = "Import procedure steps (police report, OM decisions, ...) from a CSV file, validated per row."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="the importing user (their organisation records the steps)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).select_related("organisation").first()
        if user is None or user.organisation is None:
            raise CommandError(f"No active user {options['user']!r} with an organisation.")
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read the file: {exc.strerror}") from exc
        try:
            with processing_context(actor=user):
                report = import_steps(user, data)
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for error in report.errors:
            self.stderr.write(f"line {error.line}: {error.message}")
        self.stdout.write(f"{report.stored} of {report.rows} rows stored; {report.duplicates} delivered before; "
                          f"{len(report.errors)} refused.")
        if report.errors:
            raise SystemExit(1)
