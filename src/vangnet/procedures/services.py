"""Writes of procedures: one write path per action. Lock, check the data's transitions and who may record,
append the step, open and close deadlines, add a timeline line, log the processing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.cases.models import Case, CaseEvent
from vangnet.cases.services import add_event
from vangnet.procedures.definitions import START, load
from vangnet.procedures.models import Deadline, Procedure, ProcedureStep

ACTIVITY = "legal_procedures"


class ProcedureRefused(Exception):
    """The action is not allowed; the message is plain language for the screen or the API."""

    def __init__(self, message: str, slug: str = "procedure-refused") -> None:
        super().__init__(message)
        self.message = message
        self.slug = slug


def _org_type(organisation: Any) -> str:
    return getattr(organisation, "type", "") or ""


def _check_date(on: date) -> None:
    today = timezone.localdate()
    if on > today:
        raise ProcedureRefused(_("The date cannot be in the future."), "invalid-date")
    if on < today - timedelta(days=366 * 15):
        raise ProcedureRefused(_("The date is more than 15 years ago. Check the year."), "invalid-date")


def _open_deadlines(procedure: Procedure, codes: tuple[str, ...], start: date,
                    step: ProcedureStep | None) -> list[Deadline]:
    definition = load().get(procedure.code)
    created = []
    for code in codes:
        d = definition.deadlines[code]
        created.append(Deadline.objects.create(procedure=procedure, case_id=procedure.case_id, code=code,
                                               rule=d.rule, starts_on=start, due_on=d.due(start), opened_by=step))
    return created


def start_procedure(case: Case, code: str, *, organisation: Any, actor: Any = None, on: date | None = None,
                    route: str = "", check_organisation: bool = True) -> Procedure:
    """Open procedure ``code`` on the case. Its start deadlines (``opens``) run from ``on``."""
    data = load()
    try:
        definition = data.get(code)
    except LookupError:
        raise ProcedureRefused(_("This procedure does not exist."), "unknown-procedure") from None
    if check_organisation and _org_type(organisation) not in definition.start_by:
        raise ProcedureRefused(_("Your organisation cannot start this procedure."), "organisation-not-allowed")
    on = on or timezone.localdate()
    _check_date(on)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if Procedure.objects.filter(case=case, code=code, is_open=True).exists():
            raise ProcedureRefused(_("This procedure is already running on this case."), "already-open")
        try:
            with transaction.atomic():
                procedure = Procedure.objects.create(case=case, code=code, version=data.version, started_on=on,
                                                     started_by=organisation, route=route)
        except IntegrityError:
            raise ProcedureRefused(_("This procedure is already running on this case."), "already-open") from None
        deadlines = _open_deadlines(procedure, definition.opens, on, None)
        add_event(case, CaseEvent.Kind.NOTE, gettext_noop("Procedure started: %(procedure)s"),
                  {"procedure": definition.label_text, "procedure_code": code},
                  actor=actor if getattr(actor, "pk", None) else None, organisation=organisation)
        log_processing(ACTIVITY, Action.CREATE, subject=case, obj=procedure,
                       fields=["procedure", "started_on", *(["deadline"] if deadlines else [])],
                       changes={"procedure": code, "route": route,
                                "deadlines": [d.due_on.isoformat() for d in deadlines]},
                       actor=actor, organisation=organisation)
    return procedure


def record_step(procedure_id: int, step: str, *, on: date, organisation: Any, actor: Any = None,
                document_reference: str = "") -> ProcedureStep:
    """Record one step: it must follow the current state and the organisation's type must be allowed."""
    _check_date(on)
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().select_related("case").get(pk=procedure_id)
        definition = load().get(procedure.code)
        step_def = definition.steps.get(step)
        if step_def is None or not procedure.is_open or not definition.allowed(procedure.state, step):
            raise ProcedureRefused(_("This step cannot be recorded now: it does not follow the current state."),
                                   "transition-not-allowed")
        if _org_type(organisation) not in step_def.by:
            raise ProcedureRefused(_("Your organisation cannot record this step."), "organisation-not-allowed")
        previous = procedure.steps.order_by("-on").values_list("on", flat=True).first() or procedure.started_on
        if on < previous:
            raise ProcedureRefused(_("The date is before the previous step of this procedure."), "invalid-date")
        row = ProcedureStep.objects.create(
            procedure=procedure, code=step, from_state=procedure.state, to_state=step_def.to_state, on=on,
            organisation=organisation, actor=actor if getattr(actor, "pk", None) else None,
            actor_label=getattr(actor, "username", "") or "system", document_reference=document_reference[:100],
        )
        closed = 0
        if step_def.closes:
            closed = Deadline.objects.filter(procedure=procedure, code__in=step_def.closes,
                                             closed_on__isnull=True).update(closed_on=on, closed_by=row)
        opened = _open_deadlines(procedure, step_def.opens, on, row)
        procedure.state = step_def.to_state
        procedure.is_open = step_def.to_state not in definition.final
        procedure.updated_at = timezone.now()
        procedure.save(update_fields=["state", "is_open", "updated_at"])
        if not procedure.is_open:  # a closed procedure keeps no open deadline
            Deadline.objects.filter(procedure=procedure, closed_on__isnull=True).update(closed_on=on, closed_by=row)
        add_event(procedure.case, CaseEvent.Kind.NOTE, gettext_noop("%(procedure)s: %(step)s"),
                  {"procedure": definition.label_text, "step": step_def.label_text,
                   "procedure_code": procedure.code, "step_code": step},
                  actor=actor if getattr(actor, "pk", None) else None, organisation=organisation)
        log_processing(ACTIVITY, Action.UPDATE, subject=procedure.case, obj=row,
                       fields=["step", "date", "document_reference"],
                       changes={"procedure": procedure.code, "step": step,
                                "state": {"old": row.from_state, "new": row.to_state},
                                "deadlines_closed": closed, "deadlines_opened": [d.code for d in opened]},
                       actor=actor, organisation=organisation)
    return row


def start_for_routes(case: Case, routes: list[str], *, on: date | None = None, actor: Any = None) -> list[Procedure]:
    """Triage's route starts the procedures its data marks ``auto_start`` (the Dublin assessment)."""
    started = []
    data = load()
    for route in routes:
        for definition in data.started_by_route(route):
            if not definition.auto_start or Procedure.objects.filter(case=case, code=definition.code).exists():
                continue
            try:
                started.append(start_procedure(case, definition.code, organisation=case.lead_organisation,
                                               actor=actor, on=on, route=route, check_organisation=False))
            except ProcedureRefused:
                continue
    return started


__all__ = ["START", "ProcedureRefused", "record_step", "start_for_routes", "start_procedure"]
