"""Federated login (OpenID Connect) against a REAL provider that the tests start on 127.0.0.1.

The provider is ``oidc-provider-mock`` (an OpenID provider built on Authlib) served by werkzeug in a thread on a
free port. Vangnet talks to it over HTTP exactly as to an organisation's own provider: discovery, the
authorization redirect (PKCE, state, nonce), the code exchange and the ID token checked against its JWKS.
The browser's part (the provider's login form) is played with ``requests``.
"""

from __future__ import annotations

import socket
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from vangnet.accounts.models import ExternalIdentity, IdentityProvider
from vangnet.audit.models import SecurityEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def idp(cast: Any, provider_url: str) -> IdentityProvider:
    return IdentityProvider.objects.create(
        organisation=cast.reporter.organisation, name="Politie login", issuer=provider_url,
        client_id="vangnet-test", client_secret="s3cret-of-the-police",
    )


@pytest.fixture
def jansen(cast):
    cast.reporter.email = "r.jansen@politie.example"
    cast.reporter.save()
    return cast.reporter


@pytest.fixture
def jansen_at_provider(jansen, provider_url):
    """The reporter, known at the provider as sub-jansen with the same, verified e-mail address."""
    set_user(provider_url, "sub-jansen", email="r.jansen@politie.example", email_verified=True)
    return jansen


