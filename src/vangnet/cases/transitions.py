"""The allowed status transitions of a case: an explicit table, nothing else is possible."""

from __future__ import annotations

from vangnet.cases.models import CaseStatus

S = CaseStatus

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.IN_TRIAGE, S.CLOSED}),
    S.IN_TRIAGE: frozenset({S.IN_CARE, S.PLACED, S.CLOSED}),
    S.IN_CARE: frozenset({S.PLACED, S.CLOSED}),
    S.PLACED: frozenset({S.IN_CARE, S.CLOSED}),
    S.CLOSED: frozenset({S.IN_TRIAGE}),  # reopened when a new signal or new facts arrive
}

#: Transitions that need a reason code.
REASON_REQUIRED: frozenset[str] = frozenset({S.CLOSED})


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())
