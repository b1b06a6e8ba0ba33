"""Pages: the case panel, start and record (permissions, validation), the deadlines page, the worklist column
and the calendar feed."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import OrganisationFactory, UserFactory
from vangnet.accounts.models import OrganisationType, Role
from vangnet.audit.context import processing_context
from vangnet.audit.models import ProcessingLogEntry
from vangnet.procedures import calendar_feed, services
from vangnet.procedures.models import Deadline, Procedure


@pytest.fixture
def case(registered_signal: Any) -> Any:
    return registered_signal.case


@pytest.fixture
def dublin(cast: Any, case: Any) -> Procedure:
    with processing_context(actor=cast.coordinator):
        return services.start_procedure(case, "dublin_report", organisation=cast.coordinator.organisation,
                                        actor=cast.coordinator, on=timezone.localdate() - datetime.timedelta(days=40))


def test_panel_shows_procedures_to_those_who_may_see_the_case(cast: Any, case: Any, dublin: Any,
                                                               logged_in: Any) -> None:
    for user in (cast.coordinator, cast.reporter, cast.national):
        html = logged_in(user).get(f"/cases/{case.reference}/").content.decode()
        assert 'id="h-procedures"' in html and 'data-procedure="dublin_report"' in html, user.username
    for user in (cast.outsider, cast.other_coordinator, cast.analyst):
        assert logged_in(user).get(f"/cases/{case.reference}/").status_code == 404


def test_record_step_by_the_police_closes_the_deadline(cast: Any, case: Any, dublin: Any, logged_in: Any) -> None:
    client = logged_in(cast.reporter)
    url = f"/procedures/{case.reference}/{dublin.pk}/step/"
    page = client.get(url)
    assert page.status_code == 200 and "assessed_continue" in page.content.decode()
    bad = client.post(url, {"step": "assessed_continue", "on": "2099-01-01"})
    assert bad.status_code == 400 and "toekomst" in bad.content.decode()  # Dutch error, nothing lost
    assert Deadline.objects.filter(procedure=dublin, closed_on__isnull=True).exists()
    ok = client.post(url, {"step": "assessed_continue", "on": timezone.localdate().isoformat(),
                           "document_reference": "PL-2026-77"})
    assert ok.status_code == 302
    assert not Deadline.objects.filter(procedure=dublin, closed_on__isnull=True).exists()
    assert ProcessingLogEntry.objects.filter(activity__code="legal_procedures", action="update").exists()


def test_record_step_is_404_for_organisations_that_may_not(cast: Any, case: Any, dublin: Any, logged_in: Any) -> None:
    url = f"/procedures/{case.reference}/{dublin.pk}/step/"
    # care coordination leads the case but no step of the Dublin assessment is theirs
    assert logged_in(cast.coordinator).get(url).status_code == 404
    for user in (cast.outsider, cast.other_coordinator, cast.analyst, cast.admin):
        assert logged_in(user).get(url).status_code == 404
        assert logged_in(user).post(url, {"step": "withdrawn", "on": "2026-01-01"}).status_code == 404


def test_start_form_validates_and_starts(cast: Any, case: Any, logged_in: Any) -> None:
    client = logged_in(cast.coordinator)
    url = f"/procedures/{case.reference}/start/"
    assert client.get(url + "?procedure=reflection_period").status_code == 200
    bad = client.post(url, {"procedure": "reflection_period", "on": "31-02-2026"})
    assert bad.status_code == 400 and "Vul een datum in" in bad.content.decode()
    assert client.post(url, {"procedure": "reflection_period", "on": "2026-01-05"}).status_code == 302
    assert Procedure.objects.filter(case=case, code="reflection_period", is_open=True).exists()
    assert logged_in(cast.outsider).get(url).status_code == 404


def test_worklist_shows_sorts_and_filters_on_the_next_deadline(cast: Any, case: Any, dublin: Any,
                                                                logged_in: Any) -> None:
    client = logged_in(cast.coordinator)
    due = Deadline.objects.get(procedure=dublin).due_on
    html = client.get("/cases/?scope=involved&deadline=overdue&sort=deadline").content.decode()
    assert case.reference in html and "Eerstvolgende termijn" in html and "verlopen" in html
    assert f"{due.day} " in html
    html = client.get("/cases/?scope=involved&deadline=week").content.decode()
    assert case.reference in html
    Deadline.objects.filter(procedure=dublin).update(closed_on=timezone.localdate())
    html = client.get("/cases/?scope=involved&deadline=any").content.decode()
    assert case.reference not in html


def test_deadlines_page_groups_overdue_and_this_week(cast: Any, case: Any, dublin: Any, logged_in: Any) -> None:
    html = logged_in(cast.coordinator).get("/procedures/deadlines/").content.decode()
    assert "Verlopen (1)" in html and case.reference in html
    html = logged_in(cast.outsider).get("/procedures/deadlines/").content.decode()
    assert case.reference not in html and "Verlopen (0)" in html
    assert logged_in(cast.analyst).get("/procedures/deadlines/").status_code == 404


def test_calendar_feed_is_token_protected_and_has_no_personal_data(cast: Any, case: Any, dublin: Any,
                                                                    client: Any) -> None:
    org = cast.coordinator.organisation
    url = f"/procedures/calendar/{org.pk}/{calendar_feed.token_for(org.pk)}.ics"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.count("BEGIN:VEVENT") == 1
    assert case.reference in body and f"DTSTART;VALUE=DATE:{Deadline.objects.get().due_on:%Y%m%d}" in body
    for secret in ("Olumide", "Adeyemi", "1999", "NG"):
        assert secret not in body.replace(case.reference, "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert client.get(f"/procedures/calendar/{org.pk}/{'0' * 40}.ics").status_code == 404
    other = cast.other_coordinator.organisation
    assert client.get(f"/procedures/calendar/{other.pk}/{calendar_feed.token_for(org.pk)}.ics").status_code == 404


def test_ind_user_records_the_grant(cast: Any, case: Any, logged_in: Any) -> None:
    """IND takes part through involvement (here: made reporter on the case) and may record IND steps only."""
    from vangnet.cases.models import InvolvementRole
    from vangnet.cases.services import involve

    ind = UserFactory(username="ind", role=Role.REPORTER, organisation=OrganisationFactory(
        name="IND (view test)", type=OrganisationType.IND, municipality_id="GM0518"))
    involve(case, ind.organisation, InvolvementRole.REPORTER, log=False)
    with processing_context(actor=cast.coordinator):
        p = services.start_procedure(case, "reflection_period", organisation=cast.coordinator.organisation,
                                     on=datetime.date(2026, 1, 5))
        services.record_step(p.pk, "requested", on=datetime.date(2026, 1, 5),
                             organisation=cast.coordinator.organisation)
    page = logged_in(ind).get(f"/procedures/{case.reference}/{p.pk}/step/").content.decode()
    assert 'value="granted"' in page and 'value="refused"' in page and 'value="started"' not in page
