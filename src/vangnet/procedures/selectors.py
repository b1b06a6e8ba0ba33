"""Reads of procedures and deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Expression, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from vangnet.accounts.models import Role
from vangnet.cases.access import CASE_ROLES
from vangnet.cases.models import Case
from vangnet.procedures.definitions import ProcedureDef, StepDef, load
from vangnet.procedures.models import Deadline, Procedure, ProcedureStep


def next_open_deadline() -> Expression:
    """For ``OuterRef('pk')`` of a Case queryset: the earliest due date of its open deadlines (or NULL)."""
    return Subquery(  # type: ignore[return-value]
        Deadline.objects.filter(case_id=OuterRef("pk"), closed_on__isnull=True)
        .order_by().values("case_id").annotate(first=Min("due_on")).values("first")[:1]
    )


def may_record(user: Any, access: Any) -> bool:
    """Writers: case-working staff of an involved organisation (lead, reporter) and the national coordinator.
    A handover recipient reads the procedures its sharing policy lists, and records none."""
    if not user.is_authenticated or user.organisation_id is None:
        return False
    if user.role == Role.NATIONAL_COORDINATOR:
        return access.can("procedures")
    return (user.role in CASE_ROLES and access.can("procedures") and access.basis.startswith("involvement:")
            and access.basis != "involvement:handover")


@dataclass
class StepChoice:
    definition: StepDef
    allowed_here: bool  # the user's organisation type may record it


@dataclass
class ProcedureView:
    procedure: Procedure
    definition: ProcedureDef
    steps: list[ProcedureStep]
    deadlines: list[Deadline]
    next_steps: list[StepChoice]

    @property
    def can_record_here(self) -> bool:
        return any(c.allowed_here for c in self.next_steps)

    @property
    def state_label(self) -> str:
        if self.procedure.state == "start":
            return ""
        last = self.steps[-1] if self.steps else None
        return self.definition.steps[last.code].label if last and last.code in self.definition.steps else ""


def case_procedures(case: Case, org_type: str | None = None) -> list[ProcedureView]:
    data = load()
    procedures = list(Procedure.objects.filter(case=case).prefetch_related("steps", "deadlines"))
    result = []
    for p in procedures:
        definition = data.procedures.get(p.code)
        if definition is None:
            continue
        choices = [StepChoice(s, org_type in s.by) for s in definition.steps_from(p.state)] if p.is_open else []
        result.append(ProcedureView(p, definition, list(p.steps.all()),
                                    sorted(p.deadlines.all(), key=lambda d: (d.closed_on is not None, d.due_on)),
                                    choices))
    return result


def deadline_label(deadline: Deadline) -> str:
    definition = load().procedures.get(deadline.procedure.code)
    d = definition.deadlines.get(deadline.code) if definition else None
    return d.label if d else deadline.code


def startable(case: Case, org_type: str | None) -> list[ProcedureDef]:
    """Procedures the organisation type may start on the case (not already open there)."""
    open_codes = set(Procedure.objects.filter(case=case, is_open=True).values_list("code", flat=True))
    return [p for p in load().procedures.values() if p.code not in open_codes and org_type in p.start_by]


def week_end(today: date) -> date:
    return today + timedelta(days=6 - today.weekday())


def organisation_deadline_filter(organisation_id: int, organisation_type: str) -> Q:
    """The deadlines an organisation may see, as the case page shows them (``cases.access``), written as
    per-deadline EXISTS so the database starts from the (few) open deadlines, not from every case:
    the lead organisation sees every procedure; a reporting organisation while the case is being set up;
    a handover recipient the procedures its purpose's sharing policy lists (fields ``procedure.<code>``)."""
    from django.db.models import Exists

    from vangnet.cases.access import SETTING_UP
    from vangnet.cases.models import Involvement, InvolvementRole
    from vangnet.procedures.panels import FIELD_PREFIX
    from vangnet.sharing.policies import load_policies

    involved = Involvement.objects.active().filter(case_id=OuterRef("case_id"), organisation_id=organisation_id)
    allowed = Q(Exists(involved.filter(role=InvolvementRole.LEAD))) | Q(
        Exists(involved.filter(role=InvolvementRole.REPORTER)), case__status__in=SETTING_UP)
    policies = load_policies()
    received = involved.filter(role__in=[InvolvementRole.HANDOVER, InvolvementRole.SHELTER])
    for purpose in policies.purposes:
        codes = [f[len(FIELD_PREFIX):] for f in policies.fields_for(purpose, organisation_type)
                 if f.startswith(FIELD_PREFIX)]
        if not codes:
            continue
        # a shelter involved through a placement without a handover purpose counts as "shelter" (cases.access)
        by_purpose = Q(purpose=purpose) | (Q(purpose="", role=InvolvementRole.SHELTER) if purpose == "shelter"
                                           else Q(pk__in=[]))
        allowed |= Q(Exists(received.filter(by_purpose)), procedure__code__in=codes)
    return allowed


def _visible_deadline(user: Any) -> Q:
    """The deadlines on cases the user may open, limited to the procedures the user's organisation may see."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.NATIONAL_COORDINATOR:
        return Q()
    if user.role not in CASE_ROLES or user.organisation_id is None:
        return Q(pk__in=[])
    return organisation_deadline_filter(user.organisation_id, user.organisation.type)


#: rows shown per group on the deadlines page (the heading shows the full count)
GROUP_LIMIT = 50


def organisation_deadlines(user: Any, *, today: date | None = None) -> dict[str, Any]:
    """Open deadlines on the cases the user's organisation works on: overdue, due this week (until Sunday), later
    (8 weeks). Each group: at most ``GROUP_LIMIT`` rows, soonest first, and the full count."""
    today = today or timezone.localdate()
    end = week_end(today)
    base: QuerySet[Deadline] = Deadline.objects.filter(closed_on__isnull=True,
                                                       due_on__lte=today + timedelta(weeks=8))
    base = base.filter(_visible_deadline(user))
    counts = base.aggregate(overdue=Count("pk", filter=Q(due_on__lt=today)),
                            week=Count("pk", filter=Q(due_on__gte=today, due_on__lte=end)),
                            later=Count("pk", filter=Q(due_on__gt=end)))
    ranges = {"overdue": Q(due_on__lt=today), "week": Q(due_on__gte=today, due_on__lte=end),
              "later": Q(due_on__gt=end)}
    return {
        key: {"rows": list(base.filter(q).select_related("case", "procedure").order_by("due_on", "id")[:GROUP_LIMIT])
              if counts[key] else [], "count": counts[key]}
        for key, q in ranges.items()
    }


def feed_deadlines(organisation_id: int) -> QuerySet[Deadline]:
    """Open deadlines an organisation may see on the cases it is actively involved in (for its calendar feed)."""
    from vangnet.accounts.models import Organisation

    org_type = Organisation.objects.filter(pk=organisation_id).values_list("type", flat=True).first()
    if org_type is None:
        return Deadline.objects.none()
    return Deadline.objects.filter(organisation_deadline_filter(organisation_id, org_type),
                                   closed_on__isnull=True).select_related(
        "case", "procedure").order_by("due_on", "id")[:2000]
