from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vangnet.procedures.reminders import run


class Command(BaseCommand):
    help = ("Send reminders of procedure deadlines that end within VANGNET_DEADLINE_REMINDER_DAYS days, and of "
            "deadlines that have passed. Idempotent: run it from cron every morning.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = run()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in result.items()))
