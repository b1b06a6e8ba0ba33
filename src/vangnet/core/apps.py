from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_all_reference_data(**kwargs: Any) -> None:
    """Bring the database in line with the reference data files (idempotent upserts)."""
    from vangnet.audit.services import sync_register
    from vangnet.core.reference_data import sync_core_reference_data
    from vangnet.regions.services import sync_regions
    from vangnet.signals.catalogue import sync_catalogue

    sync_core_reference_data()
    sync_regions()
    sync_register()
    sync_catalogue()


class CoreConfig(AppConfig):
    name = "vangnet.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from vangnet.core import checks  # noqa: F401  (registers the system checks)
        from vangnet.core.production import refuse_unsafe_settings

        refuse_unsafe_settings()  # every entry point: WSGI, ASGI, manage.py, the task worker

        post_migrate.connect(sync_all_reference_data, sender=self, dispatch_uid="vangnet-reference-data")
