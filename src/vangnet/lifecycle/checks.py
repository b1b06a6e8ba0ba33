"""System checks: the retention schedule must be valid and every category must have a handler."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Warning, register

from vangnet.lifecycle.schedule import ScheduleError, load


@register()
def retention_schedule_check(app_configs: Any, **kwargs: Any) -> list[Any]:
    from vangnet.lifecycle.retention import HANDLERS

    try:
        sched = load()
    except ScheduleError as exc:
        return [Error(f"The retention schedule (lifecycle/data/retention.yaml) is invalid: {exc}",
                      id="vangnet.lifecycle.E001")]
    problems: list[Any] = []
    for category in sched.categories:
        if category.code not in HANDLERS:
            problems.append(Error(f"Retention category {category.code!r} has no handler in lifecycle.retention",
                                  id="vangnet.lifecycle.E002"))
        # a category whose model is not installed yet (the security log) is skipped by the run and shown
        # as "not in use yet" in the report; that is not a problem worth a message on every command
    return problems


@register()
def key_rotation_check(app_configs: Any, **kwargs: Any) -> list[Any]:
    """Decrypt-only keys (the first phase of a key rotation) must be valid and apart from the others."""
    from cryptography.fernet import Fernet
    from django.conf import settings

    problems: list[Any] = []
    decrypt_only = list(getattr(settings, "DECRYPTION_ONLY_KEYS", []))
    for key in decrypt_only:
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            problems.append(Error("VANGNET_DECRYPTION_ONLY_KEYS must hold url-safe base64 encoded 32-byte keys",
                                  id="vangnet.lifecycle.E003"))
            break
    if set(decrypt_only) & set(settings.ENCRYPTION_KEYS):
        problems.append(Warning("A key is in both VANGNET_ENCRYPTION_KEYS and VANGNET_DECRYPTION_ONLY_KEYS; "
                                "remove it from the decrypt-only list", id="vangnet.lifecycle.W001"))
    if settings.PSEUDONYMISATION_SECRET in decrypt_only or (settings.BACKUP_KEY and (
            settings.BACKUP_KEY in settings.ENCRYPTION_KEYS or settings.BACKUP_KEY in decrypt_only)):
        problems.append(Error("The backup key and the pseudonymisation secret must differ from every encryption key",
                              id="vangnet.lifecycle.E004"))
    return problems
