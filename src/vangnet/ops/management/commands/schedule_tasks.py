from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the periodic task chains (worker heartbeat, daily retention). Safe to run on every deploy."

    def handle(self, *args: Any, **options: Any) -> None:
        from vangnet.lifecycle.tasks import schedule_next
        from vangnet.ops.tasks import HEARTBEAT_PATH, heartbeat_task, waiting

        beat = not waiting(HEARTBEAT_PATH)
        if beat:  # a first beat now, so /readyz turns green as soon as the worker runs; it plans the next
            heartbeat_task.enqueue()
        retention = schedule_next()
        self.stdout.write(("heartbeat planned" if beat else "heartbeat already planned") + "; "
                          + ("retention planned" if retention else "retention already planned"))
