"""Daily task chains for the worker (Django Tasks has no periodic scheduler).

A daily task plans its own next run: after each run it enqueues itself for the next day at its local hour,
unless a run is already waiting in the database queue. ``manage.py schedule_tasks`` starts every chain
(idempotent: run it on every deploy). The retention run and the deadline reminders use this.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def waiting(task_path: str) -> bool:
    """A run of the task is waiting in the database queue (only the database backend can tell)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return False
    return DBTaskResult.objects.filter(task_path=task_path, status="READY").exists()


def next_daily_run(hour: int, now: datetime.datetime | None = None) -> datetime.datetime:
    """The next moment at ``hour``:00 local time after ``now``."""
    if not 0 <= hour <= 23:
        raise ValueError(f"The hour of a daily task must be 0 to 23, not {hour}.")
    local = timezone.localtime(now or timezone.now())
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return at if at > local else at + datetime.timedelta(days=1)
