"""Login throttling and lockout (django-axes): 10 failures in 15 minutes per account or per address → 429."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import PASSWORD
from vangnet.audit.models import SecurityEvent
from vangnet.core.clientip import client_ip
from vangnet.notifications.models import Notification


def attempt(client, username, password="wrong-password-123", ip="10.0.0.1"):  # noqa: S107
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(client, cast):
    statuses = [attempt(client, "reporter").status_code for _ in range(30)]
    assert statuses[:9] == [200] * 9  # the form again, with its error
    assert set(statuses[10:]) == {429}
    response = attempt(client, "reporter", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Te veel pogingen om in te loggen" in page
    assert "functioneel beheerder" in page


def test_lock_per_account_holds_from_other_addresses(client, cast):
    for i in range(10):
        attempt(client, "coordinator", ip=f"10.0.1.{i}")
    assert attempt(client, "coordinator", PASSWORD, ip="10.9.9.9").status_code == 429


def test_lock_per_address_holds_for_other_accounts(client, cast):
    for i in range(10):
        attempt(client, f"nobody{i}", ip="10.0.2.1")
    assert attempt(client, "national", PASSWORD, ip="10.0.2.1").status_code == 429
    assert attempt(client, "national", PASSWORD, ip="10.0.2.2").status_code == 302


def test_lock_expires_after_fifteen_minutes(client, cast):
    from axes.models import AccessAttempt

    for _ in range(10):
        attempt(client, "reporter")
    assert attempt(client, "reporter", PASSWORD).status_code == 429
    # the attempts expire 15 minutes after the last failure
    past = timezone.now() - datetime.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=past)
    from axes.models import AccessAttemptExpiration

    AccessAttemptExpiration.objects.update(expires_at=past)
    assert attempt(client, "reporter", PASSWORD).status_code == 302


def test_nine_failures_then_the_right_password_logs_in_and_resets(client, cast):
    for _ in range(9):
        attempt(client, "reporter")
    assert attempt(client, "reporter", PASSWORD).status_code == 302


def test_functional_admin_lifts_the_lock(client, cast):
    for _ in range(10):
        attempt(client, "reporter")
    admin = client.__class__()
    admin.force_login(cast.admin)
    page = admin.get("/account/locks/")
    assert page.status_code == 200 and "reporter" in page.content.decode()
    assert admin.post("/account/locks/", {"username": "reporter"}).status_code == 302
    assert attempt(client, "reporter", PASSWORD, ip="10.0.0.2").status_code == 302
    assert SecurityEvent.objects.filter(kind="lock_lifted", user=cast.admin).exists()


@pytest.mark.parametrize("user", ["reporter", "national", "coordinator", "analyst"])
def test_only_the_functional_admin_sees_and_lifts_locks(client, cast, user):
    client.force_login(getattr(cast, user))
    assert client.get("/account/locks/").status_code == 404
    assert client.post("/account/locks/", {"username": "reporter"}).status_code == 404


def test_failed_logins_and_lockouts_are_in_the_security_log_and_alert(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(11):
            attempt(client, "reporter", ip="10.0.3.3")
    assert SecurityEvent.objects.filter(kind="login_failed", username="reporter").count() >= 10
    locked = SecurityEvent.objects.filter(kind="locked_out", username="reporter").first()
    assert locked is not None and locked.ip_address == "10.0.3.3"
    alert = Notification.objects.get(recipient=cast.admin, kind="security_alert")
    assert alert.url == "/log/security/"
    assert not Notification.objects.filter(kind="security_alert").exclude(recipient=cast.admin).exists()


def test_client_address_comes_from_the_trusted_proxy_only(rf, settings):
    request = rf.get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.VANGNET_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "192.0.2.10"  # a client cannot choose its address
    settings.VANGNET_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"  # what our proxy saw, not what the client wrote
    settings.VANGNET_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.VANGNET_TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "192.0.2.10"
    bad = rf.get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="not-an-ip")
    settings.VANGNET_TRUSTED_PROXY_COUNT = 1
    assert client_ip(bad) == "192.0.2.10"


def test_spoofed_forwarded_for_does_not_escape_the_address_lock(client, cast, settings):
    settings.VANGNET_TRUSTED_PROXY_COUNT = 0
    for i in range(10):
        client.post("/login/", {"username": f"x{i}", "password": "nope-nope-nope"}, REMOTE_ADDR="10.0.4.4",
                    HTTP_X_FORWARDED_FOR=f"1.2.3.{i}")
    assert attempt(client, "national", PASSWORD, ip="10.0.4.4").status_code == 429
