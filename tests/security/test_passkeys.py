"""Passkeys (WebAuthn): who may add one, and how bad answers are refused (the happy path runs in Chromium with a
virtual authenticator: tests/security/test_passkeys_e2e.py)."""

from __future__ import annotations

import json

import pytest

from tests.factories import PASSWORD
from vangnet.accounts import passkeys
from vangnet.accounts.models import MfaDevice, Passkey
from vangnet.audit.models import SecurityEvent

pytestmark = pytest.mark.django_db


def password_login(client, user):
    assert client.post("/login/", {"username": user.username, "password": PASSWORD},
                       REMOTE_ADDR="10.9.0.1").status_code == 302


def add_passkey(user, credential_id="Y3JlZC0x"):
    return Passkey.objects.create(user=user, name="Sleutel", credential_id=credential_id, public_key=b"\x00")


def test_registration_options_are_for_this_site_and_exclude_known_passkeys(client, cast, settings):
    settings.VANGNET_BASE_URL = "https://vangnet.example"
    add_passkey(cast.coordinator)
    client.force_login(cast.coordinator)
    session = client.session
    session["vangnet_mfa_verified"] = True
    session.save()
    response = client.post("/account/passkeys/options/")
    assert response.status_code == 200
    options = response.json()
    assert options["rp"] == {"id": "vangnet.example", "name": "Vangnet"}
    assert options["excludeCredentials"][0]["id"] == "Y3JlZC0x"
    assert options["challenge"] == client.session[passkeys.REGISTER_CHALLENGE]


def test_a_user_who_has_a_step_2_must_pass_it_before_adding_a_passkey(client, cast, settings):
    settings.VANGNET_MFA_REQUIRED = True
    MfaDevice.objects.create(user=cast.coordinator, secret="JBSWY3DPEHPK3PXP", confirmed_at="2026-01-01T00:00Z")
    password_login(client, cast.coordinator)
    assert client.get("/account/passkeys/")["Location"].startswith("/account/mfa/")
    assert client.post("/account/passkeys/options/").status_code == 404
    assert client.post("/account/passkeys/add/", data="{}", content_type="application/json").status_code == 404
    assert not Passkey.objects.exists()


def test_a_forged_registration_is_refused(client, cast):
    client.force_login(cast.coordinator)
    client.post("/account/passkeys/options/")
    forged = {"name": "x", "credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key",
                                          "response": {"clientDataJSON": "e30", "attestationObject": "oA"}}}
    response = client.post("/account/passkeys/add/", data=json.dumps(forged), content_type="application/json")
    assert response.status_code == 400 and "kon niet worden toegevoegd" in response.json()["message"]
    # without options first (no challenge) it is refused as well
    response = client.post("/account/passkeys/add/", data=json.dumps(forged), content_type="application/json")
    assert response.status_code == 400 and not Passkey.objects.exists()


def test_a_forged_assertion_is_refused_logged_and_throttled(client, cast, settings):
    settings.VANGNET_MFA_REQUIRED = True
    add_passkey(cast.coordinator)
    password_login(client, cast.coordinator)
    assert client.get("/cases/")["Location"].startswith("/account/mfa/")
    page = client.get("/account/mfa/").content.decode()
    assert "Mijn passkey gebruiken" in page and 'name="code"' not in page  # no app: only the passkey
    forged = {"credential": {"id": "Y3JlZC0x", "rawId": "Y3JlZC0x", "type": "public-key",
                             "response": {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"}}}
    statuses = []
    for _ in range(6):
        assert client.post("/account/mfa/passkey/options/").status_code == 200
        statuses.append(client.post("/account/mfa/passkey/", data=json.dumps(forged),
                                    content_type="application/json").status_code)
    assert statuses[:5] == [400] * 5 and statuses[5] == 429
    assert SecurityEvent.objects.filter(kind="login_failed", user=cast.coordinator, detail__step="passkey").count() == 5
    assert client.get("/cases/").status_code == 302  # still no access


def test_the_admins_reset_removes_passkeys_and_a_user_removes_only_their_own(client, cast):
    mine, theirs = add_passkey(cast.coordinator), add_passkey(cast.reporter, "Y3JlZC0y")
    client.force_login(cast.coordinator)
    session = client.session
    session["vangnet_mfa_verified"] = True
    session.save()
    assert client.post(f"/account/passkeys/{theirs.pk}/remove/").status_code == 404
    assert client.post(f"/account/passkeys/{mine.pk}/remove/").status_code == 302
    assert list(Passkey.objects.all()) == [theirs]
    client.force_login(cast.admin)
    assert client.post(f"/account/users/{cast.reporter.pk}/mfa/reset/").status_code == 302
    assert not Passkey.objects.exists()
