"""The summary card at the top of the case page (and of the printed summary): what a coordinator needs at a
glance. Asks for the next deadline through ``cases.deadlines`` and reads "in shelter" from the case's own
status and involvements, so ``cases`` imports none of the apps that work on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from vangnet.cases.deadlines import with_next_deadline
from vangnet.cases.models import Case, CaseStatus, Involvement, InvolvementRole


@dataclass(frozen=True)
class CaseSummary:
    next_deadline: date | None
    in_shelter: bool
    assignee: Any


def case_summary(case: Case) -> CaseSummary:
    row = with_next_deadline(Case.objects.filter(pk=case.pk)).values("next_deadline", "assigned_to").first() or {}
    in_shelter = case.status == CaseStatus.PLACED or Involvement.objects.active().filter(
        case=case, role=InvolvementRole.SHELTER).exists()
    assignee = case.assigned_to if row.get("assigned_to") else None
    return CaseSummary(next_deadline=row.get("next_deadline"), in_shelter=in_shelter, assignee=assignee)
