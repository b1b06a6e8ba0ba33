from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Start the periodic task chains (worker heartbeat, daily retention, daily deadline reminders). Safe to "
            "run on every deploy.")

    def handle(self, *args: Any, **options: Any) -> None:
        from vangnet.lifecycle.tasks import schedule_next
        from vangnet.ops.tasks import HEARTBEAT_PATH, heartbeat_task, waiting
        from vangnet.procedures.tasks import schedule_next as schedule_reminders

        beat = not waiting(HEARTBEAT_PATH)
        if beat:  # a first beat now, so /readyz turns green as soon as the worker runs; it plans the next
            heartbeat_task.enqueue()
        retention = schedule_next()
        reminders = schedule_reminders()
        self.stdout.write("; ".join(f"{name} {'planned' if new else 'already planned'}" for name, new in (
            ("heartbeat", beat), ("retention", retention), ("deadline reminders", reminders))))
