"""The start page per role: what needs doing now, from bounded queries, and nothing from other cases."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from tests.conftest import signal_input
from vangnet.audit.context import processing_context
from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases import services
from vangnet.cases.deadlines import cases_by_next_deadline
from vangnet.cases.models import Case
from vangnet.procedures import services as procedures
from vangnet.procedures.models import Deadline
from vangnet.signals.services import register_signal
from vangnet.web import start

pytestmark = pytest.mark.django_db


def new_case(cast: Any, **overrides: Any) -> Any:
    with processing_context(actor=cast.reporter):
        return register_signal(signal_input(**overrides), organisation=cast.reporter.organisation,
                               actor=cast.reporter).case


def block(html: str, key: str) -> str:
    start = html.index(f'data-block="{key}"')
    return html[start:html.index("</section>", start)]


def test_coordinator_sees_acute_new_unassigned_and_changed(cast: Any, logged_in: Any) -> None:
    acute = new_case(cast, immediate_danger=True)
    regular = new_case(cast)
    client = logged_in(cast.coordinator)
    html = client.get("/").content.decode()
    assert acute.reference in block(html, "acute") and regular.reference not in block(html, "acute")
    assert regular.reference in block(html, "new") and acute.reference in block(html, "new")
    assert 'data-block="unassigned" data-count="2"' in html
    assert 'data-block="deadlines"' in html and 'data-block="handovers"' in html and 'data-block="holds"' in html
    with processing_context(actor=cast.coordinator):
        services.assign(regular.pk, cast.coordinator, actor=cast.coordinator)
    client.get(f"/cases/{regular.reference}/")
    with processing_context(actor=cast.reporter):
        services.add_note(regular, text="Nieuwe informatie", actor=cast.reporter)
    html = client.get("/").content.decode()
    assert regular.reference in block(html, "changed")
    assert 'data-block="unassigned" data-count="1"' in html
    assert ProcessingLogEntry.objects.filter(activity__code="worklist", actor=cast.coordinator).exists()
    # another region's coordinator sees none of it
    other = logged_in(cast.other_coordinator).get("/").content.decode()
    assert acute.reference not in other and regular.reference not in other


def test_start_page_query_count_is_constant(cast: Any, logged_in: Any) -> None:
    client = logged_in(cast.coordinator)
    new_case(cast)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for _ in range(6):
        new_case(cast, immediate_danger=True)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)


@pytest.mark.parametrize("role, expected, absent", [
    ("reporter", ["my_signals", "handovers"], ["acute"]),
    ("national", ["acute", "escalated", "review", "deadlines"], ["my_signals"]),
    ("analyst", [], ["acute", "my_signals"]),
    ("admin", [], ["acute", "my_signals"]),
])
def test_each_role_gets_what_fits(cast: Any, registered_signal: Any, logged_in: Any, role: str,
                                  expected: list[str], absent: list[str]) -> None:
    html = logged_in(getattr(cast, role)).get("/").content.decode()
    for key in expected:
        assert f'data-block="{key}"' in html, key
    for key in absent:
        assert f'data-block="{key}"' not in html, key
    if role == "reporter":
        assert registered_signal.reference in block(html, "my_signals")
    if role == "admin":
        assert 'id="admin-links"' in html
    if role in ("analyst", "admin"):
        assert registered_signal.case.reference not in html



def _with_deadlines(cast: Any, *due: datetime.date) -> list[Any]:
    """Cases with a Dublin assessment whose open deadline ends on the given dates."""
    cases = []
    for on in due:
        case = new_case(cast)
        with processing_context(actor=cast.coordinator):
            procedures.start_procedure(case, "dublin_report", organisation=cast.coordinator.organisation,
                                       actor=cast.coordinator, on=on - datetime.timedelta(days=40))
        Deadline.objects.filter(case=case).update(due_on=on)
        cases.append(case)
    return cases


def test_deadline_selector_with_the_clock_moved(cast: Any) -> None:
    """The clock moved as the project moves it (the retention run, the reminders): the selector is given
    ``today``. Overdue deadlines first, oldest first, then the next two weeks; due today is not overdue."""
    first, second = _with_deadlines(cast, datetime.date(2026, 11, 27), datetime.date(2026, 12, 10))
    cases = Case.objects.filter(pk__in=[first.pk, second.pk])

    def rows(today: datetime.date) -> list[tuple[str, bool]]:
        return [(c.reference, c.deadline_overdue)
                for c in cases_by_next_deadline(cases, today=today, horizon_days=14)]

    assert rows(datetime.date(2026, 11, 12)) == []  # 15 days before the first: nothing yet
    assert rows(datetime.date(2026, 11, 13)) == [(first.reference, False)]
    assert rows(datetime.date(2026, 11, 27)) == [(first.reference, False), (second.reference, False)]
    assert rows(datetime.date(2026, 11, 28)) == [(first.reference, True), (second.reference, False)]
    assert rows(datetime.date(2027, 3, 1)) == [(first.reference, True), (second.reference, True)]
    block_ = start._deadline_block(cases, today=datetime.date(2026, 12, 4))
    assert [i["label"] for i in block_["items"]] == [first.reference, second.reference]
    overdue = ("urgent", gettext("Overdue"))
    assert block_["items"][0]["badges"][0] == overdue and overdue not in block_["items"][1]["badges"]


def test_start_page_marks_overdue_deadlines_like_the_worklist(cast: Any, logged_in: Any) -> None:
    today = timezone.localdate()
    later, past, far = _with_deadlines(cast, today + datetime.timedelta(days=3), today - datetime.timedelta(days=7),
                                       today + datetime.timedelta(days=30))
    client = logged_in(cast.coordinator)
    html = block(client.get("/", HTTP_ACCEPT_LANGUAGE="nl").content.decode(), "deadlines")
    assert 'data-count="2"' in html and far.reference not in html
    assert html.index(past.reference) < html.index(later.reference)
    past_row = html[html.index(past.reference):html.index(later.reference)]
    later_row = html[html.index(later.reference):]
    assert '<span class="vn-badge vn-badge--urgent">Verlopen</span>' in past_row
    assert "Verlopen" not in later_row.split("</li>")[0]
    worklist = client.get("/cases/?deadline=overdue", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert past.reference in worklist and "vn-badge vn-badge--urgent" in worklist
