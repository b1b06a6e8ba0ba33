"""The daily retention task (Django Tasks; ``manage.py db_worker`` runs it), which also reminds the
functional admins of data-subject requests that are almost due.

Django Tasks has no periodic scheduler, so the task plans its own next run: after each run it enqueues
itself for the next day (``VANGNET_RETENTION_HOUR``, local time) unless a run is already waiting. Start
the chain once with ``manage.py retention --schedule`` (idempotent). ``manage.py retention`` from cron
does the same work for deployments without a worker.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings

try:
    from django.tasks import task
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import task  # type: ignore[no-redef]

from vangnet.audit.context import processing_context
from vangnet.core.schedule import next_daily_run, waiting

logger = logging.getLogger(__name__)
TASK_PATH = "vangnet.lifecycle.tasks.run_retention_task"


def next_run_after(now: datetime.datetime | None = None) -> datetime.datetime:
    return next_daily_run(settings.RETENTION_HOUR, now)


def is_scheduled() -> bool:
    """A run is waiting in the database queue (only the database backend can tell)."""
    return waiting(TASK_PATH)


def schedule_next(now: datetime.datetime | None = None) -> bool:
    """Enqueue the next run unless one is waiting. Returns whether a run was enqueued."""
    if is_scheduled():
        return False
    run_retention_task.using(run_after=next_run_after(now)).enqueue()
    return True


@task()
def run_retention_task() -> dict[str, Any]:
    from vangnet.lifecycle.retention import run
    from vangnet.lifecycle.services import remind_due_requests

    with processing_context(actor_label="system:retention"):
        record = run(triggered_by="task")
        remind_due_requests()
    try:
        schedule_next()
    except Exception:  # the run itself succeeded; the next one can be planned by the command
        logger.exception("Could not plan the next retention run")
    return record.counts
