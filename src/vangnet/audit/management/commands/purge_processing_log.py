from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.audit.retention import purge_older_than


class Command(BaseCommand):
    help = "Delete processing log entries older than the retention period (the log's only allowed delete)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--older-than-days", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["older_than_days"]
        if days < 365:
            raise CommandError("Keep the processing log at least one year (--older-than-days 365 or more).")
        self.stdout.write(f"{purge_older_than(days)} entries deleted")
