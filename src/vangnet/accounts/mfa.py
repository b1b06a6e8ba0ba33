"""Two-step verification for every role: TOTP (RFC 6238, ``cryptography``) with one-time recovery codes.

- Enrolment: a new secret is shown (as text and as an ``otpauth://`` link for an authenticator app); the user
  confirms with a code; ten recovery codes are shown once (only their hashes are kept).
- After the password, a user with a confirmed device must give a code (or a recovery code) before any page;
  with ``VANGNET_MFA_REQUIRED`` (on in production) a user without a device must enrol first.
- Codes are accepted for the current 30-second step and one step either side; a used step is never
  accepted again (replay). Wrong codes count towards a limit per user (5 in 15 minutes).
- The functional administrator resets a user's device (lost phone); every change is in the security log.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor import InvalidToken
from cryptography.hazmat.primitives.twofactor.totp import TOTP
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vangnet.accounts.models import MfaDevice, RecoveryCode
from vangnet.audit import security
from vangnet.audit.models import SecurityEventKind
from vangnet.core import ratelimit

STEP = 30
DIGITS = 6
SESSION_KEY = "vangnet_mfa_verified"
RECOVERY_CODES = 10


def _totp(secret: str) -> TOTP:
    return TOTP(base64.b32decode(secret), DIGITS, SHA1(), STEP, enforce_key_length=False)  # noqa: S303


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode()


def code_at(secret: str, when: float) -> str:
    return _totp(secret).generate(int(when)).decode()


def provisioning_uri(secret: str, username: str) -> str:
    return (f"otpauth://totp/Vangnet:{quote(username)}?secret={secret}&issuer=Vangnet&algorithm=SHA1"
            f"&digits={DIGITS}&period={STEP}")


def has_second_factor(user: Any) -> bool:
    """A confirmed TOTP device or a passkey (accounts.passkeys)."""
    return (MfaDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
            or user.passkeys.exists())


def required_for(user: Any) -> bool:
    return settings.VANGNET_MFA_REQUIRED or has_second_factor(user)


def start_enrolment(user: Any) -> MfaDevice:
    """A fresh, unconfirmed device (replacing an unconfirmed one)."""
    MfaDevice.objects.filter(user=user, confirmed_at__isnull=True).delete()
    device, _created = MfaDevice.objects.get_or_create(user=user, defaults={"secret": new_secret()})
    return device


def _hash(code: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:recovery:{code}".encode()).hexdigest()


def _check_totp(device: MfaDevice, code: str, now: float | None = None) -> int | None:
    """The step the code belongs to (current ± 1), or None."""
    now = time.time() if now is None else now
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == DIGITS):
        return None
    step = int(now) // STEP
    for candidate in (step, step - 1, step + 1):
        try:
            _totp(device.secret).verify(code.encode(), candidate * STEP)
        except InvalidToken:
            continue
        return candidate
    return None


def confirm_enrolment(user: Any, code: str, *, request: Any = None) -> list[str] | None:
    """Confirm with a first code; returns the recovery codes (shown once), or None when the code is wrong."""
    with transaction.atomic():
        device = MfaDevice.objects.select_for_update().get(user=user)
        step = _check_totp(device, code)
        if step is None:
            return None
        device.confirmed_at, device.last_step = timezone.now(), step
        device.save(update_fields=["confirmed_at", "last_step"])
        RecoveryCode.objects.filter(user=user).delete()
        codes = ["-".join(secrets.token_hex(3) for _ in range(2)) for _ in range(RECOVERY_CODES)]
        RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash(c)) for c in codes])
        security.record(SecurityEventKind.MFA_CHANGED, request=request, user=user, detail={"change": "enrolled"})
    return codes


def throttled(user: Any) -> bool:
    return ratelimit.hit(f"mfa:{user.pk}", limit=5, window_seconds=900)


def verify(user: Any, code: str, *, request: Any = None) -> bool:
    """Check a TOTP code (never the same step twice) or an unused recovery code."""
    if throttled(user):
        return False
    with transaction.atomic():
        device = MfaDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
        if device is None:
            return False
        step = _check_totp(device, code)
        if step is not None and step > device.last_step:
            device.last_step = step
            device.save(update_fields=["last_step"])
            return True
        recovery = RecoveryCode.objects.select_for_update().filter(
            user=user, code_hash=_hash(code.strip().lower()), used_at__isnull=True).first()
        if recovery is not None:
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            security.record(SecurityEventKind.MFA_CHANGED, request=request, user=user,
                            detail={"change": "recovery code used"})
            return True
    ratelimit.hit(f"mfa:{user.pk}", limit=5, window_seconds=900, increment=True)
    security.record(SecurityEventKind.LOGIN_FAILED, request=request, user=user, detail={"step": "mfa"})
    return False


def reset(user: Any, *, actor: Any, request: Any = None) -> None:
    """The functional administrator removes a user's device and recovery codes (the user enrols again)."""
    with transaction.atomic():
        MfaDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        user.passkeys.all().delete()
        security.record(SecurityEventKind.MFA_CHANGED, request=request, user=actor,
                        detail={"change": "reset", "user": user.username})
