"""System checks: production must never run on the development secrets."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def secrets_check(app_configs: Any, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    dev_values = {
        "VANGNET_SECRET_KEY": settings.SECRET_KEY == settings.DEV_SECRET_KEY,
        "VANGNET_ENCRYPTION_KEYS": settings.DEV_ENCRYPTION_KEY in settings.ENCRYPTION_KEYS,
        "VANGNET_PSEUDONYMISATION_SECRET": settings.PSEUDONYMISATION_SECRET
        == settings.DEV_PSEUDONYMISATION_SECRET,
    }
    for name, is_dev in dev_values.items():
        if not is_dev:
            continue
        if settings.VANGNET_ENV == "production":
            problems.append(Error(f"{name} uses the development default in production", id="vangnet.E001"))
        elif settings.VANGNET_ENV not in {"development", "test"}:
            problems.append(Warning(f"{name} uses the development default", id="vangnet.W001"))
    if settings.PSEUDONYMISATION_SECRET in settings.ENCRYPTION_KEYS:
        problems.append(
            Error("The pseudonymisation secret must differ from every encryption key", id="vangnet.E002")
        )
    return problems


@register(deploy=True)
def production_settings_check(app_configs: Any, **kwargs: Any) -> list[Any]:
    """With ``--deploy``: every setting production would refuse (production itself refuses at start)."""
    from vangnet.core.production import unsafe_settings

    return [Error(problem, id="vangnet.E003") for problem in unsafe_settings()]
