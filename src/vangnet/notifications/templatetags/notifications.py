from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from vangnet.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_badge.html", takes_context=True)
def notification_badge(context: Any) -> dict[str, Any]:
    """The header badge: the number of unread notifications, refreshed by htmx; a plain link without JS."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread": None}
    return {"unread": unread_count(user), "poll_seconds": settings.NOTIFICATIONS_POLL_SECONDS}
