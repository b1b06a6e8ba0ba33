"""The security log: one write path, and the alert when a threshold is crossed.

``record(kind, ...)`` stores a ``SecurityEvent``. When the alerting kinds (failed logins, lockouts, refused
case accesses) reach ``VANGNET_SECURITY_ALERT_THRESHOLD`` within ``VANGNET_SECURITY_ALERT_WINDOW_MINUTES``,
and on every lockout, ``events.security_alert_raised`` is sent after commit (at most one per window, per
cause); ``vangnet.notifications`` subscribes and tells the active functional administrators with a
``security_alert`` notification. The alert carries no personal data: a link to the security log.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from vangnet.audit.events import security_alert_raised
from vangnet.audit.models import ALERTING_KINDS, SecurityEvent, SecurityEventKind
from vangnet.core.clientip import client_ip

log = logging.getLogger("vangnet.security")
SECURITY_LOG_URL = "/log/security/"


def record(kind: str, *, request: HttpRequest | None = None, user: Any = None, username: str = "",
           detail: dict[str, Any] | None = None) -> SecurityEvent:
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    event = SecurityEvent.objects.create(
        kind=kind,
        username=(username or getattr(user, "username", "") or "")[:150],
        user=user if getattr(user, "pk", None) else None,
        ip_address=client_ip(request) if request is not None else None,
        path=(request.path[:300] if request is not None else ""),
        detail=detail or {},
    )
    log.warning("security event %s user=%s ip=%s", kind, event.username, event.ip_address)
    if kind in ALERTING_KINDS:
        transaction.on_commit(lambda: check_threshold(event))
    return event


def check_threshold(event: SecurityEvent) -> bool:
    """Raise the alert when the threshold is crossed (or on a lockout). Runs after commit (``record``).
    Returns whether a subscriber alerted anyone."""
    window = datetime.timedelta(minutes=settings.VANGNET_SECURITY_ALERT_WINDOW_MINUTES)
    since = event.at - window
    count = SecurityEvent.objects.filter(kind__in=ALERTING_KINDS, at__gt=since, at__lte=event.at).count()
    bucket = int(event.at.timestamp() // window.total_seconds())
    if event.kind == SecurityEventKind.LOCKED_OUT:
        return _raise(event, "lockout", f"security_alert:lockout:{event.username}:{event.ip_address}:{bucket}")
    if count >= settings.VANGNET_SECURITY_ALERT_THRESHOLD:
        return _raise(event, "threshold", f"security_alert:threshold:{bucket}")
    return False


def _raise(event: SecurityEvent, cause: str, dedupe_key: str) -> bool:
    responses = security_alert_raised.send(sender=SecurityEvent, event_id=event.pk, cause=cause,
                                           dedupe_key=dedupe_key, url=SECURITY_LOG_URL)
    return any(bool(response) for _receiver, response in responses)


def recent(kind: str, minutes: int) -> int:
    return SecurityEvent.objects.filter(kind=kind, at__gte=timezone.now() - datetime.timedelta(minutes=minutes)).count()
