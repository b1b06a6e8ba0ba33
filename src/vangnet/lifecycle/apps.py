from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "vangnet.lifecycle"
    label = "lifecycle"
    verbose_name = _("Data lifecycle")

    def ready(self) -> None:
        from vangnet.lifecycle import checks  # noqa: F401  (registers the system checks)
