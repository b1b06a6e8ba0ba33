"""The multi-step signal flow through the web: drafts keep everything, errors name fields."""

from __future__ import annotations

import datetime

from django.utils import timezone

from vangnet.cases.models import Case
from vangnet.signals.models import Indicator, Signal, SignalDraft

YESTERDAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


def start(client):
    response = client.post("/signals/new/")
    assert response.status_code == 302
    return SignalDraft.objects.latest("created_at")


def step_url(draft, step):
    return f"/signals/drafts/{draft.public_id}/{step}/"


def fill_all(client, draft, indicators):
    assert client.post(step_url(draft, "situation"), {
        "observed_on": YESTERDAY, "municipality": "GM0363", "immediate_danger": "yes", "forms": ["sexual"],
        "action": "next"}).status_code == 302
    assert client.post(step_url(draft, "indicators"), {"indicators": indicators, "action": "next"}).status_code == 302
    assert client.post(step_url(draft, "person"), {
        "is_identified": "identified", "given_names": "Ana", "family_name": "Ionescu", "birth_date": "2001-02-03",
        "gender": "female", "nationality": "RO", "languages": ["ro"], "has_lvb": "unknown",
        "has_multiple_problems": "no", "children_count": "0", "action": "next"}).status_code == 302
    assert client.post(step_url(draft, "consent"), {
        "consent": "given", "consent_purposes": ["registration", "shelter"], "consent_obtained_by": "Officer",
        "consent_obtained_on": YESTERDAY, "account": "Synthetic account.", "action": "next"}).status_code == 302


def test_whole_flow_registers_the_signal(cast, logged_in):
    client = logged_in(cast.reporter)
    draft = start(client)
    codes = list(Indicator.objects.filter(group="sexual").values_list("code", flat=True)[:2])
    fill_all(client, draft, codes)
    review = client.get(f"/signals/drafts/{draft.public_id}/review/").content.decode()
    assert "Ionescu" in review and "Amsterdam" in review
    response = client.post(f"/signals/drafts/{draft.public_id}/review/")
    signal = Signal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{signal.case.reference}/"
    assert set(signal.indicators.values_list("code", flat=True)) == set(codes)
    assert signal.case.urgency == "acute"
    assert not SignalDraft.objects.filter(pk=draft.pk).exists()  # the draft is gone once sent


def test_invalid_step_keeps_everything_and_names_the_field(cast, logged_in):
    client = logged_in(cast.reporter)
    draft = start(client)
    response = client.post(step_url(draft, "situation"), {
        "observed_on": "not a date", "municipality": "GM0363", "immediate_danger": "no", "action": "next"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#id_observed_on"' in page and 'href="#id_forms' in page  # the error summary links fields
    assert 'value="GM0363" selected' in page  # what was valid is kept
    draft.refresh_from_db()
    assert draft.data["situation"]["observed_on"] == ["not a date"]  # even the invalid value is kept


def test_save_draft_keeps_an_incomplete_step(cast, logged_in):
    client = logged_in(cast.reporter)
    draft = start(client)
    client.post(step_url(draft, "person"), {"family_name": "Popescu", "action": "save"})
    page = client.get(step_url(draft, "person")).content.decode()
    assert 'value="Popescu"' in page
    assert str(draft.public_id) in client.get("/signals/").content.decode()


def test_review_refuses_until_all_steps_are_valid(cast, logged_in):
    client = logged_in(cast.reporter)
    draft = start(client)
    response = client.post(f"/signals/drafts/{draft.public_id}/review/")
    assert response.status_code == 200
    assert Signal.objects.count() == 0


def test_signal_can_be_added_to_an_existing_case(cast, logged_in, registered_signal):
    client = logged_in(cast.coordinator)
    client.post("/signals/new/", {"case": registered_signal.case.reference})
    draft = SignalDraft.objects.get(owner=cast.coordinator)
    assert draft.data["attach_to"] == registered_signal.case.reference
    fill_all(client, draft, [])
    client.post(f"/signals/drafts/{draft.public_id}/review/")
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.signals.count() == 2 and case.signal_count == 2
    assert case.urgency == "acute"


def test_cannot_attach_to_a_case_you_cannot_see(cast, logged_in, registered_signal):
    response = logged_in(cast.outsider).post("/signals/new/", {"case": registered_signal.case.reference})
    assert response.status_code == 404


def test_reopening_a_saved_incomplete_step_shows_no_errors(cast, logged_in):
    client = logged_in(cast.reporter)
    draft = start(client)
    client.post(step_url(draft, "situation"), {"municipality": "GM0363", "action": "save"})
    page = client.get(step_url(draft, "situation")).content.decode()
    assert 'value="GM0363" selected' in page
    assert "error-summary" not in page


def test_consent_rules_are_checked_on_the_consent_step(cast, logged_in):
    client = logged_in(cast.reporter)
    draft = start(client)
    response = client.post(step_url(draft, "consent"), {"consent": "given", "account": "x", "action": "next"})
    assert response.status_code == 200
    page = response.content.decode()
    for field in ("consent_obtained_by", "consent_obtained_on", "consent_purposes"):
        assert f'href="#id_{field}' in page


def test_identity_rules_are_checked_on_the_person_step(cast, logged_in):
    client = logged_in(cast.reporter)
    draft = start(client)
    response = client.post(step_url(draft, "person"), {
        "is_identified": "anonymous", "family_name": "Popescu", "gender": "unknown", "has_lvb": "unknown",
        "has_multiple_problems": "unknown", "children_count": "0", "action": "next"})
    assert response.status_code == 200
    assert 'href="#id_is_identified' in response.content.decode()
