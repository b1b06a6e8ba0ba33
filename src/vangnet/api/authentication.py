"""Token authentication per organisation: ``Authorization: Token vn_…``.

The request is authenticated as the organisation (``request.auth`` is the ApiToken); there is no
user. The token's name is what the processing log records as the actor.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from vangnet.accounts.models import ApiToken


class OrganisationPrincipal:
    """Stands in for ``request.user`` on API calls made by an organisation's system."""

    is_authenticated = True
    is_active = True
    pk = None
    role = "api"

    def __init__(self, token: ApiToken) -> None:
        self.token = token
        self.organisation = token.organisation
        self.organisation_id = token.organisation_id
        self.username = f"api:{token.name}"


class OrganisationTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Any) -> tuple[OrganisationPrincipal, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as 'Authorization: Token <key>'."))
        token = ApiToken.objects.active().select_related("organisation").filter(
            key_hash=ApiToken.hash_key(header[1])).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is unknown or revoked."))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return OrganisationPrincipal(token), token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
