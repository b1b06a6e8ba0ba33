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
    event = add_event(registered_signal.case, CaseEvent.Kind.NOTE, "Vrije tekst")
    assert event.text == "Vrije tekst" and event.message == ""
