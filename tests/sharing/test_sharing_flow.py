"""Handovers end to end through the services and the web views: request, accept, view, consent withdrawn."""

from __future__ import annotations

import pytest

from tests.sharing.conftest import give_consent
from vangnet.audit.context import processing_context
from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases.models import Involvement
from vangnet.sharing import services
from vangnet.sharing.models import Handover, HandoverStatus


def send(case, sender_user, recipient_org, purpose, **kw):
    with processing_context(actor=sender_user, trace_id=kw.pop("trace_id", None)):
        return services.request_handover(case, sender=sender_user.organisation, recipient=recipient_org,
                                         purpose=purpose, actor=sender_user, **kw)


def act(handover, user, to, **kw):
    with processing_context(actor=user):
        return services.transition(handover.pk, to, organisation=user.organisation, actor=user, **kw)


def test_police_to_care_coordination_rests_on_art_4_2_and_needs_no_consent(cast, case):
    handover = send(case, cast.reporter, cast.other_coordinator.organisation, "care_coordination",
                    trace_id="a" * 32)
    assert handover.legal_basis == "bpg_4_2_police_to_ncc"
    assert handover.consent is None and handover.trace_id == "a" * 32
    assert [h.to_status for h in handover.history.all()] == ["requested"]


def test_shelter_referral_without_consent_cannot_go_out(cast, case, shelter_user):
    with pytest.raises(services.SharingRefused) as exc:
        send(case, cast.coordinator, shelter_user.organisation, "shelter")
    assert exc.value.slug == "consent-missing"
    assert not Handover.objects.exists()


