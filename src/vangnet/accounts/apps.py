from typing import Any

from django.apps import AppConfig


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from vangnet.audit import security
    from vangnet.audit.models import SecurityEventKind

    # A federated login (accounts.oidc) passes its method, provider and reason along with the name.
    detail = {key: credentials[key] for key in ("method", "provider", "reason") if key in credentials}
    security.record(SecurityEventKind.LOGIN_FAILED, request=request, username=str(credentials.get("username", "")),
                    detail=detail or None)


def _locked_out(sender: Any, request: Any, username: str | None = None, ip_address: str | None = None,
                **kwargs: Any) -> None:
    from vangnet.audit import security
    from vangnet.audit.models import SecurityEventKind

    security.record(SecurityEventKind.LOCKED_OUT, request=request, username=username or "")


class AccountsConfig(AppConfig):
    name = "vangnet.accounts"
    label = "accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_login_failed

        user_login_failed.connect(_login_failed, dispatch_uid="vangnet-security-login-failed")
        user_locked_out.connect(_locked_out, dispatch_uid="vangnet-security-locked-out")
