"""Shelter notifications are stored as a message id with params and read in the reader's language: a Dutch
writer's notification reads in English for an English reader (as the case timeline)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.html import escape

from vangnet.audit.context import processing_context
from vangnet.shelters import services
from vangnet.shelters.models import MSG_DECLINED, Notification, NotificationKind, PlaceCapacity

pytestmark = pytest.mark.django_db


def test_a_dutch_writers_notification_reads_in_english(placement_request: Any, location: Any, cast: Any,
                                                       intake: Any, client: Any) -> None:
    cap = PlaceCapacity.objects.get(location=location, place_type="women")
    with translation.override("nl"), processing_context(actor=cast.coordinator):
        placement = services.reserve(placement_request.pk, cap.pk, actor=cast.coordinator)
    note = Notification.objects.get(kind=NotificationKind.NEW_REQUEST)
    assert note.message == "New reservation for %(place)s: answer before %(until)s."  # the id, no language
    assert note.params["place"] == {"code": "shelters.PlaceType:women"} and "datetime" in note.params["until"]
    with translation.override("en"):
        english = note.text
    with translation.override("nl"):
        dutch = note.text
    assert english.startswith("New reservation for ") and "answer before" in english
    assert dutch.startswith("Nieuwe reservering voor ") and english != dutch
    # the English reader's page shows the English text, the Dutch reader's the Dutch one
    client.force_login(intake)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert escape(english) in client.get("/shelters/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert escape(dutch) in client.get("/shelters/").content.decode()
    with translation.override("nl"), processing_context(actor=intake):
        services.decline(placement.pk, actor=intake, reason="no_fit")
    answer = Notification.objects.get(kind=NotificationKind.ANSWER)
    assert answer.message == MSG_DECLINED and answer.params["case"] == placement_request.case.reference
    with translation.override("en"):
        assert answer.text.startswith(f"The shelter declined the placement for case {placement_request.case.reference}")


def _reasons() -> list[str]:
    from vangnet.shelters.models import DeclineReason

    return list(DeclineReason.values)


def test_legacy_rows_are_read_back_into_message_ids(placement_request: Any, cast: Any) -> None:
    """Rows written before message ids (Dutch or English text) become ids with params; others stay as written."""
    migration = importlib.import_module("vangnet.shelters.migrations.0005_notification_message_ids")
    org = cast.coordinator.organisation
    ref = placement_request.case.reference
    with translation.override("nl"):
        dutch = translation.gettext(MSG_DECLINED) % {"case": ref, "reason": _reason_label("nl")}
    legacy = Notification.objects.create(organisation=org, kind=NotificationKind.ANSWER, message=dutch,
                                         request=placement_request)
    odd = Notification.objects.create(organisation=org, kind=NotificationKind.ANSWER, message="Iets anders.")
    migration.forwards(apps, None)
    legacy.refresh_from_db()
    odd.refresh_from_db()
    assert legacy.message == MSG_DECLINED and legacy.params["case"] == ref
    assert legacy.params["reason"] == {"code": f"shelters.DeclineReason:{_reasons()[0]}"}
    with translation.override("en"):
        assert legacy.text.startswith(f"The shelter declined the placement for case {ref}")
        assert odd.text == "Iets anders."  # could not be read: shown as written


def _reason_label(language: str) -> str:
    from vangnet.shelters.models import DeclineReason

    with translation.override(language):
        return str(DeclineReason(_reasons()[0]).label)