def set_user(provider_url: str, sub: str, **claims: Any) -> None:
    response = requests.put(f"{provider_url}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204


def start(client: Any, idp: IdentityProvider, next_url: str = "/") -> Any:
    return client.post(f"/account/oidc/{idp.pk}/start/", {"next": next_url}, REMOTE_ADDR="10.8.0.1")


def authorize_at_provider(authorization_url: str, sub: str) -> str:
    """The person logs in at the provider; the provider redirects back. Returns that redirect's path + query."""
    response = requests.post(authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text[:500]
    location = urlsplit(response.headers["Location"])
    return f"{location.path}?{location.query}"


def federated_login(client: Any, idp: IdentityProvider, sub: str, next_url: str = "/") -> Any:
    response = start(client, idp, next_url)
    assert response.status_code == 302, response.content[:500]
    return client.get(authorize_at_provider(response["Location"], sub), REMOTE_ADDR="10.8.0.1")


def refusals(reason: str) -> int:
    return SecurityEvent.objects.filter(kind="login_failed", detail__reason=reason).count()


# --- the happy path ------------------------------------------------------------------------------------


def test_authorization_request_uses_pkce_state_and_nonce(client, idp, provider_url):
    response = start(client, idp)
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}" == provider_url and url.path == "/oauth2/authorize"
    query = parse_qs(url.query)
    assert query["response_type"] == ["code"] and query["client_id"] == ["vangnet-test"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert query["redirect_uri"] == [f"http://127.0.0.1:8000/account/oidc/{idp.pk}/callback/"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_first_login_links_by_verified_email_then_by_subject(client, cast, idp, provider_url):
    cast.reporter.email = "r.jansen@politie.example"
    cast.reporter.save()
    set_user(provider_url, "sub-jansen", email="R.Jansen@politie.example", email_verified=True)
    response = federated_login(client, idp, "sub-jansen", next_url="/cases/")
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert int(client.session["_auth_user_id"]) == cast.reporter.pk
    assert client.session["vangnet_login_method"] == f"oidc:{idp.pk}"
    identity = ExternalIdentity.objects.get(user=cast.reporter)
    assert (identity.issuer, identity.subject) == (provider_url, "sub-jansen")
    assert SecurityEvent.objects.filter(kind="identity_linked", user=cast.reporter).count() == 1
    assert client.get("/").status_code == 200  # a working session (MFA not required here)

    # Next time the stored subject decides, even when the provider's e-mail address has changed.
    client.logout()
    set_user(provider_url, "sub-jansen", email="someone.else@politie.example", email_verified=False)
    response = federated_login(client, idp, "sub-jansen")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == cast.reporter.pk
    assert ExternalIdentity.objects.get(user=cast.reporter).last_login_at is not None


def test_discovery_and_keys_are_kept_between_logins_until_they_expire(jansen_at_provider, client, idp, monkeypatch,
                                                                     settings):
    from vangnet.accounts import oidc

    oidc._clients.clear()
    fetched: list[str] = []
    real_request = requests.Session.request

    def counting(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        fetched.append(urlsplit(url).path)
        return real_request(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", counting)
    for _ in range(2):
        assert federated_login(client, idp, "sub-jansen").status_code == 302
        client.logout()
    discovery = fetched.count("/.well-known/openid-configuration")
    keys = [p for p in fetched if "jwk" in p or "keys" in p]
    assert discovery == 1 and len(keys) == 1, fetched  # the second login fetched neither again
    # a changed provider configuration gets a fresh client
    kept = oidc._client(idp)
    assert oidc._client(IdentityProvider.objects.get(pk=idp.pk)) is kept
    idp.client_secret = "a-new-secret-of-the-police"
    idp.save()
    fresh = oidc._client(IdentityProvider.objects.get(pk=idp.pk))
    assert fresh is not kept and fresh.client_secret == "a-new-secret-of-the-police"
    # and once kept longer than the setting, discovery is fetched again
    settings.VANGNET_OIDC_METADATA_TTL_SECONDS = 0
    fetched.clear()
    start(client, idp)
    assert fetched.count("/.well-known/openid-configuration") == 1


def test_logout_after_a_federated_login_offers_the_providers_logout(jansen_at_provider, client, idp, provider_url,
                                                                    settings):
    settings.VANGNET_BASE_URL = "http://testserver"
    assert federated_login(client, idp, "sub-jansen").status_code == 302
    response = client.post("/logout/")
    assert response.status_code == 200 and "_auth_user_id" not in client.session  # logged out of Vangnet
    html = response.content.decode()
    assert "U bent uitgelogd bij Vangnet" in html and "Ook uitloggen bij Politie login" in html
    link = html.split('id="provider-logout" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    parts = urlsplit(link)
    discovery = requests.get(f"{provider_url}/.well-known/openid-configuration", timeout=5).json()
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == discovery["end_session_endpoint"]
    assert parse_qs(parts.query) == {"client_id": ["vangnet-test"],
                                     "post_logout_redirect_uri": ["http://testserver/login/"]}
    # at the provider: its confirmation, then back to Vangnet's login page
    assert requests.get(link, timeout=5).status_code == 200
    back = requests.post(f"{provider_url}/oauth2/end_session/confirm", data={"redirect_uri": "http://testserver/login/"},
                         allow_redirects=False, timeout=5)
    assert back.status_code == 302 and back.headers["Location"] == "http://testserver/login/"


def test_logout_after_a_password_login_or_with_the_provider_gone_is_vangnets_alone(jansen_at_provider, client,
                                                                                   cast, idp):
    client.force_login(cast.reporter)
    response = client.get("/logout/")  # a GET logs nobody out
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert int(client.session["_auth_user_id"]) == cast.reporter.pk
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert federated_login(client, idp, "sub-jansen").status_code == 302
    IdentityProvider.objects.filter(pk=idp.pk).update(is_enabled=False)
    response = client.post("/logout/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_the_client_secret_is_encrypted_at_rest(idp):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM accounts_identityprovider WHERE id = %s", [idp.pk])
        stored = cursor.fetchone()[0]
    assert "s3cret" not in stored
    assert IdentityProvider.objects.get(pk=idp.pk).client_secret == "s3cret-of-the-police"


# --- refusals: clear Dutch page, security log, django-axes, never a 500 ---------------------------------


def test_unknown_user_is_refused_and_no_account_is_made(client, cast, idp, provider_url, django_user_model):
    users_before = django_user_model.objects.count()
    set_user(provider_url, "sub-stranger", email="stranger@politie.example", email_verified=True)
    response = federated_login(client, idp, "sub-stranger")
    assert response.status_code == 403
    assert "Er is geen Vangnet-account voor u" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert django_user_model.objects.count() == users_before
    assert not ExternalIdentity.objects.exists()
    assert refusals("unknown_user") == 1
    assert AccessAttempt.objects.filter(username="stranger@politie.example").exists()


def test_unverified_email_is_not_used_for_linking(client, cast, idp, provider_url):
    cast.reporter.email = "r.jansen@politie.example"
    cast.reporter.save()
    set_user(provider_url, "sub-unverified", email="r.jansen@politie.example", email_verified=False)
    response = federated_login(client, idp, "sub-unverified")
    assert response.status_code == 403 and "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()


def test_user_of_another_organisation_is_refused(client, cast, idp, provider_url):
    cast.outsider.email = "ngo.worker@ngo.example"  # an NGO user, the provider is the police's
    cast.outsider.save()
    set_user(provider_url, "sub-ngo", email="ngo.worker@ngo.example", email_verified=True)
    response = federated_login(client, idp, "sub-ngo")
    assert response.status_code == 403
    assert "hoort bij een andere organisatie" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert refusals("wrong_organisation") == 1


def test_inactive_user_is_refused(client, cast, idp, provider_url):
    cast.colleague.email = "colleague@politie.example"
    cast.colleague.is_active = False
    cast.colleague.save()
    set_user(provider_url, "sub-colleague", email="colleague@politie.example", email_verified=True)
    response = federated_login(client, idp, "sub-colleague")
    assert response.status_code == 403 and "_auth_user_id" not in client.session


def test_disabled_provider_is_refused(client, idp):
    idp.is_enabled = False
    idp.save()
    response = start(client, idp)
    assert response.status_code == 404
    assert "niet (meer) mogelijk" in response.content.decode()
    assert refusals("provider_disabled") == 1


def test_tampered_state_is_refused(jansen_at_provider, client, idp):
    response = start(client, idp)
    callback = authorize_at_provider(response["Location"], "sub-jansen")
    forged = callback.replace("state=", "state=x")
    response = client.get(forged, REMOTE_ADDR="10.8.0.1")
    assert response.status_code == 400
    assert "Start opnieuw" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert refusals("state") == 1


def test_callback_without_a_started_login_is_refused(client, idp):
    response = client.get(f"/account/oidc/{idp.pk}/callback/?code=abc&state=def")
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_tampered_nonce_is_refused(jansen_at_provider, client, cast, idp, provider_url):
    response = start(client, idp)
    callback = authorize_at_provider(response["Location"], "sub-jansen")
    session = client.session
    key = next(k for k in session.keys() if k.startswith("_state_"))  # noqa: SIM118 (sessions do not iterate)
    state = session[key]
    state["data"]["nonce"] = "not-the-nonce-sent"
    session[key] = state
    session.save()
    response = client.get(callback, REMOTE_ADDR="10.8.0.1")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert refusals("token") == 1


def test_provider_down_gives_a_clear_error(client, cast):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = IdentityProvider.objects.create(organisation=cast.reporter.organisation, name="Weg",
                                           issuer=f"http://127.0.0.1:{port}", client_id="x", client_secret="y")
    response = start(client, down)
    assert response.status_code == 502
    assert "kan nu niet worden bereikt" in response.content.decode()
    assert refusals("provider_unreachable") == 1


def test_issuer_in_discovery_must_match_the_configuration(client, cast, provider_url):
    mixed = IdentityProvider.objects.create(organisation=cast.reporter.organisation, name="Verkeerd",
                                            issuer=provider_url + "/", client_id="x", client_secret="y")
    response = start(client, mixed)
    assert response.status_code == 400 and refusals("issuer_mismatch") == 1


# --- forged ID tokens: the real provider's discovery, a token it never signed --------------------------


def _forged_login(client, idp, monkeypatch, provider_url, *, own_keys: bool, **overrides: Any) -> Any:
    from authlib.integrations.django_client import DjangoOAuth2App

    response = start(client, idp)
    query = parse_qs(urlsplit(response["Location"]).query)
    now = int(time.time())
    claims = {"iss": provider_url, "aud": "vangnet-test", "sub": "sub-jansen", "iat": now, "exp": now + 300,
              "nonce": query["nonce"][0], "email": "r.jansen@politie.example", "email_verified": True}
    claims.update(overrides)
    key = RSAKey.generate_key(2048, parameters={"kid": "forger"})
    id_token = jwt.encode({"alg": "RS256", "kid": "forger"}, claims, key)
    monkeypatch.setattr(DjangoOAuth2App, "fetch_access_token",
                        lambda self, **kw: {"access_token": "a", "token_type": "Bearer", "id_token": id_token})
    if own_keys:
        monkeypatch.setattr(DjangoOAuth2App, "fetch_jwk_set", lambda self, force=False: KeySet([key]).as_dict())
    return client.get(f"/account/oidc/{idp.pk}/callback/?code=c&state={query['state'][0]}", REMOTE_ADDR="10.8.0.1")


def test_token_not_signed_by_the_provider_is_refused(client, jansen, idp, provider_url, monkeypatch):
    response = _forged_login(client, idp, monkeypatch, provider_url, own_keys=False)
    assert response.status_code == 400 and "_auth_user_id" not in client.session
    assert refusals("token") == 1


def test_the_forgery_setup_itself_logs_in_when_the_keys_are_trusted(client, jansen, idp, provider_url,
                                                                     monkeypatch):
    """Control for the tests below: with our key in the JWKS and correct claims, the login works."""
    response = _forged_login(client, idp, monkeypatch, provider_url, own_keys=True)
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == jansen.pk


@pytest.mark.parametrize(("claim", "value"), [
    ("exp", int(time.time()) - 3600),  # expired long ago
    ("aud", "another-client"),
    ("iss", "https://evil.example"),
    ("nonce", "replayed-nonce"),
])
def test_token_with_a_wrong_claim_is_refused(client, jansen, idp, provider_url, monkeypatch, claim, value):
    response = _forged_login(client, idp, monkeypatch, provider_url, own_keys=True, **{claim: value})
    assert response.status_code == 400 and "_auth_user_id" not in client.session
    assert refusals("token") == 1


# --- MFA, lockout ---------------------------------------------------------------------------------------


def test_local_totp_step_is_still_required_without_provider_mfa(client, cast, idp, provider_url, settings):
    settings.VANGNET_MFA_REQUIRED = True
    cast.reporter.email = "r.jansen@politie.example"
    cast.reporter.save()
    set_user(provider_url, "sub-jansen", email="r.jansen@politie.example", email_verified=True, amr=["pwd"])
    assert federated_login(client, idp, "sub-jansen").status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/account/mfa/")


def test_provider_mfa_is_accepted_when_configured(client, cast, idp, provider_url, settings):
    settings.VANGNET_MFA_REQUIRED = True
    idp.accept_provider_mfa = True
    idp.save()
    cast.reporter.email = "r.jansen@politie.example"
    cast.reporter.save()
    set_user(provider_url, "sub-jansen", email="r.jansen@politie.example", email_verified=True, amr=["pwd", "mfa"])
    assert federated_login(client, idp, "sub-jansen").status_code == 302
    assert client.get("/").status_code == 200


def test_provider_mfa_claim_is_ignored_when_not_configured(client, cast, idp, provider_url, settings):
    settings.VANGNET_MFA_REQUIRED = True
    cast.reporter.email = "r.jansen@politie.example"
    cast.reporter.save()
    set_user(provider_url, "sub-jansen", email="r.jansen@politie.example", email_verified=True, amr=["mfa"])
    assert federated_login(client, idp, "sub-jansen").status_code == 302
    assert client.get("/")["Location"].startswith("/account/mfa/")


def test_repeated_oidc_failures_lock_the_address(client, idp, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.get(f"/account/oidc/{idp.pk}/callback/?code=abc&state=forged", REMOTE_ADDR="10.8.0.1")
    response = start(client, idp)
    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()
    assert SecurityEvent.objects.filter(kind="locked_out").exists()


def test_login_page_offers_federated_login_only_when_a_provider_is_enabled(client, idp):
    assert "Inloggen via uw organisatie" in client.get("/login/").content.decode()
    idp.is_enabled = False
    idp.save()
    assert "Inloggen via uw organisatie" not in client.get("/login/").content.decode()


def test_forged_callbacks_from_one_address_do_not_lock_federated_login_for_others(client, idp, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(5):
        client.get(f"/account/oidc/{idp.pk}/callback/?code=abc&state=forged", REMOTE_ADDR="10.8.0.9")
    assert client.post(f"/account/oidc/{idp.pk}/start/", REMOTE_ADDR="10.8.0.9").status_code == 429
    assert client.post(f"/account/oidc/{idp.pk}/start/", REMOTE_ADDR="10.8.0.10").status_code == 302


def test_a_federated_session_has_the_same_idle_and_absolute_timeouts(client, jansen_at_provider, idp, settings):
    from vangnet.core.security import LAST_SEEN_KEY

    assert federated_login(client, idp, "sub-jansen").status_code == 302
    assert client.get("/").status_code == 200
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE  # the absolute lifetime
    assert "vangnet_oidc_provider" not in client.session  # the flow's own keys are gone
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.VANGNET_SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session
