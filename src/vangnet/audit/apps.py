from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "vangnet.audit"
    label = "audit"

    def ready(self) -> None:
        from vangnet.notifications import kinds

        kinds.register(kinds.NotificationKind(
            code="security_alert", label=_("Security alerts"),
            message=_("Unusual security events (failed logins, lockouts or refused access): see the security log."),
            in_app=True, by_email=True,
        ))
