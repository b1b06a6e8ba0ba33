"""The registry of notification kinds. Each app registers its own kinds at start.

A kind has a stable code (stored), a label (shown in preferences) and a message with the named
placeholders ``%(case)s`` (case number) and ``%(due)s`` (a date), rendered at read time in the reader's
language. Messages and e-mails never contain personal data: a case number and a link at most.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: str | Promise
    message: str | Promise
    #: defaults for a user who has not chosen
    in_app: bool = True
    by_email: bool = False


_KINDS: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> NotificationKind:
    existing = _KINDS.get(kind.code)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {kind.code!r} registered twice with different definitions")
    _KINDS[kind.code] = kind
    return kind


def get(code: str) -> NotificationKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"unknown notification kind {code!r}") from None


def all_kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)
