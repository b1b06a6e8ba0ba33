"""Two-step verification (TOTP + recovery codes) for every role: enrolment, login, replay, reset by the admin."""

from __future__ import annotations

import re
import time

import pytest

from tests.factories import PASSWORD
from vangnet.accounts import mfa
from vangnet.accounts.models import MfaDevice, RecoveryCode
from vangnet.audit.models import SecurityEvent


def login(client, user):
    response = client.post("/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.7.0.1")
    assert response.status_code == 302
    return response


def enrol(client, user) -> tuple[str, list[str]]:
    page = client.get("/account/mfa/enrol/").content.decode()
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    # a code from the previous step, so the first login afterwards can use the current one
    response = client.post("/account/mfa/enrol/", {"code": mfa.code_at(secret, time.time() - 30)})
    assert response.status_code == 200
    codes = re.findall(r"<code class=\"utrecht-code\">([0-9a-f]{6}-[0-9a-f]{6})</code>", response.content.decode())
    return secret, codes


@pytest.mark.parametrize("role", ["reporter", "coordinator", "national", "analyst", "admin"])
def test_every_role_must_enrol_then_verify_when_required(client, cast, settings, role):
    settings.VANGNET_MFA_REQUIRED = True
    user = getattr(cast, role)
    login(client, user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/account/mfa/")
    assert client.get("/account/mfa/")["Location"] == "/account/mfa/enrol/"
    secret, codes = enrol(client, user)
    assert len(codes) == 10 and RecoveryCode.objects.filter(user=user).count() == 10
    assert client.get("/").status_code == 200  # enrolled in this session
    client.post("/logout/")
    login(client, user)
    assert client.get("/")["Location"].startswith("/account/mfa/")
    wrong = client.post("/account/mfa/", {"code": "000000"})
    assert wrong.status_code == 400 and "niet juist" in wrong.content.decode()
    ok = client.post("/account/mfa/", {"code": mfa.code_at(secret, time.time()), "next": "/"})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200


def test_a_code_cannot_be_replayed_and_recovery_codes_work_once(client, cast):
    user = cast.coordinator
    login(client, user)
    secret, codes = enrol(client, user)
    code = mfa.code_at(secret, time.time())
    assert mfa.verify(user, code)
    assert not mfa.verify(user, code)  # the same step again
    assert mfa.verify(user, codes[0])
    assert not mfa.verify(user, codes[0])
    assert mfa.verify(user, codes[1].upper())


def test_enrolled_users_verify_even_where_not_required(client, cast, settings):
    settings.VANGNET_MFA_REQUIRED = False
    login(client, cast.reporter)
    assert client.get("/").status_code == 200
    assert "Inloggen in twee stappen is in deze omgeving niet verplicht" in client.get("/").content.decode()
    enrol(client, cast.reporter)
    client.post("/logout/")
    login(client, cast.reporter)
    assert client.get("/").status_code == 302


def test_wrong_codes_are_limited(client, cast):
    login(client, cast.coordinator)
    enrol(client, cast.coordinator)
    statuses = [client.post("/account/mfa/", {"code": "123456"}).status_code for _ in range(7)]
    assert statuses[:5] == [400] * 5 and statuses[5:] == [429, 429]
    assert SecurityEvent.objects.filter(kind="login_failed", user=cast.coordinator).count() >= 5


def test_admin_resets_a_users_two_step_verification(client, cast):
    login(client, cast.reporter)
    enrol(client, cast.reporter)
    admin = client.__class__()
    admin.force_login(cast.admin)
    assert "reporter" in admin.get("/account/users/mfa/").content.decode()
    assert admin.post(f"/account/users/{cast.reporter.pk}/mfa/reset/").status_code == 302
    assert not MfaDevice.objects.filter(user=cast.reporter).exists()
    assert not RecoveryCode.objects.filter(user=cast.reporter).exists()
    assert SecurityEvent.objects.filter(kind="mfa_changed", user=cast.admin).exists()


@pytest.mark.parametrize("role", ["reporter", "national", "coordinator"])
def test_only_the_admin_resets(client, cast, role):
    client.force_login(getattr(cast, role))
    assert client.get("/account/users/mfa/").status_code == 404
    assert client.post(f"/account/users/{cast.admin.pk}/mfa/reset/").status_code == 404


def test_the_secret_is_encrypted_at_rest(client, cast):
    from django.db import connection

    login(client, cast.reporter)
    secret, _codes = enrol(client, cast.reporter)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_mfadevice")
        assert secret not in cursor.fetchone()[0]
