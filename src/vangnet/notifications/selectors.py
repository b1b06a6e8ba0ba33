"""Reads of notifications, rendered in the reader's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.formats import date_format

from vangnet.notifications import kinds
from vangnet.notifications.models import Notification

if TYPE_CHECKING:
    from vangnet.accounts.models import User


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def for_user(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("case")


def render_message(notification: Notification) -> str:
    kind = kinds.get(notification.kind)
    params = {
        "case": notification.case.reference if notification.case_id else "",
        "due": date_format(notification.due_on, "DATE_FORMAT") if notification.due_on else "",
    }
    return str(kind.message) % params


def kind_label(notification: Notification) -> str:
    try:
        return str(kinds.get(notification.kind).label)
    except LookupError:
        return notification.kind


def preferences_for(user: User) -> list[tuple[kinds.NotificationKind, bool, bool]]:
    """Every kind with the user's choice (or the kind's default): (kind, in_app, by_email)."""
    from vangnet.notifications.models import NotificationPreference

    chosen = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for kind in sorted(kinds.all_kinds(), key=lambda k: str(k.label)):
        pref = chosen.get(kind.code)
        rows.append((kind, pref.in_app if pref else kind.in_app, pref.by_email if pref else kind.by_email))
    return rows
