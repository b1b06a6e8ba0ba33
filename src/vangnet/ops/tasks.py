"""Periodic work for the task worker without a scheduler: each task plans its own next run.

``manage.py schedule_tasks`` starts the chains (idempotent: run it on every deploy, after migrate).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

try:
    from django.tasks import task
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import task  # type: ignore[no-redef]

from vangnet.core.schedule import waiting

HEARTBEAT_PATH = "vangnet.ops.tasks.heartbeat_task"
HEARTBEAT_EVERY = datetime.timedelta(seconds=60)


def schedule_heartbeat() -> bool:
    if waiting(HEARTBEAT_PATH):
        return False
    heartbeat_task.using(run_after=timezone.now() + HEARTBEAT_EVERY).enqueue()
    return True


@task()
def heartbeat_task() -> str:
    from vangnet.ops.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(name="db_worker", defaults={"seen_at": now})
    schedule_heartbeat()
    return now.isoformat()
