"""The allowed status transitions of a handover, and which party may make each one."""

from __future__ import annotations

from vangnet.sharing.models import HandoverStatus

S = HandoverStatus

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.ACCEPTED, S.DECLINED, S.REVOKED}),
    S.ACCEPTED: frozenset({S.COMPLETED, S.REVOKED}),
    S.DECLINED: frozenset(),
    S.COMPLETED: frozenset(),
    S.REVOKED: frozenset(),
}

#: Who may move a handover into a status: the receiving or the sending organisation.
PARTY: dict[str, frozenset[str]] = {
    S.ACCEPTED: frozenset({"recipient"}),
    S.DECLINED: frozenset({"recipient"}),
    S.COMPLETED: frozenset({"recipient", "sender"}),
    S.REVOKED: frozenset({"sender"}),
}

REASON_REQUIRED = frozenset({S.DECLINED})


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())
