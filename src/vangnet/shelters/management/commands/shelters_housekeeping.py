from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vangnet.audit.context import processing_context
from vangnet.shelters import services


class Command(BaseCommand):
    help = ("Release expired shelter reservations, lift ended blocks, escalate overdue placement requests and "
            "tell waiting requesters about free places. Run from cron every few minutes.")

    def handle(self, *args: Any, **options: Any) -> None:
        with processing_context(actor=None, actor_label="system:shelters_housekeeping"):
            result = services.housekeeping()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in result.items()))