def test_accept_gives_access_and_every_view_is_logged_with_the_senders_trace(cast, case, shelter_user,
                                                                              logged_in):
    give_consent(case, "shelter", cast.coordinator)
    handover = send(case, cast.coordinator, shelter_user.organisation, "shelter", trace_id="b" * 32)
    client = logged_in(shelter_user)
    assert client.get(f"/sharing/cases/{case.reference}/").status_code == 404  # not yet accepted
    act(handover, shelter_user, HandoverStatus.ACCEPTED)
    response = client.get(f"/sharing/cases/{case.reference}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Adeyemi" in content  # identity.name goes to the shelter
    assert "window brothel" not in content and "1999" not in content  # account, birth date do not
    views = ProcessingLogEntry.objects.filter(activity__code="handover_view", subject_pseudonym=case.pseudonym)
    assert views.count() == 1
    assert views.get().trace_id == "b" * 32
    assert views.get().legal_basis.code == "gdpr_6_1_a_9_2_a_consent"
    assert set(ProcessingLogEntry.objects.filter(object_id=str(handover.pk), activity__code="handover")
               .values_list("trace_id", flat=True)) == {"b" * 32}
    # the case page sends a handover recipient to the shared view and renders nothing else of the case
    detail = client.get(f"/cases/{case.reference}/")
    assert detail.status_code == 302 and detail["Location"] == f"/sharing/cases/{case.reference}/"


def test_withdrawing_consent_ends_access_immediately(cast, case, shelter_user, logged_in):
    give_consent(case, "shelter", cast.coordinator)
    handover = send(case, cast.coordinator, shelter_user.organisation, "shelter")
    act(handover, shelter_user, HandoverStatus.ACCEPTED)
    client = logged_in(shelter_user)
    assert client.get(f"/sharing/cases/{case.reference}/").status_code == 200
    # withdrawn through the case page's own consent form (not the sharing page): the receiver still reacts
    logged_in(cast.coordinator).post(f"/cases/{case.reference}/consent/", {
        "purpose": "shelter", "status": "withdrawn", "obtained_by": "Test", "obtained_on": "2026-01-06",
        "method": "verbal"})
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.REVOKED
    assert Involvement.objects.get(pk=handover.involvement_id).ended_at is not None
    client = logged_in(shelter_user)
    # no case data any more: the former receiver lands on its ended handover, which says so (not "not found")
    ended = f"/sharing/handovers/{handover.public_id}/"
    for url in (f"/sharing/cases/{case.reference}/", f"/cases/{case.reference}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == ended
    page = client.get(ended)
    assert page.status_code == 200 and b'id="access-ended"' in page.content
    assert b"Olumide" not in page.content
    # an organisation that never received the case still gets "not found"
    assert logged_in(cast.outsider).get(f"/cases/{case.reference}/").status_code == 404
    assert [h.to_status for h in handover.history.all()] == ["requested", "accepted", "revoked"]


def test_accept_rechecks_consent(cast, case, shelter_user):
    give_consent(case, "shelter", cast.coordinator)
    handover = send(case, cast.coordinator, shelter_user.organisation, "shelter")
    give_consent(case, "shelter", cast.coordinator, status="refused")  # revokes the request
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.REVOKED
    with pytest.raises(services.SharingRefused):
        act(handover, shelter_user, HandoverStatus.ACCEPTED)


PATHS = {"requested": [], "accepted": [("accepted", "recipient")], "declined": [("declined", "recipient")],
         "revoked": [("revoked", "sender")], "completed": [("accepted", "recipient"), ("completed", "recipient")]}


@pytest.mark.parametrize(("start", "to", "by", "ok"), [
    ("requested", "accepted", "recipient", True),
    ("requested", "declined", "recipient", True),
    ("requested", "revoked", "sender", True),
    ("requested", "accepted", "sender", False),
    ("requested", "revoked", "recipient", False),
    ("requested", "completed", "recipient", False),
    ("accepted", "completed", "recipient", True),
    ("accepted", "completed", "sender", True),
    ("accepted", "revoked", "sender", True),
    ("accepted", "declined", "recipient", False),
    ("declined", "accepted", "recipient", False),
    ("revoked", "accepted", "recipient", False),
    ("completed", "revoked", "sender", False),
])
def test_transition_table(cast, case, start, to, by, ok):
    recipient = cast.other_coordinator
    who = {"recipient": recipient, "sender": cast.reporter}
    handover = send(case, cast.reporter, recipient.organisation, "care_coordination")
    for status, party in PATHS[start]:
        act(handover, who[party], status, reason="no place")
    before = handover.history.count()
    if ok:
        act(handover, who[by], to, reason="no place")
        handover.refresh_from_db()
        assert handover.status == to
        assert handover.history.count() == before + 1
    else:
        with pytest.raises(services.SharingRefused):
            act(handover, who[by], to, reason="no place")
        handover.refresh_from_db()
        assert handover.status == start and handover.history.count() == before


def test_completed_transition_from_accepted_to_completed_then_nothing(cast, case):
    recipient = cast.other_coordinator
    handover = send(case, cast.reporter, recipient.organisation, "care_coordination")
    act(handover, recipient, "accepted")
    act(handover, recipient, "completed")
    with pytest.raises(services.SharingRefused):
        act(handover, cast.reporter, "revoked")
    handover.refresh_from_db()
    assert Involvement.objects.get(pk=handover.involvement_id).ended_at is not None


def test_decline_needs_a_reason_and_keeps_it(cast, case):
    recipient = cast.other_coordinator
    handover = send(case, cast.reporter, recipient.organisation, "care_coordination")
    with pytest.raises(services.SharingRefused):
        act(handover, recipient, "declined", reason="  ")
    act(handover, recipient, "declined", reason="Not our region")
    handover.refresh_from_db()
    assert handover.decline_reason == "Not our region"


def test_outsiders_cannot_act_on_a_handover(cast, case):
    handover = send(case, cast.reporter, cast.other_coordinator.organisation, "care_coordination")
    with pytest.raises(services.HandoverNotFound):
        act(handover, cast.outsider, "accepted")


def test_one_open_handover_per_recipient_and_purpose(cast, case):
    send(case, cast.reporter, cast.other_coordinator.organisation, "care_coordination")
    with pytest.raises(services.SharingRefused):
        send(case, cast.reporter, cast.other_coordinator.organisation, "care_coordination")


def test_no_handover_to_an_organisation_with_full_access(cast, case):
    with pytest.raises(services.SharingRefused):
        send(case, cast.reporter, cast.coordinator.organisation, "care_coordination")


def test_criminal_investigation_is_confidential_and_left_out_of_the_access_report(cast, case, logged_in):
    from tests.sharing.conftest import member_of

    om = member_of("public_prosecutor", "om")
    handover = send(case, cast.reporter, om.organisation, "criminal_investigation")
    act(handover, om, "accepted")
    assert logged_in(om).get(f"/sharing/cases/{case.reference}/").status_code == 200
    entries = ProcessingLogEntry.objects.filter(subject_pseudonym=case.pseudonym)
    assert entries.filter(activity__code="criminal_investigation").count() >= 3  # create, accept, view
    report = logged_in(cast.coordinator).get(f"/sharing/cases/{case.reference}/access-report/").content.decode()
    assert 'data-activity="signal_registration"' in report
    assert "criminal_investigation" not in report and om.organisation.name not in report
    assert ProcessingLogEntry.objects.filter(activity__code="data_subject_access",
                                             subject_pseudonym=case.pseudonym).exists()


def test_care_organisations_cannot_send_to_the_police(cast, case):
    from tests.sharing.conftest import member_of

    police2 = member_of("kmar", "kmar")
    with pytest.raises(services.SharingRefused):
        send(case, cast.coordinator, police2.organisation, "criminal_investigation")


def test_consent_note_is_encrypted_at_rest(cast, case, logged_in):
    from django.db import connection

    response = logged_in(cast.coordinator).post(f"/sharing/cases/{case.reference}/consent/", {
        "purpose": "shelter", "status": "given", "obtained_by": "Test", "obtained_on": "2026-01-05",
        "method": "written", "note": "Asked with interpreter Xandrella"})
    assert response.status_code == 302
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM sharing_consentnote")
        stored = cursor.fetchone()[0]
    assert "Xandrella" not in stored
    page = logged_in(cast.coordinator).get(f"/sharing/cases/{case.reference}/consent/").content.decode()
    assert "Xandrella" in page


def test_consent_form_keeps_input_on_error(cast, case, logged_in):
    response = logged_in(cast.coordinator).post(f"/sharing/cases/{case.reference}/consent/", {
        "purpose": "shelter", "status": "given", "obtained_by": "Keep me", "obtained_on": "2999-01-01",
        "method": "verbal"})
    assert response.status_code == 400
    assert "Keep me" in response.content.decode()
