"""An organisation's open deadlines as an iCalendar feed (RFC 5545), without personal data.

Each event holds the deadline's name, the case number (a pseudonymous reference) and a link to the case page,
which asks for a login. No name, birth date, nationality or account is ever in the feed.

Access: a secret URL per organisation (calendar apps cannot log in). The token is an HMAC of the organisation
id under ``VANGNET_CALENDAR_FEED_SECRET`` (by default derived from ``SECRET_KEY``); changing that setting
revokes every feed URL at once.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.conf import settings

from vangnet.procedures.models import Deadline


def token_for(organisation_id: int) -> str:
    secret = (settings.VANGNET_CALENDAR_FEED_SECRET or f"calendar-feed:{settings.SECRET_KEY}").encode()
    return hmac.new(secret, f"procedures-calendar:{organisation_id}".encode(), hashlib.sha256).hexdigest()[:40]


def token_ok(organisation_id: int, token: str) -> bool:
    return hmac.compare_digest(token_for(organisation_id), token)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def render(deadlines: Iterable[tuple[Deadline, str]], *, name: str, base_url: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Vangnet//Procedures//NL", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}"]
    for deadline, label in deadlines:
        due: date = deadline.due_on
        url = f"{base_url.rstrip('/')}/cases/{deadline.case.reference}/#procedures"
        lines += [
            "BEGIN:VEVENT",
            f"UID:deadline-{deadline.pk}@vangnet",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{due + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(f'{label} – {deadline.case.reference}')}",
            f"URL:{url}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
