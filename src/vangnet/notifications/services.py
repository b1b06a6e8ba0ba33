"""The one write path for notifications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from vangnet.notifications import kinds
from vangnet.notifications.models import Notification, NotificationPreference

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.cases.models import Case


def notify(
    recipients: Iterable[User], kind: str, *, case: Case | None = None, url: str = "",
    due_on: date | None = None, dedupe_key: str = "",
) -> list[Notification]:
    """Notify each recipient as they chose (in-app and/or e-mail). Returns the stored notifications.

    With ``dedupe_key`` the call is idempotent per recipient (a reminder is not sent twice).
    E-mail is sent by a task after the surrounding transaction commits.
    """
    definition = kinds.get(kind)
    users = [u for u in recipients if u.is_active]
    prefs = {
        p.user_id: p for p in NotificationPreference.objects.filter(user__in=users, kind=kind)
    }
    created: list[Notification] = []
    for user in users:
        pref = prefs.get(user.pk)
        in_app = pref.in_app if pref else definition.in_app
        by_email = (pref.by_email if pref else definition.by_email) and bool(user.email)
        if not (in_app or by_email):
            continue
        if dedupe_key and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists():
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user, kind=kind, case=case, url=url, due_on=due_on, dedupe_key=dedupe_key,
                    read_at=None if in_app else timezone.now(),
                )
        except IntegrityError:  # a concurrent notify with the same key won
            continue
        created.append(notification)
        if by_email:
            transaction.on_commit(lambda pk=notification.pk: _enqueue_email(pk))
    return created


def _enqueue_email(notification_id: int) -> None:
    from vangnet.notifications.tasks import send_notification_email

    send_notification_email.enqueue(notification_id)


def mark_read(user: User, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def set_preferences(user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store the user's choice per kind: ``{code: (in_app, by_email)}``. Unknown codes are ignored."""
    with transaction.atomic():
        for code, (in_app, by_email) in choices.items():
            try:
                kinds.get(code)
            except LookupError:
                continue
            NotificationPreference.objects.update_or_create(user=user, kind=code,
                                                            defaults={"in_app": in_app, "by_email": by_email})
