"""The notification core: kinds, preferences, idempotent reminders, e-mail without personal data."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils.translation import gettext_lazy as _

from tests.factories import UserFactory
from vangnet.notifications import kinds, selectors, services
from vangnet.notifications.models import Notification, NotificationPreference
from vangnet.notifications.tasks import send_notification_email

pytestmark = pytest.mark.django_db

TEST_KIND = kinds.register(kinds.NotificationKind(
    code="test_reminder", label=_("Test reminder"), message=_("Case %(case)s is due on %(due)s"),
))


def test_unknown_kind_is_refused():
    with pytest.raises(LookupError):
        services.notify([UserFactory()], "no_such_kind")


def test_kind_cannot_be_redefined():
    with pytest.raises(ValueError, match="twice"):
        kinds.register(kinds.NotificationKind(code="test_reminder", label="x", message="y"))


def test_notify_defaults_to_in_app_and_counts_unread():
    user = UserFactory()
    services.notify([user], "test_reminder")
    assert selectors.unread_count(user) == 1
    assert services.mark_read(user) == 1
    assert selectors.unread_count(user) == 0


def test_dedupe_key_makes_notify_idempotent():
    user = UserFactory()
    services.notify([user], "test_reminder", dedupe_key="deadline:1:3")
    services.notify([user], "test_reminder", dedupe_key="deadline:1:3")
    assert Notification.objects.filter(recipient=user).count() == 1


def test_preference_turns_a_kind_off_and_inactive_users_get_nothing():
    user, inactive = UserFactory(), UserFactory(is_active=False)
    NotificationPreference.objects.create(user=user, kind="test_reminder", in_app=False, by_email=False)
    assert services.notify([user, inactive], "test_reminder") == []


def test_email_holds_a_link_and_no_personal_data(django_capture_on_commit_callbacks):
    user = UserFactory(email="coordinator@example.org", first_name="Geheime", last_name="Naam")
    NotificationPreference.objects.create(user=user, kind="test_reminder", in_app=True, by_email=True)
    [note] = services.notify([user], "test_reminder", url="/cases/")
    send_notification_email.call(note.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coordinator@example.org"]
    assert "/cases/" in message.body
    assert "Geheime" not in message.body and "Naam" not in message.body
    note.refresh_from_db()
    assert note.emailed_at is not None
    send_notification_email.call(note.pk)  # sent once
    assert len(mail.outbox) == 1
