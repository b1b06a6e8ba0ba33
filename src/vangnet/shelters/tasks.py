"""Background work for placements (Django Tasks; ``manage.py db_worker`` runs them).

``manage.py shelters_housekeeping`` does the same from cron, for deployments without a worker.
"""

from __future__ import annotations

try:
    from django.tasks import task
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import task  # type: ignore[no-redef]

from vangnet.audit.context import processing_context
from vangnet.shelters import services


@task()
def release_expired_holds_task() -> int:
    with processing_context(actor_label="system:task"):
        return services.release_expired_holds()


@task()
def check_waiting_list_task() -> int:
    with processing_context(actor_label="system:task"):
        return services.check_waiting_list()


@task()
def housekeeping_task() -> dict[str, int]:
    with processing_context(actor_label="system:task"):
        return services.housekeeping()
