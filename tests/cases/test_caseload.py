"""The caseload: assignment (service, permission, timeline, log), the worklist order and filters, "changed
since you last looked", saved filters, search by signal number, notes, "who looked", the printed summary."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import signal_input
from tests.factories import UserFactory
from vangnet.accounts.models import Role
from vangnet.audit.context import processing_context
from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases import services
from vangnet.cases.models import Case, CaseEvent, CaseNote, CaseSeen, SavedFilter
from vangnet.notifications.models import Notification
from vangnet.signals.services import register_signal

pytestmark = pytest.mark.django_db


def new_case(cast: Any, **overrides: Any) -> Case:
    with processing_context(actor=cast.reporter):
        return register_signal(signal_input(**overrides), organisation=cast.reporter.organisation,
                               actor=cast.reporter).case


@pytest.fixture
def colleague_coordinator(cast: Any) -> Any:
    return UserFactory(username="coordinator2", organisation=cast.coordinator.organisation,
                       role=Role.CARE_COORDINATOR, first_name="Fenna", last_name="Bakker")


def test_assign_locks_writes_timeline_and_log_and_tells_the_assignee(
        cast: Any, registered_signal: Any, colleague_coordinator: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    case = registered_signal.case
    with processing_context(actor=cast.coordinator), django_capture_on_commit_callbacks(execute=True):
        services.assign(case.pk, colleague_coordinator, actor=cast.coordinator)
    case.refresh_from_db()
    assert case.assigned_to == colleague_coordinator and case.assigned_at is not None
    event = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ASSIGNMENT).get()
    assert event.params == {"name": colleague_coordinator.display_name}
    entry = ProcessingLogEntry.objects.filter(subject_pseudonym=case.pseudonym, fields="assigned_to").get()
    assert entry.changes["assigned_to"] == {"old": None, "new": colleague_coordinator.pk}
    note = Notification.objects.get(recipient=colleague_coordinator, kind="case_assigned")
    assert note.case == case and note.url == f"/cases/{case.reference}/"


def test_only_a_coordinator_of_the_lead_assigns_and_only_to_its_own_coordinators(
        cast: Any, registered_signal: Any) -> None:
    case = registered_signal.case
    for actor in (cast.reporter, cast.other_coordinator, cast.national):
        with pytest.raises(services.AssignmentRefused):
            services.assign(case.pk, actor if actor.role == Role.CARE_COORDINATOR else cast.coordinator,
                            actor=actor)
    with pytest.raises(services.AssignmentRefused):
        services.assign(case.pk, cast.other_coordinator, actor=cast.coordinator)
    assert Case.objects.get(pk=case.pk).assigned_to_id is None


def test_assign_to_me_from_the_worklist_and_filters_mine_and_unassigned(
        cast: Any, registered_signal: Any, logged_in: Any) -> None:
    other = new_case(cast, given_names="Second")
    client = logged_in(cast.coordinator)
    response = client.post(f"/cases/{other.reference}/assign/", {"assignee": "me", "next": "/cases/?sort=newest"})
    assert response.status_code == 302 and response["Location"] == "/cases/?sort=newest"
    mine = client.get("/cases/?assigned=mine").content.decode()
    assert other.reference in mine and registered_signal.case.reference not in mine
    unassigned = client.get("/cases/?assigned=unassigned").content.decode()
    assert registered_signal.case.reference in unassigned and f">{other.reference}<" not in unassigned
    # an open redirect is refused: back to the case page instead
    response = client.post(f"/cases/{other.reference}/assign/", {"assignee": "", "next": "https://evil.example/"})
    assert response["Location"] == f"/cases/{other.reference}/"
    assert Case.objects.get(pk=other.pk).assigned_to_id is None


def test_worklist_rows_link_to_the_case_and_offer_assign_to_me_only_where_it_may(
        cast: Any, registered_signal: Any, logged_in: Any) -> None:
    taken = new_case(cast, given_names="Taken")
    closed = new_case(cast, given_names="Closed")
    with processing_context(actor=cast.coordinator):
        services.assign(taken.pk, cast.coordinator, actor=cast.coordinator)
        services.change_status(closed.pk, "closed", actor=cast.coordinator, reason="care_completed")
    open_ref = registered_signal.case.reference
    html = logged_in(cast.coordinator).get("/cases/?sort=newest").content.decode()
    for ref in (open_ref, taken.reference, closed.reference):
        assert f'href="/cases/{ref}/">{ref}</a>' in html
    # the button, with the way back to this very list, only for the open case nobody has
    assert f'action="/cases/{open_ref}/assign/"' in html
    assert f'action="/cases/{taken.reference}/assign/"' not in html
    assert f'action="/cases/{closed.reference}/assign/"' not in html
    assert 'name="next" value="/cases/?sort=newest"' in html
    # a reporter sees the list without the button
    assert "/assign/" not in logged_in(cast.reporter).get("/cases/").content.decode()


@pytest.mark.parametrize("reference", ["VN-2026-000123", "a b", "é;x", "x?y#z", "50%", "a:b@c~d!$&'()*+,="])
def test_case_url_reverses_as_reverse_does(reference: str) -> None:
    from django.urls import reverse

    from vangnet.cases.views import case_url

    for name in ("cases:detail", "cases:assign"):
        assert case_url(name)(reference) == reverse(name, args=[reference])


def test_assign_view_is_404_for_those_who_may_not(cast: Any, registered_signal: Any, logged_in: Any) -> None:
    ref = registered_signal.case.reference
    assert logged_in(cast.reporter).post(f"/cases/{ref}/assign/", {"assignee": "me"}).status_code == 404
    assert logged_in(cast.other_coordinator).post(f"/cases/{ref}/assign/", {"assignee": "me"}).status_code == 404
    response = logged_in(cast.coordinator).post(f"/cases/{ref}/assign/", {"assignee": str(cast.reporter.pk)})
    assert response.status_code == 302
    assert Case.objects.get(reference=ref).assigned_to_id is None


def test_worklist_puts_open_cases_first_then_urgency(cast: Any, logged_in: Any) -> None:
    old_closed = new_case(cast, immediate_danger=True)
    with processing_context(actor=cast.coordinator):
        services.change_status(old_closed.pk, "closed", actor=cast.coordinator, reason="care_completed")
    regular = new_case(cast)
    acute = new_case(cast, immediate_danger=True)
    html = logged_in(cast.coordinator).get("/cases/").content.decode()
    positions = [html.index(f">{c.reference}<") for c in (acute, regular, old_closed)]
    assert positions == sorted(positions)


def test_search_by_signal_number_and_case_number(cast: Any, registered_signal: Any, logged_in: Any) -> None:
    other = new_case(cast)
    client = logged_in(cast.coordinator)
    html = client.get("/cases/", {"q": registered_signal.reference.lower()}).content.decode()
    assert f">{registered_signal.case.reference}<" in html and f">{other.reference}<" not in html
    html = client.get("/cases/", {"q": other.reference}).content.decode()
    assert f">{other.reference}<" in html and f">{registered_signal.case.reference}<" not in html


def test_changed_since_last_looked(cast: Any, registered_signal: Any, logged_in: Any) -> None:
    case = registered_signal.case
    client = logged_in(cast.coordinator)
    client.get(f"/cases/{case.reference}/")
    assert CaseSeen.objects.filter(user=cast.coordinator, case=case).exists()
    assert "vn-changed" not in client.get("/cases/").content.decode()
    # the coordinator's own change does not count; someone else's does
    with processing_context(actor=cast.coordinator):
        services.change_status(case.pk, "in_triage", actor=cast.coordinator)
    assert "vn-changed" not in client.get("/cases/").content.decode()
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE, message="Note added", params={},
                             actor=cast.reporter, at=timezone.now() + datetime.timedelta(seconds=1))
    assert "vn-changed" in client.get("/cases/").content.decode()
    client.get(f"/cases/{case.reference}/")
    CaseSeen.objects.filter(user=cast.coordinator).update(seen_at=timezone.now() + datetime.timedelta(seconds=5))
    assert "vn-changed" not in client.get("/cases/").content.decode()


def test_worklist_query_count_does_not_grow_with_cases(cast: Any, logged_in: Any) -> None:
    client = logged_in(cast.coordinator)
    new_case(cast)
    client.get("/cases/")
    with CaptureQueriesContext(connection) as one:
        client.get("/cases/")
    for _ in range(4):
        new_case(cast)
    with CaptureQueriesContext(connection) as five:
        client.get("/cases/")
    assert len(five) == len(one)


def test_saved_filters_are_per_user(cast: Any, logged_in: Any, colleague_coordinator: Any) -> None:
    client = logged_in(cast.coordinator)
    response = client.post("/cases/filters/", {"name": "Acuut van mij", "query": "urgency=acute&assigned=mine&x=1"})
    assert response.status_code == 302
    saved = SavedFilter.objects.get(user=cast.coordinator)
    assert saved.query == "urgency=acute&assigned=mine&sort=urgency&scope=lead"  # cleaned: unknown keys dropped
    assert "Acuut van mij" in client.get("/cases/").content.decode()
    other = logged_in(colleague_coordinator)
    assert "Acuut van mij" not in other.get("/cases/").content.decode()
    other.post(f"/cases/filters/{saved.pk}/delete/")
    assert SavedFilter.objects.filter(pk=saved.pk).exists()  # not theirs
    logged_in(cast.coordinator).post(f"/cases/filters/{saved.pk}/delete/")
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()
    assert client.post("/cases/filters/", {"name": "", "query": "a=b"}).status_code == 302
    assert not SavedFilter.objects.exists()


def test_notes_by_involvement_with_author_time_log_and_encryption(
        cast: Any, registered_signal: Any, logged_in: Any) -> None:
    case = registered_signal.case
    client = logged_in(cast.coordinator)
    response = client.post(f"/cases/{case.reference}/notes/", {"text": "Belafspraak dinsdag met tolk."})
    assert response.status_code == 302
    note = CaseNote.objects.get(case=case)
    assert note.author == cast.coordinator and note.organisation == cast.coordinator.organisation
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_casenote WHERE id = %s", [note.pk])
        assert "Belafspraak" not in cursor.fetchone()[0]
    assert ProcessingLogEntry.objects.filter(subject_pseudonym=case.pseudonym, object_type="cases.casenote",
                                             action="create").exists()
    page = logged_in(cast.reporter).get(f"/cases/{case.reference}/").content.decode()
    assert "Belafspraak dinsdag met tolk." in page and cast.coordinator.display_name in page
    # not involved: 404; national coordinator: no notes section and cannot write
    assert logged_in(cast.outsider).post(f"/cases/{case.reference}/notes/", {"text": "x"}).status_code == 404
    national = logged_in(cast.national)
    assert "Belafspraak" not in national.get(f"/cases/{case.reference}/").content.decode()
    assert national.post(f"/cases/{case.reference}/notes/", {"text": "x"}).status_code == 404
    # an empty note is refused with a clear message, nothing stored
    response = logged_in(cast.coordinator).post(f"/cases/{case.reference}/notes/", {"text": "   "})
    assert response.status_code == 400 and CaseNote.objects.count() == 1


def test_who_looked_panel_only_for_the_lead(cast: Any, registered_signal: Any, logged_in: Any) -> None:
    case = registered_signal.case
    logged_in(cast.national).get(f"/cases/{case.reference}/")
    lead_page = logged_in(cast.coordinator).get(f"/cases/{case.reference}/").content.decode()
    assert 'id="h-viewers"' in lead_page and cast.national.display_name in lead_page
    assert ProcessingLogEntry.objects.filter(activity__code="processing_log_review",
                                             subject_pseudonym=case.pseudonym).exists()
    assert 'id="h-viewers"' not in logged_in(cast.reporter).get(f"/cases/{case.reference}/").content.decode()
    assert 'id="h-viewers"' not in logged_in(cast.national).get(f"/cases/{case.reference}/").content.decode()


def test_summary_card_and_printable_summary(cast: Any, registered_signal: Any, logged_in: Any) -> None:
    case = registered_signal.case
    client = logged_in(cast.coordinator)
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert 'id="h-summary"' in page and 'id="summary-assignee"' in page and 'id="assign-me"' in page
    printed = client.get(f"/cases/{case.reference}/print/")
    assert printed.status_code == 200 and "Olumide" in printed.content.decode()
    assert ProcessingLogEntry.objects.filter(subject_pseudonym=case.pseudonym, action="export").exists()
    national = logged_in(cast.national).get(f"/cases/{case.reference}/print/").content.decode()
    assert "Olumide" not in national
    assert logged_in(cast.outsider).get(f"/cases/{case.reference}/print/").status_code == 404


def test_case_page_query_count_is_the_same_for_every_case(cast: Any, registered_signal: Any, logged_in: Any,
                                                          colleague_coordinator: Any) -> None:
    plain, busy = registered_signal.case, new_case(cast)
    with processing_context(actor=cast.coordinator):
        services.assign(busy.pk, colleague_coordinator, actor=cast.coordinator)
        services.add_note(busy, text="Een notitie", actor=cast.coordinator)
    client = logged_in(cast.coordinator)
    # the session's and the process's one-off work (idle timeout, MFA state, data files read once) is not the case's
    assert client.get("/").status_code == 200
    third = new_case(cast)
    assert client.get(f"/cases/{third.reference}/").status_code == 200
    counts = []
    for case in (plain, busy, plain, busy):  # first and later visits
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/cases/{case.reference}/").status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts
