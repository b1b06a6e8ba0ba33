"""API tokens in the web UI (issue, list, revoke, expiry), the security log page, the idle timeout and headers."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.utils import timezone

from vangnet.accounts.models import ApiToken
from vangnet.audit.models import ProcessingLogEntry, SecurityEvent
from vangnet.core.security import LAST_SEEN_KEY


def test_admin_issues_lists_and_revokes_a_token_that_then_stops_working(client, cast):
    client.force_login(cast.admin)
    org = cast.reporter.organisation
    response = client.post("/account/tokens/", {"organisation": org.pk, "name": "police-registration", "days": 30})
    assert response.status_code == 200
    page = response.content.decode()
    key = re.search(r'id="new-key">(vn_[^<]+)<', page).group(1)
    token = ApiToken.objects.get(name="police-registration")
    assert f"vn_{token.prefix}" in page and token.issued_by == cast.admin
    assert abs((token.expires_at - timezone.now()) - datetime.timedelta(days=30)) < datetime.timedelta(minutes=1)
    api = client.__class__()
    assert api.get("/api/v1/handovers", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    listing = client.get("/account/tokens/").content.decode()
    assert "police-registration" in listing and "nooit" not in listing.split("police-registration")[1][:400]
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert api.get("/api/v1/handovers", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {"token_issued", "token_revoked"} <= kinds
    assert ProcessingLogEntry.objects.filter(activity__code="professional_accounts", action="create").exists()


def test_expired_tokens_stop_working(client, cast):
    token, key = ApiToken.issue(cast.reporter.organisation, "old", expires_at=timezone.now() - datetime.timedelta(1))
    assert token.state == "expired"
    assert client.get("/api/v1/handovers", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_token_expiry_is_bounded(client, cast, settings):
    client.force_login(cast.admin)
    response = client.post("/account/tokens/", {"organisation": cast.reporter.organisation.pk, "name": "x",
                                                "days": settings.VANGNET_API_TOKEN_MAX_DAYS + 1})
    assert response.status_code == 200
    assert not ApiToken.objects.filter(name="x").exists()
    assert "Maximaal" in response.content.decode()


@pytest.mark.parametrize("user", ["reporter", "national", "coordinator", "analyst", "outsider"])
def test_only_the_functional_admin_has_the_security_screens(client, cast, user):
    client.force_login(getattr(cast, user))
    token, _key = ApiToken.issue(cast.reporter.organisation, "t")
    assert client.get("/account/tokens/").status_code == 404
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert client.get("/log/security/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_refused_case_access_is_a_security_event_and_the_log_is_searchable(client, cast, registered_signal):
    client.force_login(cast.outsider)
    reference = registered_signal.case.reference
    assert client.get(f"/cases/{reference}/").status_code == 404
    event = SecurityEvent.objects.get(kind="case_access_refused")
    assert event.user == cast.outsider and event.detail == {"case": reference, "exists": True}
    client.force_login(cast.admin)
    page = client.get("/log/security/?kind=case_access_refused&q=outsider").content.decode()
    assert "outsider" in page and "Toegang tot casus geweigerd" in page
    assert "outsider" not in client.get("/log/security/?kind=login_failed").content.decode().split("<main")[1]


def test_idle_session_is_ended_after_thirty_minutes(client, cast, settings):
    assert settings.VANGNET_SESSION_IDLE_SECONDS == 30 * 60
    client.force_login(cast.coordinator)
    assert client.get("/cases/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/cases/").status_code == 200  # 29 minutes idle: still in
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/cases/").status_code == 302  # logged out for good


def test_personal_data_responses_are_not_stored_and_headers_are_set(client, cast):
    public = client.get("/info/")
    assert "no-store" not in public.get("Cache-Control", "")
    assert "camera=()" in public["Permissions-Policy"]
    assert "default-src 'self'" in public["Content-Security-Policy"]
    assert "script-src 'self'" in public["Content-Security-Policy"]
    assert "unsafe-inline" not in public["Content-Security-Policy"]  # inline code only with the request's nonce
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]
    client.force_login(cast.coordinator)
    for url in ("/", "/cases/", "/signals/"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
    api = client.get("/api/v1/handovers")
    assert "no-store" in api["Cache-Control"]


def test_hsts_is_sent_over_https_with_the_production_default(settings):
    from django.test import Client

    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get("/info/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
