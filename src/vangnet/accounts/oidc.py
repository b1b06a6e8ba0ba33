"""Federated login with OpenID Connect: an organisation's own identity provider (docs/adr/0007-federated-login.md).

Authlib's Django client does the protocol: discovery, the authorization code flow with PKCE (S256), state and
nonce kept in the session, the code exchange, and the ID token's signature checked against the provider's JWKS.
Vangnet adds the checks that are its own:

- the discovery document's issuer must be the configured issuer, and so must the token's ``iss``; ``aud`` must be
  the client id; ``exp``/``iat`` are checked with ``VANGNET_OIDC_CLOCK_SKEW_SECONDS`` leeway;
- only existing, active users of the provider's own (active) organisation get in: by the stored subject
  (issuer + the provider's subject claim), or the first time by a *verified* e-mail address, after which the
  subject is stored. No account is ever made;
- every refusal is a ``user_login_failed`` signal: django-axes counts it towards the lockout (per address and per
  name) and the security log records it with the reason;
- the local TOTP step is still asked unless the provider is trusted for two-step verification and the token's
  ``amr``/``acr`` shows it was done (``IdentityProvider.provider_mfa_satisfied``).
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from joserfc.errors import JoseError

from vangnet.accounts import mfa
from vangnet.accounts.models import ExternalIdentity, IdentityProvider, User
from vangnet.audit import security
from vangnet.audit.models import SecurityEventKind
from vangnet.core.clientip import client_ip

log = logging.getLogger("vangnet.security")

SESSION_PROVIDER = "vangnet_oidc_provider"
SESSION_NEXT = "vangnet_oidc_next"
#: how the session was opened: "oidc:<provider id>" after a federated login
LOGIN_METHOD = "vangnet_login_method"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class Refused(Exception):
    """A federated login that may not go on. ``reason`` is a stable code (security log, tests, error page)."""

    def __init__(self, reason: str, *, username: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.username = username


def issuer_allowed(issuer: str) -> bool:
    """HTTPS, or plain HTTP only on this machine's loopback address (development and the tests)."""
    parts = urlsplit(issuer)
    if not parts.hostname or parts.query or parts.fragment:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)


def redirect_uri(provider: IdentityProvider) -> str:
    """The redirect URI to register at the provider (one per provider)."""
    return settings.VANGNET_BASE_URL.rstrip("/") + reverse("accounts:oidc_callback", args=[provider.pk])


#: One client per provider configuration, kept for ``VANGNET_OIDC_METADATA_TTL_SECONDS``: Authlib keeps the
#: discovery document and the key set on the client, so a login costs no discovery or key fetch while it is
#: fresh. A token signed with a key the kept set lacks makes Authlib fetch the set again (a key rotation at the
#: provider works at once). A failed discovery is not kept. Keyed on everything that configures the client, so
#: a changed provider gets a new one.
_clients: dict[tuple[Any, ...], tuple[float, DjangoOAuth2App]] = {}


def _client(provider: IdentityProvider) -> DjangoOAuth2App:
    key = (provider.pk, provider.issuer, provider.client_id,
           hashlib.sha256(provider.client_secret.encode()).hexdigest(), provider.scopes)
    now = time.monotonic()
    kept = _clients.get(key)
    if kept is not None and now - kept[0] < settings.VANGNET_OIDC_METADATA_TTL_SECONDS:
        return kept[1]
    client = _new_client(provider)
    _clients[key] = (now, client)
    return client


def _new_client(provider: IdentityProvider) -> DjangoOAuth2App:
    registry = OAuth()
    return registry.register(
        name=f"vangnet_idp_{provider.pk}",
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": provider.scopes, "code_challenge_method": "S256",
                       "default_timeout": settings.VANGNET_OIDC_TIMEOUT_SECONDS},
    )


def post_logout_redirect_uri() -> str:
    """Where the provider sends the browser back after logging out there (register it at the provider)."""
    return settings.VANGNET_BASE_URL.rstrip("/") + reverse("login")


def end_session(provider_id: str) -> tuple[IdentityProvider, str] | None:
    """The provider a user logged in through and its logout address (OpenID Connect RP-Initiated Logout 1.0:
    ``end_session_endpoint`` from discovery, with our client id and where to come back), or None when the
    provider is gone, disabled, unreachable or has no such endpoint (the logout is then Vangnet's alone)."""
    provider = (IdentityProvider.objects.filter(pk=int(provider_id), is_enabled=True).first()
                if provider_id.isdigit() else None)
    if provider is None:
        return None
    try:
        endpoint = _client(provider).load_server_metadata().get("end_session_endpoint")
    except (requests.RequestException, ValueError) as exc:
        log.warning("oidc discovery failed at logout for provider %s: %s", provider.pk, type(exc).__name__)
        return None
    if not isinstance(endpoint, str) or not issuer_allowed(endpoint.split("?", 1)[0]):
        return None
    query = urlencode({"client_id": provider.client_id, "post_logout_redirect_uri": post_logout_redirect_uri()})
    return provider, f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def anonymous_name(request: HttpRequest) -> str:
    """The name a failure without a known person counts under: per address, so forged callbacks from one
    address can never lock federated login for everybody (django-axes locks per name and per address)."""
    return f"oidc@{client_ip(request)}"


