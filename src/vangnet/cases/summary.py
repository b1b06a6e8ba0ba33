"""The summary card at the top of the case page (and of the printed summary): what a coordinator needs at a
glance. Asks for the next deadline through ``cases.deadlines`` and reads "in shelter" from the case's own
status and involvements, so ``cases`` imports none of the apps that work on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef

from vangnet.cases.deadlines import with_next_deadline
from vangnet.cases.models import Case, CaseStatus, Involvement, InvolvementRole


@dataclass(frozen=True)
class CaseSummary:
    next_deadline: date | None
    in_shelter: bool
    assignee: Any


def case_summary(case: Case) -> CaseSummary:
    """One query, whatever the case: next deadline, assignee and a shelter involvement together."""
    shelter = Involvement.objects.active().filter(case_id=OuterRef("pk"), role=InvolvementRole.SHELTER)
    row = (with_next_deadline(Case.objects.filter(pk=case.pk)).annotate(has_shelter=Exists(shelter))
           .select_related("assigned_to").first())
    if row is None:
        return CaseSummary(next_deadline=None, in_shelter=case.status == CaseStatus.PLACED, assignee=None)
    return CaseSummary(next_deadline=row.next_deadline,  # type: ignore[attr-defined]
                       in_shelter=case.status == CaseStatus.PLACED or row.has_shelter,  # type: ignore[attr-defined]
                       assignee=row.assigned_to)
