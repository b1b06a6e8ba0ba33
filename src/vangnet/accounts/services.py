"""Writes on accounts: API tokens issued and revoked, login locks lifted. Each is logged."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from vangnet.accounts.models import ApiToken, Organisation
from vangnet.audit import security
from vangnet.audit.models import Action, SecurityEventKind
from vangnet.audit.services import log_processing


class TokenRefused(ValueError):
    pass


def issue_token(organisation: Organisation, name: str, *, days: int, actor: Any,
                request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    if not 1 <= days <= settings.VANGNET_API_TOKEN_MAX_DAYS:
        raise TokenRefused(f"days must be between 1 and {settings.VANGNET_API_TOKEN_MAX_DAYS}")
    with transaction.atomic():
        token, key = ApiToken.issue(organisation, name, expires_at=timezone.now() + datetime.timedelta(days=days),
                                    issued_by=actor)
        log_processing("professional_accounts", Action.CREATE, obj=token, fields=["name", "prefix", "expires_at"],
                       organisation=organisation)
        security.record(SecurityEventKind.TOKEN_ISSUED, request=request, user=actor,
                        detail={"token": token.prefix, "organisation": organisation.pk, "days": days})
    return token, key


def revoke_token(token_id: int, *, actor: Any, request: HttpRequest | None = None) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token_id)
        if token.revoked_at is None:
            token.revoked_at, token.revoked_by = timezone.now(), actor
            token.save(update_fields=["revoked_at", "revoked_by"])
            log_processing("professional_accounts", Action.UPDATE, obj=token, fields=["revoked_at"],
                           organisation=token.organisation)
            security.record(SecurityEventKind.TOKEN_REVOKED, request=request, user=actor,
                            detail={"token": token.prefix, "organisation": token.organisation_id})
    return token


def lift_lock(*, username: str = "", ip_address: str = "", actor: Any, request: HttpRequest | None = None) -> int:
    """Lift a login lock on an account or an address (django-axes' reset); returns attempts removed."""
    from axes.utils import reset

    if not username and not ip_address:
        return 0
    removed = reset(username=username or None) if username else reset(ip=ip_address)
    security.record(SecurityEventKind.LOCK_LIFTED, request=request, user=actor,
                    detail={"username": username, "ip_address": ip_address, "attempts": removed})
    return int(removed or 0)
