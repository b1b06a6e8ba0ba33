"""Every access rule, for the fixed cast of users, over every view (docs/adr/0002)."""

from __future__ import annotations

import pytest

from vangnet.signals.models import SignalDraft

ALL = ["reporter", "colleague", "outsider", "coordinator", "other_coordinator", "national", "analyst", "admin"]

CASE_PAGE = {
    "reporter": 200, "colleague": 200, "outsider": 404, "coordinator": 200, "other_coordinator": 404,
    "national": 200, "analyst": 404, "admin": 404,
}


@pytest.mark.parametrize("who", ALL)
def test_case_page(who, cast, registered_signal, logged_in):
    client = logged_in(getattr(cast, who))
    response = client.get(f"/cases/{registered_signal.case.reference}/")
    assert response.status_code == CASE_PAGE[who]
    if response.status_code == 200:
        content = response.content.decode()
        assert registered_signal.reference in content
        shows_identity = "Adeyemi" in content
        # the national coordinator sees the case without identity or account
        assert shows_identity == (who != "national")
        assert ("window brothel" in content) == (who != "national")


def test_unknown_case_is_404_like_a_forbidden_one(cast, logged_in, db):
    assert logged_in(cast.coordinator).get("/cases/VN-2000-999999/").status_code == 404


WORKLIST = {
    "reporter": (200, True), "colleague": (200, True), "outsider": (200, False), "coordinator": (200, True),
    "other_coordinator": (200, False), "national": (200, True), "analyst": (404, False), "admin": (404, False),
}


@pytest.mark.parametrize("who", ALL)
def test_worklist(who, cast, registered_signal, logged_in):
    status, listed = WORKLIST[who]
    response = logged_in(getattr(cast, who)).get("/cases/")
    assert response.status_code == status
    if status == 200:
        assert (registered_signal.case.reference in response.content.decode()) == listed


STATUS_CHANGE = {who: 404 for who in ALL} | {"coordinator": 302}


@pytest.mark.parametrize("who", ALL)
def test_only_the_lead_changes_status(who, cast, registered_signal, logged_in):
    case = registered_signal.case
    response = logged_in(getattr(cast, who)).post(f"/cases/{case.reference}/status/", {"to_status": "in_triage"})
    assert response.status_code == STATUS_CHANGE[who]
    case.refresh_from_db()
    assert case.status == ("in_triage" if who == "coordinator" else "new")


CONSENT = {who: 404 for who in ALL} | {"reporter": 302, "colleague": 302, "coordinator": 302}


@pytest.mark.parametrize("who", ALL)
def test_recording_consent(who, cast, registered_signal, logged_in):
    case = registered_signal.case
    response = logged_in(getattr(cast, who)).post(f"/cases/{case.reference}/consent/", {
        "purpose": "shelter", "status": "given", "obtained_by": "Test", "obtained_on": "2026-01-05",
        "method": "verbal"})
    assert response.status_code == CONSENT[who]
    assert case.consents.filter(purpose="shelter").exists() == (CONSENT[who] == 302)


REPORTING = {who: 302 for who in ALL} | {"analyst": 404, "admin": 404}


@pytest.mark.parametrize("who", ALL)
def test_who_may_start_a_signal(who, cast, logged_in):
    response = logged_in(getattr(cast, who)).post("/signals/new/")
    assert response.status_code == REPORTING[who]
    assert SignalDraft.objects.filter(owner=getattr(cast, who)).exists() == (REPORTING[who] == 302)


@pytest.mark.parametrize("who", ALL)
def test_a_draft_is_only_its_owners(who, cast, logged_in):
    draft = SignalDraft.objects.create(owner=cast.reporter, data={"person": {"family_name": ["Secret"]}})
    response = logged_in(getattr(cast, who)).get(f"/signals/drafts/{draft.public_id}/person/")
    expected = 200 if who == "reporter" else 404
    assert response.status_code == expected
    assert (b"Secret" in response.content) == (expected == 200)


MY_SIGNALS = {who: 200 for who in ALL} | {"analyst": 404, "admin": 404}


@pytest.mark.parametrize("who", ALL)
def test_my_signals(who, cast, registered_signal, logged_in):
    response = logged_in(getattr(cast, who)).get("/signals/")
    assert response.status_code == MY_SIGNALS[who]
    if response.status_code == 200:
        assert (registered_signal.reference in response.content.decode()) == (who == "reporter")


def test_colleague_sees_the_organisations_signals(cast, registered_signal, logged_in):
    response = logged_in(cast.colleague).get("/signals/?scope=organisation")
    assert registered_signal.reference in response.content.decode()


LOG = {who: 404 for who in ALL} | {"national": 200, "admin": 200}


@pytest.mark.parametrize("who", ALL)
def test_processing_log_page(who, cast, registered_signal, logged_in):
    response = logged_in(getattr(cast, who)).get("/log/")
    assert response.status_code == LOG[who]


def test_functional_admin_sees_only_own_organisations_log_entries(cast, registered_signal, logged_in):
    content = logged_in(cast.admin).get(f"/log/?pseudonym={registered_signal.case.pseudonym}").content.decode()
    assert "No log entries match" in content or "Geen" in content
    content = logged_in(cast.national).get(f"/log/?pseudonym={registered_signal.case.pseudonym}").content.decode()
    assert registered_signal.case.pseudonym in content


@pytest.mark.parametrize("who", ALL)
def test_register_is_readable_by_everyone_signed_in(who, cast, logged_in):
    assert logged_in(getattr(cast, who)).get("/log/register/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/cases/", "/signals/", "/log/", "/log/register/"])
def test_anonymous_users_are_sent_to_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
