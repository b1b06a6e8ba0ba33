"""Notifications end to end: the kinds the capabilities send (after commit) and the inbox, badge and
preferences pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.conftest import signal_input
from tests.factories import UserFactory
from tests.sharing.conftest import give_consent, member_of
from tests.shelters.conftest import make_location
from vangnet.accounts.models import OrganisationType, Role
from vangnet.audit.context import processing_context
from vangnet.core.models import Language
from vangnet.notifications.models import Notification, NotificationPreference
from vangnet.regions.models import Municipality
from vangnet.sharing import services as sharing
from vangnet.sharing.models import HandoverStatus
from vangnet.shelters import services as shelters
from vangnet.signals.services import register_signal

pytestmark = pytest.mark.django_db


def kinds_of(user: Any) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_new_signal_tells_the_coordinators_of_the_lead_once(cast: Any, django_capture_on_commit_callbacks: Any
                                                           ) -> None:
    with processing_context(actor=cast.reporter), django_capture_on_commit_callbacks(execute=True):
        signal = register_signal(signal_input(), organisation=cast.reporter.organisation, actor=cast.reporter)
    assert kinds_of(cast.coordinator) == ["signal_new"]
    assert kinds_of(cast.other_coordinator) == [] and kinds_of(cast.reporter) == []
    note = Notification.objects.get(recipient=cast.coordinator)
    assert note.case == signal.case and note.dedupe_key == f"signal:{signal.pk}"


def test_handover_request_answer_and_revocation(cast: Any, registered_signal: Any,
                                               django_capture_on_commit_callbacks: Any) -> None:
    case = registered_signal.case
    shelter_user = member_of(OrganisationType.SHELTER_PROVIDER, "shelter")
    give_consent(case, "shelter", cast.coordinator)
    with processing_context(actor=cast.coordinator), django_capture_on_commit_callbacks(execute=True):
        handover = sharing.request_handover(case, sender=cast.coordinator.organisation,
                                            recipient=shelter_user.organisation, purpose="shelter",
                                            actor=cast.coordinator)
    assert kinds_of(shelter_user) == ["handover_requested"]
    with processing_context(actor=shelter_user), django_capture_on_commit_callbacks(execute=True):
        sharing.transition(handover.pk, HandoverStatus.ACCEPTED, organisation=shelter_user.organisation,
                           actor=shelter_user)
    assert kinds_of(cast.coordinator) == ["handover_accepted"]
    with django_capture_on_commit_callbacks(execute=True):
        give_consent(case, "shelter", cast.coordinator, status="withdrawn")
    assert kinds_of(shelter_user) == ["access_ended", "handover_requested"]
    # nobody is assigned, so every coordinator of the lead is told that the handover ended
    assert kinds_of(cast.coordinator) == ["handover_accepted", "handover_revoked"]
    ended = Notification.objects.get(recipient=shelter_user, kind="access_ended")
    assert ended.url == f"/sharing/handovers/{handover.public_id}/"


def test_holds_expiring_and_expired(cast: Any, registered_signal: Any,
                                    django_capture_on_commit_callbacks: Any) -> None:
    provider_user = member_of(OrganisationType.SHELTER_PROVIDER, "intake")
    location = make_location(provider_user.organisation, "Huis Noord", "GM0014")
    needs = {"urgency": "urgent", "gender": "female", "age": 26, "is_minor": False, "children_count": 0,
             "lvb": False, "addiction": False, "psychiatric": False, "multiple_problems": False,
             "wheelchair": False, "place_types": [], "specialisms": [],
             "exploitation_municipality": Municipality.objects.get(pk="GM0363"), "avoid_region": True,
             "avoid_adjacent_regions": False}
    with processing_context(actor=cast.coordinator):
        req = shelters.create_request(registered_signal.case, actor=cast.coordinator, data=needs,
                                      languages=Language.objects.filter(pk="en"))
        placement = shelters.reserve(req.pk, location.capacities.get().pk, actor=cast.coordinator)
    almost = placement.held_until - datetime.timedelta(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert shelters.remind_expiring_holds(placement.held_until - datetime.timedelta(hours=5)) == 0
        assert shelters.remind_expiring_holds(almost) == 1
        shelters.remind_expiring_holds(almost)  # a second run does not remind twice
    reminders = Notification.objects.filter(recipient=provider_user, kind="hold_expiring")
    assert reminders.count() == 1 and reminders.get().case is None  # a shelter is not told the case number
    with processing_context(actor_label="test"), django_capture_on_commit_callbacks(execute=True):
        assert shelters.release_expired_holds(placement.held_until + datetime.timedelta(minutes=1)) == 1
    assert kinds_of(cast.coordinator) == ["hold_expired"]


def test_inbox_badge_mark_read_and_open(cast: Any, registered_signal: Any, logged_in: Any) -> None:
    from vangnet.notifications.services import notify

    case = registered_signal.case
    notify([cast.coordinator], "case_assigned", case=case, url=f"/cases/{case.reference}/")
    notify([cast.coordinator], "signal_new", case=case, url="https://evil.example/")
    client = logged_in(cast.coordinator)
    home = client.get("/").content.decode()
    assert 'id="notification-badge"' in home and 'data-unread="2"' in home and 'hx-trigger="every 30s"' in home
    badge = client.get("/notifications/badge/").content.decode()
    assert 'data-unread="2"' in badge and "<html" not in badge
    inbox = client.get("/notifications/").content.decode()
    assert case.reference in inbox and "Olumide" not in inbox
    first = Notification.objects.get(kind="case_assigned")
    response = client.get(f"/notifications/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.reference}/"
    other = Notification.objects.get(kind="signal_new")
    assert client.get(f"/notifications/{other.pk}/")["Location"] == "/notifications/"  # never off-site
    assert logged_in(cast.reporter).get(f"/notifications/{first.pk}/").status_code == 404
    notify([cast.coordinator], "case_assigned", case=case, url="/", dedupe_key="x")
    client = logged_in(cast.coordinator)
    client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=cast.coordinator, read_at__isnull=True).exists()
    assert 'data-unread="0"' in client.get("/notifications/badge/").content.decode()


def test_preferences_choose_in_app_and_email_per_kind(cast: Any, logged_in: Any) -> None:
    from vangnet.notifications.services import notify

    client = logged_in(cast.coordinator)
    page = client.get("/notifications/preferences/").content.decode()
    assert 'name="in_app:signal_new"' in page and 'name="email:signal_new"' in page
    assert 'name="in_app:hold_expiring"' not in page  # for shelter intake only
    client.post("/notifications/preferences/", {"email:case_assigned": "on", "in_app:signal_new": "on"})
    assigned = NotificationPreference.objects.get(user=cast.coordinator, kind="case_assigned")
    assert (assigned.in_app, assigned.by_email) == (False, True)
    signal_new = NotificationPreference.objects.get(user=cast.coordinator, kind="signal_new")
    assert (signal_new.in_app, signal_new.by_email) == (True, False)
    # no in-app notification and no e-mail address: nothing is stored for the kind switched off
    user = UserFactory(username="no-mail", organisation=cast.coordinator.organisation, role=Role.CARE_COORDINATOR,
                       email="")
    NotificationPreference.objects.create(user=user, kind="case_assigned", in_app=False, by_email=True)
    assert notify([user], "case_assigned") == []
