"""A notification leaves the case page once its step is done (issue 15: messages that stayed)."""

from __future__ import annotations

from typing import Any

import pytest

from vangnet.audit.context import processing_context
from vangnet.shelters import services
from vangnet.shelters.models import Notification, NotificationKind, PlaceCapacity

pytestmark = pytest.mark.django_db


def unread(kind: str) -> int:
    return Notification.objects.filter(kind=kind, read_at__isnull=True).count()


def test_new_reservation_and_answer_notifications_are_resolved_by_the_next_step(
        placement_request: Any, location: Any, cast: Any, intake: Any, logged_in: Any) -> None:
    cap = PlaceCapacity.objects.get(location=location, place_type="women")
    with processing_context(actor=cast.coordinator):
        placement = services.reserve(placement_request.pk, cap.pk, actor=cast.coordinator)
    assert unread(NotificationKind.NEW_REQUEST) == 1
    with processing_context(actor=intake):
        services.accept(placement.pk, actor=intake)
    assert unread(NotificationKind.NEW_REQUEST) == 0  # the provider answered: its "new reservation" is done
    assert unread(NotificationKind.ANSWER) == 1  # the coordinator is told the answer
    html = logged_in(cast.coordinator).get(f"/cases/{placement_request.case.reference}/").content.decode()
    answer = Notification.objects.get(kind=NotificationKind.ANSWER).text
    assert answer in html
    with processing_context(actor=intake):
        services.admit(placement.pk, actor=intake, admission_date=placement.reserved_at.date())
    assert unread(NotificationKind.ANSWER) == 0  # admitted: nothing left to do about the answer
    html = logged_in(cast.coordinator).get(f"/cases/{placement_request.case.reference}/").content.decode()
    assert answer not in html


def test_cancelling_the_request_resolves_its_notifications(placement_request: Any, location: Any,
                                                           cast: Any) -> None:
    cap = PlaceCapacity.objects.get(location=location, place_type="women")
    with processing_context(actor=cast.coordinator):
        services.reserve(placement_request.pk, cap.pk, actor=cast.coordinator)
        services.cancel_request(placement_request.pk, actor=cast.coordinator)
    assert Notification.objects.filter(request=placement_request, read_at__isnull=True).exists() is False
