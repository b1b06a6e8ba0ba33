"""Background work for deadlines (Django Tasks): the daily reminder run.

The task plans its own next run (``vangnet.core.schedule``): after each run it enqueues itself for the next
day at ``VANGNET_DEADLINE_REMINDER_HOUR`` (local time) unless a run is already waiting.
``manage.py schedule_tasks`` starts the chain (idempotent). ``manage.py deadline_reminders`` from cron does
the same work for deployments without a worker. Running twice on a day sends nothing twice: every reminder
carries a dedupe key of the deadline, its date and the kind (``vangnet.procedures.reminders``).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings

try:
    from django.tasks import task
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import task  # type: ignore[no-redef]

from vangnet.core.schedule import next_daily_run, waiting

logger = logging.getLogger(__name__)
TASK_PATH = "vangnet.procedures.tasks.send_deadline_reminders_task"


def next_run_after(now: datetime.datetime | None = None) -> datetime.datetime:
    return next_daily_run(settings.VANGNET_DEADLINE_REMINDER_HOUR, now)


def schedule_next(now: datetime.datetime | None = None) -> bool:
    """Enqueue the next daily run unless one is waiting. Returns whether a run was enqueued."""
    if waiting(TASK_PATH):
        return False
    send_deadline_reminders_task.using(run_after=next_run_after(now)).enqueue()
    return True


@task()
def send_deadline_reminders_task() -> dict[str, int]:
    from vangnet.procedures.reminders import run

    counts = run()
    try:
        schedule_next()
    except Exception:  # the run itself succeeded; the next one can be planned by schedule_tasks
        logger.exception("Could not plan the next deadline reminder run")
    return counts
