"""Passkeys (WebAuthn) as the second step beside TOTP, with the ``webauthn`` library (py_webauthn).

- Registration: a signed-in user who has passed the second step (or has none yet) adds a passkey; the challenge
  lives in the session, the credential's public key is stored (never a secret), attestation is not asked.
- Authentication: after the password, a user with a passkey may use it instead of a TOTP code. The challenge is
  single use; the signature counter must go up (a cloned authenticator is refused); a failure counts towards the
  same limit as wrong codes (5 per 15 minutes) and is in the security log.
- The relying party is ``VANGNET_WEBAUTHN_RP_ID`` (default: the host of ``VANGNET_BASE_URL``) and the origin
  ``VANGNET_WEBAUTHN_ORIGIN`` (default: ``VANGNET_BASE_URL``'s scheme and host).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from vangnet.accounts import mfa
from vangnet.accounts.models import Passkey
from vangnet.audit import security
from vangnet.audit.models import SecurityEventKind
from vangnet.core import ratelimit

REGISTER_CHALLENGE = "vangnet_passkey_register_challenge"
LOGIN_CHALLENGE = "vangnet_passkey_login_challenge"
MAX_PASSKEYS = 10


class PasskeyRefused(Exception):
    pass


def rp_id() -> str:
    return settings.VANGNET_WEBAUTHN_RP_ID or (urlsplit(settings.VANGNET_BASE_URL).hostname or "localhost")


def origin() -> str:
    if settings.VANGNET_WEBAUTHN_ORIGIN:
        return settings.VANGNET_WEBAUTHN_ORIGIN
    parts = urlsplit(settings.VANGNET_BASE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def _descriptors(user: Any) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
            for p in Passkey.objects.filter(user=user)]


def registration_options(session: Any, user: Any) -> str:
    """The options for ``navigator.credentials.create`` as JSON; the challenge is kept in the session."""
    if Passkey.objects.filter(user=user).count() >= MAX_PASSKEYS:
        raise PasskeyRefused("too many passkeys")
    options = generate_registration_options(
        rp_id=rp_id(), rp_name="Vangnet", user_name=user.get_username(), user_id=str(user.pk).encode(),
        user_display_name=user.display_name, exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED, user_verification=UserVerificationRequirement.PREFERRED),
    )
    session[REGISTER_CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def register(session: Any, user: Any, credential: Any, name: str, *, request: Any = None) -> Passkey:
    challenge = session.pop(REGISTER_CHALLENGE, None)
    if not challenge:
        raise PasskeyRefused("no registration started")
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=base64url_to_bytes(challenge), expected_rp_id=rp_id(),
            expected_origin=origin())
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyRefused(type(exc).__name__) from None
    credential_id = bytes_to_base64url(verified.credential_id)
    with transaction.atomic():
        if Passkey.objects.filter(credential_id=credential_id).exists():
            raise PasskeyRefused("credential already registered")
        passkey = Passkey.objects.create(user=user, name=(name.strip() or "Passkey")[:100],
                                         credential_id=credential_id,
                                         public_key=verified.credential_public_key, sign_count=verified.sign_count)
        security.record(SecurityEventKind.MFA_CHANGED, request=request, user=user,
                        detail={"change": "passkey added", "passkey": passkey.pk})
    return passkey


def authentication_options(session: Any, user: Any) -> str:
    options = generate_authentication_options(rp_id=rp_id(), allow_credentials=_descriptors(user),
                                              user_verification=UserVerificationRequirement.PREFERRED)
    session[LOGIN_CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def _failed(user: Any, request: Any, reason: str) -> None:
    ratelimit.hit(f"mfa:{user.pk}", limit=5, window_seconds=900, increment=True)
    security.record(SecurityEventKind.LOGIN_FAILED, request=request, user=user,
                    detail={"step": "passkey", "reason": reason})


def authenticate(session: Any, user: Any, credential: Any, *, request: Any = None) -> bool:
    """Check a passkey assertion for ``user`` (single-use challenge, rising counter)."""
    challenge = session.pop(LOGIN_CHALLENGE, None)
    if mfa.throttled(user):
        return False
    if not challenge:
        _failed(user, request, "no challenge")
        return False
    try:
        raw_id = (credential if isinstance(credential, dict) else json.loads(credential)).get("rawId", "")
    except (ValueError, AttributeError):
        raw_id = ""
    with transaction.atomic():
        passkey = Passkey.objects.select_for_update().filter(user=user, credential_id=str(raw_id)).first()
        if passkey is None:
            _failed(user, request, "unknown passkey")
            return False
        try:
            verified = verify_authentication_response(
                credential=credential, expected_challenge=base64url_to_bytes(challenge), expected_rp_id=rp_id(),
                expected_origin=origin(), credential_public_key=bytes(passkey.public_key),
                credential_current_sign_count=passkey.sign_count)
        except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
            _failed(user, request, type(exc).__name__)
            return False
        passkey.sign_count, passkey.last_used_at = verified.new_sign_count, timezone.now()
        passkey.save(update_fields=["sign_count", "last_used_at"])
    return True


def remove(user: Any, passkey_id: int, *, request: Any = None) -> bool:
    with transaction.atomic():
        deleted, _ = Passkey.objects.filter(user=user, pk=passkey_id).delete()
        if deleted:
            security.record(SecurityEventKind.MFA_CHANGED, request=request, user=user,
                            detail={"change": "passkey removed", "passkey": passkey_id})
    return bool(deleted)
