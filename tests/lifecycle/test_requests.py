"""Data-subject requests: deadline, transitions and history, and each right (access, rectification,
restriction, erasure) through the pages, with the fixed cast."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganisationFactory, UserFactory
from tests.lifecycle.helpers import close_case, new_signal
from vangnet.accounts.models import OrganisationType, Role
from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases.models import Case
from vangnet.lifecycle import services
from vangnet.lifecycle.models import DataSubjectRequest, DataSubjectRequestStatusChange, ProcessingRestriction
from vangnet.lifecycle.transitions import TRANSITIONS
from vangnet.signals.models import Signal

pytestmark = pytest.mark.django_db


def make_request(cast, kind: str, case: Case, received_on: datetime.date | None = None) -> DataSubjectRequest:
    return services.create_request(kind=kind, case=case, received_on=received_on or timezone.localdate(),
                                   details="Ik wil weten wat u van mij heeft.", actor=cast.admin)


# --- deadline and transitions -------------------------------------------------------------------


@pytest.mark.parametrize("received, due", [
    (datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)),
    (datetime.date(2026, 3, 15), datetime.date(2026, 4, 15)),
    (datetime.date(2026, 12, 10), datetime.date(2027, 1, 10)),
])
def test_the_deadline_is_one_calendar_month(received, due) -> None:
    assert services.due_date(received) == due


def test_a_request_records_its_history_and_refuses_a_jump(cast, registered_signal) -> None:
    request = make_request(cast, "access", registered_signal.case)
    assert request.reference.startswith("AVG-") and request.due_on == services.due_date(timezone.localdate())
    with pytest.raises(services.RequestError):
        services.change_status(request.pk, "completed", actor=cast.admin)  # received -> completed is not allowed
    services.change_status(request.pk, "in_progress", actor=cast.admin)
    with pytest.raises(services.RequestError, match="reden"):
        services.change_status(request.pk, "refused", actor=cast.admin)
    services.change_status(request.pk, "extended", actor=cast.admin, note="Veel dossiers")
    request.refresh_from_db()
    assert request.due_on == services.add_months(services.due_date(timezone.localdate()), 2)
    services.change_status(request.pk, "completed", actor=cast.admin, outcome="Overzicht verstuurd")
    request.refresh_from_db()
    assert request.closed_at is not None and not request.is_open
    history = list(request.history.values_list("from_status", "to_status"))
    assert history == [("", "received"), ("received", "in_progress"), ("in_progress", "extended"),
                       ("extended", "completed")]
    with pytest.raises(ValueError, match="append-only"):
        request.history.first().save()
    assert ProcessingLogEntry.objects.filter(activity__code="data_subject_requests",
                                             object_type="lifecycle.datasubjectrequest",
                                             object_id=str(request.pk)).count() == 4  # created + three changes


def test_every_status_in_the_table_and_closed_ones_lead_nowhere() -> None:
    from vangnet.lifecycle.models import RequestStatus
    from vangnet.lifecycle.transitions import CLOSED_STATUSES

    assert set(TRANSITIONS) == set(RequestStatus.values)
    assert all(not TRANSITIONS[s] for s in CLOSED_STATUSES)


def test_an_extension_after_the_first_month_is_refused(cast, registered_signal) -> None:
    request = make_request(cast, "access", registered_signal.case, timezone.localdate() - datetime.timedelta(days=40))
    services.change_status(request.pk, "in_progress", actor=cast.admin)
    with pytest.raises(services.RequestError, match="eerste maand"):
        services.change_status(request.pk, "extended", actor=cast.admin, note="te laat")


# --- who may see the pages ------------------------------------------------------------------------


def test_only_the_controllers_functional_admin_sees_requests(cast, registered_signal, logged_in, client) -> None:
    request = make_request(cast, "access", registered_signal.case)
    detail = reverse("lifecycle:detail", args=[request.reference])
    for name, user in cast.all().items():
        client.force_login(user)
        expected = 200 if name == "admin" else 404
        assert client.get(detail).status_code == expected, name
        assert client.get(reverse("lifecycle:access_json", args=[request.reference])).status_code == expected
        assert client.get(reverse("lifecycle:retention")).status_code == expected
    ngo_admin = UserFactory(username="ngo_admin", organisation=cast.outsider.organisation, role=Role.FUNCTIONAL_ADMIN)
    client.force_login(ngo_admin)
    assert client.get(detail).status_code == 404
    page = client.get(reverse("lifecycle:requests"))
    assert page.status_code == 200 and request.reference not in page.content.decode()


def test_register_a_request_through_the_page(cast, registered_signal, logged_in) -> None:
    client = logged_in(cast.admin)
    bad = client.post(reverse("lifecycle:new"), {"kind": "access", "case_reference": "VN-0000-999999",
                                                 "received_on": timezone.localdate().isoformat()})
    assert bad.status_code == 200 and "Er is geen casus met dit nummer" in bad.content.decode()
    future = client.post(reverse("lifecycle:new"), {
        "kind": "access", "case_reference": registered_signal.case.reference,
        "received_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()})
    assert "toekomst" in future.content.decode()
    response = client.post(reverse("lifecycle:new"), {
        "kind": "erasure", "case_reference": registered_signal.case.reference.lower(),
        "received_on": timezone.localdate().isoformat(), "details": "Wis alles"})
    request = DataSubjectRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("lifecycle:detail", args=[request.reference])
    assert request.kind == "erasure" and request.details == "Wis alles"
    listing = client.get(reverse("lifecycle:requests")).content.decode()
    assert request.reference in listing


def test_status_change_through_the_page_shows_errors(cast, registered_signal, logged_in) -> None:
    request = make_request(cast, "access", registered_signal.case)
    client = logged_in(cast.admin)
    url = reverse("lifecycle:status", args=[request.reference])
    refused = client.post(url, {"to_status": "refused", "note": ""})
    assert refused.status_code == 400 and "Leg de reden uit" in refused.content.decode()
    assert client.post(url, {"to_status": "in_progress"}).status_code == 302
    assert DataSubjectRequest.objects.get().status == "in_progress"


# --- access ---------------------------------------------------------------------------------------


def test_access_covers_every_linked_case_and_withholds_investigation_processing(cast, logged_in) -> None:
    from vangnet.audit.services import log_processing

    first = new_signal(cast.reporter)
    second = new_signal(cast.outsider, family_name="Adeyemi-Bello", account="Tweede melding.")
    Case.objects.filter(pk__in=[first.case_id, second.case_id]).update(person_key="person-7")
    unrelated = new_signal(cast.reporter, family_name="Niet deze persoon")
    log_processing("criminal_investigation", "read", subject=first.case, actor=cast.reporter)
    request = make_request(cast, "access", first.case)
    client = logged_in(cast.admin)

    data = json.loads(client.get(reverse("lifecycle:access_json", args=[request.reference])).content)
    assert {c["reference"] for c in data["cases"]} == {first.case.reference, second.case.reference}
    names = {s["identity"]["family_name"] for c in data["cases"] for s in c["signals"]}
    assert names == {"Adeyemi", "Adeyemi-Bello"} and unrelated.case.reference not in json.dumps(data)
    assert data["withheld"]["processing_entries"] == 1
    assert all(p["activity"] != "Strafrechtelijk onderzoek" for p in data["processing"])
    assert data["processing"], "the person sees who processed their data"
    assert all(c["triage"] for c in data["cases"]) and all(c["handovers"] == [] for c in data["cases"])

    html = client.get(reverse("lifecycle:access", args=[request.reference])).content.decode()
    assert "Adeyemi-Bello" in html and "Tweede melding." in html and "Wet politiegegevens" in html
    exports = ProcessingLogEntry.objects.filter(activity__code="data_subject_access", action="export")
    assert exports.count() == 4  # two exports, each logged for both cases
    assert set(exports.values_list("subject_pseudonym", flat=True)) == {first.case.pseudonym, second.case.pseudonym}


# --- rectification --------------------------------------------------------------------------------


def test_rectification_changes_only_the_persons_signal(cast, registered_signal, logged_in) -> None:
    other = new_signal(cast.reporter, family_name="Ander")
    request = make_request(cast, "rectification", registered_signal.case)
    client = logged_in(cast.admin)
    url = reverse("lifecycle:rectify", args=[request.reference])
    wrong = client.post(url, {"signal": other.reference, "family_name": "Hacked"})
    assert wrong.status_code == 400
    assert Signal.objects.get(pk=other.pk).family_name == "Ander"
    nothing = client.post(url, {"signal": registered_signal.reference, "family_name": "Adeyemi"})
    assert nothing.status_code == 400 and "Er is niets veranderd" in nothing.content.decode()
    ok = client.post(url, {"signal": registered_signal.reference, "family_name": "Adeyemi-Okafor",
                           "birth_date": "1999-05-12"})
    assert ok.status_code == 302
    signal = Signal.objects.get(pk=registered_signal.pk)
    assert signal.family_name == "Adeyemi-Okafor" and signal.birth_date == datetime.date(1999, 5, 12)
    assert signal.given_names == "Olumide", "fields left empty stay as they are"
    entry = ProcessingLogEntry.objects.filter(activity__code="data_subject_requests", action="update",
                                              object_type="signals.signal", object_id=str(signal.pk)).get()
    assert entry.fields == "birth_date,family_name" and "Adeyemi" not in json.dumps(entry.changes)
    assert DataSubjectRequest.objects.get().status == "in_progress"
    assert signal.case.events.filter(message__startswith="Details of signal").exists()


# --- restriction ----------------------------------------------------------------------------------


def test_restriction_covers_linked_cases_and_can_be_lifted(cast, logged_in) -> None:
    first = new_signal(cast.reporter)
    second = new_signal(cast.reporter)
    Case.objects.filter(pk__in=[first.case_id, second.case_id]).update(person_key="person-9")
    request = make_request(cast, "restriction", first.case)
    client = logged_in(cast.admin)
    url = reverse("lifecycle:restrict", args=[request.reference])
    assert client.post(url).status_code == 302
    assert set(ProcessingRestriction.objects.filter(lifted_at__isnull=True).values_list("case_id", flat=True)) == {
        first.case_id, second.case_id}
    client.post(url)  # a second click adds nothing
    assert ProcessingRestriction.objects.count() == 2
    client.post(url, {"lift": "1"})
    assert not ProcessingRestriction.objects.filter(lifted_at__isnull=True).exists()


# --- erasure --------------------------------------------------------------------------------------


def test_erasure_erases_what_the_law_allows_and_explains_the_rest(cast, logged_in) -> None:
    healthcare = OrganisationFactory(name="GGD (test)", type=OrganisationType.HEALTHCARE, municipality_id="GM0363")
    nurse = UserFactory(username="nurse", organisation=healthcare, role=Role.REPORTER)
    by_health = new_signal(nurse)
    by_police = new_signal(cast.reporter)
    still_open = new_signal(nurse)
    for s in (by_health, by_police, still_open):
        Case.objects.filter(pk=s.case_id).update(person_key="person-3")
    close_case(by_health.case)
    close_case(by_police.case)
    request = make_request(cast, "erasure", by_health.case)
    client = logged_in(cast.admin)

    page = client.get(reverse("lifecycle:detail", args=[request.reference])).content.decode()
    assert "Gegevens uit een strafrechtelijk onderzoek" in page and "De casus is nog open" in page

    url = reverse("lifecycle:erase", args=[request.reference])
    client.post(url)  # without the confirmation box nothing happens
    assert Signal.objects.get(pk=by_health.pk).family_name == "Adeyemi"
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert Signal.objects.get(pk=by_health.pk).family_name == ""
    assert Signal.objects.get(pk=by_health.pk).account == ""
    assert Signal.objects.get(pk=by_police.pk).family_name == "Adeyemi"
    assert Signal.objects.get(pk=still_open.pk).family_name == "Adeyemi"
    assert ProcessingLogEntry.objects.filter(activity__code="data_subject_requests", action="delete",
                                             object_type="signals.signal", object_id=str(by_health.pk)).exists()
    assert DataSubjectRequestStatusChange.objects.filter(request=request, to_status="in_progress").exists()


def test_an_action_for_another_kind_of_request_is_refused(cast, registered_signal) -> None:
    request = make_request(cast, "access", registered_signal.case)
    with pytest.raises(services.RequestError):
        services.erase(request, actor=cast.admin)
    with pytest.raises(services.RequestError):
        services.restrict(request, actor=cast.admin)


def test_handlers_are_reminded_before_the_deadline_once(cast, registered_signal) -> None:
    from vangnet.notifications.models import Notification

    request = make_request(cast, "access", registered_signal.case)
    today = timezone.localdate()
    assert services.remind_due_requests(today) == 0, "a month ahead: no reminder yet"
    assert services.remind_due_requests(request.due_on - datetime.timedelta(days=5)) == 1
    assert services.remind_due_requests(request.due_on - datetime.timedelta(days=4)) == 0, "once per deadline"
    note = Notification.objects.get()
    assert note.recipient == cast.admin and note.case == registered_signal.case and note.due_on == request.due_on
    from vangnet.notifications.selectors import render_message

    text = render_message(note)
    assert registered_signal.case.reference in text and registered_signal.family_name not in text
    services.change_status(request.pk, "in_progress", actor=cast.admin)
    services.change_status(request.pk, "completed", actor=cast.admin)
    assert services.remind_due_requests(request.due_on + datetime.timedelta(days=1)) == 0, "closed: no reminder"
