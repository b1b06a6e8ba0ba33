"""Timeline lines are stored as message ids with values and rendered in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext_noop

from vangnet.cases.models import CaseEvent
from vangnet.cases.services import add_event

pytestmark = pytest.mark.django_db


def test_event_with_params_renders_in_the_readers_language(registered_signal):
    case = registered_signal.case
    event = add_event(case, CaseEvent.Kind.NOTE, gettext_noop("Case opened, led by %(org)s"), {"org": "Org X"})
    with translation.override("en"):
        assert event.text == "Case opened, led by Org X"
    with translation.override("nl"):
        assert event.text != "Case opened, led by Org X" and "Org X" in event.text


def test_legacy_event_keeps_its_text(registered_signal):
    event = CaseEvent.objects.create(case=registered_signal.case, kind=CaseEvent.Kind.NOTE, summary="Vrije tekst")
    assert event.text == "Vrije tekst" and event.message == ""


def test_event_without_params_is_a_message_id(registered_signal):
    event = add_event(registered_signal.case, CaseEvent.Kind.NOTE, gettext_noop("Placement request cancelled"))
    assert event.message == "Placement request cancelled" and event.params == {} and event.summary == ""
    with translation.override("nl"):
        assert event.text != "Placement request cancelled"


def test_codes_and_dates_in_params_render_in_the_readers_language(registered_signal):
    import datetime

    from vangnet.cases import timeline
    from vangnet.cases.models import CaseStatus

    event = add_event(registered_signal.case, CaseEvent.Kind.STATUS,
                      gettext_noop("Status changed from “%(from)s” to “%(to)s”"),
                      {"from": timeline.choice(CaseStatus.NEW), "to": timeline.choice(CaseStatus.CLOSED)})
    assert event.params == {"from": {"code": "cases.CaseStatus:new"}, "to": {"code": "cases.CaseStatus:closed"}}
    with translation.override("en"):
        assert event.text == "Status changed from “New” to “Closed”"
    with translation.override("nl"):
        assert event.text == f"Status gewijzigd van “{CaseStatus.NEW.label}” naar “{CaseStatus.CLOSED.label}”"
        assert "New" not in event.text
    day = {"date": timeline.date(datetime.date(2026, 12, 4))["date"]}
    with translation.override("nl"):
        assert timeline.render_value(day) == "4 december 2026"
    with translation.override("en"):
        assert timeline.render_value(day) == "4 December 2026"
        assert timeline.render_value([{"code": "sharing.purpose:nope"}, "x"]) == "nope, x"
        assert timeline.render_value({"code": "unknown.Thing:abc"}) == "abc"


def test_every_timeline_line_written_by_a_flow_is_a_message_id(registered_signal, cast):
    from vangnet.cases.models import CaseStatus
    from vangnet.cases.services import change_status

    change_status(registered_signal.case.pk, CaseStatus.IN_TRIAGE, actor=cast.coordinator)
    events = list(registered_signal.case.events.all())
    assert events and all(e.message and not e.summary for e in events)
    for event in events:
        with translation.override("en"):
            english = event.text
        with translation.override("nl"):
            dutch = event.text
        assert "%(" not in english and "%(" not in dutch
        for value in event.params.values():
            assert not isinstance(value, str) or value in english  # plain values (numbers, names) as they are


def test_legacy_dutch_text_is_read_back_into_a_message_with_codes():
    from vangnet.cases import timeline

    parsed = timeline.parse_legacy("Status gewijzigd van “Nieuw” naar “Afgesloten”")
    assert parsed == ("Status changed from “%(from)s” to “%(to)s”",
                      {"from": {"code": "cases.CaseStatus:new"}, "to": {"code": "cases.CaseStatus:closed"}})
    with translation.override("en"):
        assert timeline.render(*parsed) == "Status changed from “New” to “Closed”"
    parsed = timeline.parse_legacy("Signal S-2024-000012 registered by Politie Oost (test)")
    assert parsed and parsed[1] == {"ref": "S-2024-000012", "org": "Politie Oost (test)"}
    assert timeline.parse_legacy("Iets heel anders") is None


def test_handover_and_placement_lines_render_labels_in_both_languages(registered_signal):
    from vangnet.cases import timeline
    from vangnet.shelters.models import PlaceType

    event = add_event(registered_signal.case, CaseEvent.Kind.HANDOVER,
                      gettext_noop("Handover to %(org)s for “%(purpose)s”: %(status)s"),
                      {"org": "Org Y", "purpose": timeline.code("sharing.purpose", "care_coordination"),
                       "status": {"code": "sharing.HandoverStatus:accepted"}})
    with translation.override("en"):
        english = event.text
    with translation.override("nl"):
        dutch = event.text
    assert "Org Y" in english and "Org Y" in dutch and english != dutch
    assert "care_coordination" not in english + dutch and "accepted" not in english.lower().split(": ")[0]
    place = add_event(registered_signal.case, CaseEvent.Kind.PLACEMENT,
                      gettext_noop("Reservation given back: %(place)s"),
                      {"place": ["Opvang Z", timeline.choice(PlaceType.WOMEN)]})
    with translation.override("en"):
        assert place.text == f"Reservation given back: Opvang Z, {PlaceType.WOMEN.label}"
    with translation.override("nl"):
        assert place.text == "Reservering teruggegeven: Opvang Z, Vrouwenopvang"
