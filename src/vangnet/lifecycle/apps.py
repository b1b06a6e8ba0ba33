from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

REQUEST_DUE = "data_subject_request_due"


class LifecycleConfig(AppConfig):
    name = "vangnet.lifecycle"
    label = "lifecycle"
    verbose_name = _("Data lifecycle")

    def ready(self) -> None:
        from vangnet.lifecycle import checks  # noqa: F401  (registers the system checks)
        from vangnet.notifications import kinds

        kinds.register(kinds.NotificationKind(
            code=REQUEST_DUE, label=_("A request from a data subject is almost due"),
            message=_("A request from a data subject (case %(case)s) must be answered before %(due)s."),
            in_app=True, by_email=True,
        ))
