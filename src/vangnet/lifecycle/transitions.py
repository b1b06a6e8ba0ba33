"""The explicit transition table of a data-subject request (GDPR art. 12(3): answer within one month,
extendable once by two further months when the request is complex or there are many)."""

from __future__ import annotations

from vangnet.lifecycle.models import RequestStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.IN_PROGRESS, S.REFUSED}),
    S.IN_PROGRESS: frozenset({S.EXTENDED, S.COMPLETED, S.PARTLY_REFUSED, S.REFUSED}),
    S.EXTENDED: frozenset({S.COMPLETED, S.PARTLY_REFUSED, S.REFUSED}),
    S.COMPLETED: frozenset(),
    S.PARTLY_REFUSED: frozenset(),
    S.REFUSED: frozenset(),
}

CLOSED_STATUSES = frozenset({S.COMPLETED, S.PARTLY_REFUSED, S.REFUSED})
#: A refusal (whole or partial) must be explained to the person (art. 12(4)); an extension too (art. 12(3)).
NOTE_REQUIRED = frozenset({S.REFUSED, S.PARTLY_REFUSED, S.EXTENDED})


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def next_statuses(from_status: str) -> list[str]:
    order = list(S.values)
    return sorted(TRANSITIONS.get(from_status, frozenset()), key=order.index)