def _refuse(request: HttpRequest, provider: IdentityProvider | None, exc: Refused) -> None:
    """Count the failure (django-axes lockout) and record it in the security log (through the signal)."""
    user_login_failed.send(
        sender=__name__, request=request,
        credentials={"username": exc.username[:150] or anonymous_name(request), "method": "oidc",
                     "reason": exc.reason,
                     "provider": provider.pk if provider is not None else None},
    )


def start(request: HttpRequest, provider: IdentityProvider, next_url: str) -> HttpResponse:
    """Send the browser to the provider (discovery first; the issuer must match the configuration)."""
    if not provider.is_enabled or not provider.organisation.is_active:
        raise Refused("provider_disabled")
    client = _client(provider)
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        log.warning("oidc discovery failed for provider %s: %s", provider.pk, type(exc).__name__)
        raise Refused("provider_unreachable") from None
    if metadata.get("issuer") != provider.issuer:
        raise Refused("issuer_mismatch")
    request.session[SESSION_PROVIDER] = provider.pk
    request.session[SESSION_NEXT] = next_url
    return client.authorize_redirect(request, redirect_uri(provider))


def _claims(request: HttpRequest, provider: IdentityProvider) -> dict[str, Any]:
    """Exchange the code and check the ID token; the token's claims, or Refused."""
    if request.session.get(SESSION_PROVIDER) != provider.pk:
        raise Refused("state")
    if request.GET.get("error"):
        raise Refused("provider_error")
    client = _client(provider)
    options = {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": provider.client_id},
        "exp": {"essential": True},
        "nonce": {"essential": True},
    }
    try:
        token = client.authorize_access_token(request, claims_options=options,
                                              leeway=settings.VANGNET_OIDC_CLOCK_SKEW_SECONDS)
    except MismatchingStateError:
        raise Refused("state") from None
    except OAuthError:
        raise Refused("provider_error") from None
    except JoseError as exc:
        log.warning("oidc id token refused for provider %s: %s", provider.pk, type(exc).__name__)
        raise Refused("token") from None
    except (requests.RequestException, ValueError) as exc:
        log.warning("oidc token exchange failed for provider %s: %s", provider.pk, type(exc).__name__)
        raise Refused("provider_unreachable") from None
    claims = token.get("userinfo")
    if not claims:  # no ID token (or none checked): never trusted
        raise Refused("token")
    return dict(claims)


def _find_user(provider: IdentityProvider, claims: dict[str, Any]) -> tuple[User, ExternalIdentity | None]:
    """The Vangnet user behind the claims; an identity to store when this is the first login, else None."""
    subject = claims.get(provider.subject_claim)
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise Refused("token")
    email = claims.get("email") if isinstance(claims.get("email"), str) else ""
    label = email or f"{provider.subject_claim}:{subject}"
    known = ExternalIdentity.objects.select_related("user").filter(issuer=provider.issuer, subject=subject).first()
    if known is not None:
        user = known.user
        if not user.is_active:
            raise Refused("user_inactive", username=user.username)
        if user.organisation_id != provider.organisation_id:
            raise Refused("wrong_organisation", username=user.username)
        return user, None
    if not email or claims.get("email_verified") is not True:
        raise Refused("unknown_user", username=label)
    candidates = list(User.objects.filter(email__iexact=email, is_active=True))
    own = [u for u in candidates if u.organisation_id == provider.organisation_id]
    if not own:
        raise Refused("wrong_organisation" if candidates else "unknown_user", username=label)
    if len(own) > 1:
        raise Refused("ambiguous_email", username=label)
    user = own[0]
    if ExternalIdentity.objects.filter(user=user, provider=provider).exists():
        # The account is already linked to another subject of this provider: never re-link by e-mail.
        raise Refused("subject_changed", username=user.username)
    return user, ExternalIdentity(user=user, provider=provider, issuer=provider.issuer, subject=subject)


def finish(request: HttpRequest, provider: IdentityProvider) -> tuple[User, str]:
    """Complete the login from the provider's redirect. Returns the user and where to go next."""
    if not provider.is_enabled or not provider.organisation.is_active:
        raise Refused("provider_disabled")
    claims = _claims(request, provider)
    user, new_identity = _find_user(provider, claims)
    next_url = request.session.get(SESSION_NEXT) or "/"
    with transaction.atomic():
        if new_identity is not None:
            new_identity.last_login_at = timezone.now()
            new_identity.save()
            security.record(SecurityEventKind.IDENTITY_LINKED, request=request, user=user,
                            detail={"provider": provider.pk, "by": "verified e-mail"})
        else:
            ExternalIdentity.objects.filter(issuer=provider.issuer, subject=claims[provider.subject_claim]).update(
                last_login_at=timezone.now())
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    # The session key changed at login; what we keep goes into the new session.
    for key in (SESSION_PROVIDER, SESSION_NEXT):
        request.session.pop(key, None)
    request.session[LOGIN_METHOD] = f"oidc:{provider.pk}"
    if provider.provider_mfa_satisfied(claims):
        request.session[mfa.SESSION_KEY] = True
    return user, next_url


def refuse(request: HttpRequest, provider: IdentityProvider | None, exc: Refused) -> None:
    _refuse(request, provider, exc)
    for key in (SESSION_PROVIDER, SESSION_NEXT):
        request.session.pop(key, None)
