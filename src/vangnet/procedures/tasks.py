"""Background work for deadlines (Django Tasks). ``manage.py deadline_reminders`` does the same from cron."""

from __future__ import annotations

try:
    from django.tasks import task
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import task  # type: ignore[no-redef]


@task()
def send_deadline_reminders_task() -> dict[str, int]:
    from vangnet.procedures.reminders import run

    return run()
