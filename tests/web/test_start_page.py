"""The start page per role: what needs doing now, from bounded queries, and nothing from other cases."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import signal_input
from vangnet.audit.context import processing_context
from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases import services
from vangnet.signals.services import register_signal

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
