"""Background work of the uniqueness capability (Django Tasks, database-backed worker)."""

from __future__ import annotations

try:  # Django 6
    from django.tasks import task
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import task  # type: ignore[no-redef]

from vangnet.audit.context import processing_context
from vangnet.persons import services


@task()
def link_signal(signal_id: int) -> None:
    with processing_context(actor_label="system:linkage"):
        services.link_signal(signal_id)
