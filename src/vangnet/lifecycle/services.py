"""Write paths for data-subject requests (GDPR art. 12, 15-18): one service per action.

Every service locks the request row, checks the transition table, appends to the history and writes a
processing log entry; timeline lines use message ids with values (rendered in the reader's language).
"""

from __future__ import annotations

import calendar
import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from vangnet.accounts.models import OrganisationType
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.cases.models import Case, CaseEvent, CaseStatus
from vangnet.cases.services import add_event
from vangnet.lifecycle import retention
from vangnet.lifecycle.models import (
    DataSubjectRequest,
    DataSubjectRequestStatusChange,
    ProcessingRestriction,
    RequestKind,
    RequestStatus,
)
from vangnet.lifecycle.transitions import CLOSED_STATUSES, NOTE_REQUIRED, is_allowed
from vangnet.signals.models import Signal


class RequestError(Exception):
    """A request that cannot be carried out; the message is shown to the functional admin."""


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole calendar months; a day that does not exist becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def due_date(received_on: datetime.date) -> datetime.date:
    """GDPR art. 12(3): answer without undue delay and at the latest one month after receipt."""
    return add_months(received_on, 1)


def linked_cases(case: Case) -> list[Case]:
    """Every case of the same person: those sharing the person key (set by linkage), else the case alone."""
    queryset = Case.objects.select_related("lead_organisation", "municipality", "region")
    if case.person_key:
        return list(queryset.filter(person_key=case.person_key).order_by("opened_at", "id"))
    return [case]


def _reference(pk: int, year: int) -> str:
    return f"AVG-{year}-{pk:05d}"


def create_request(*, kind: str, case: Case, received_on: datetime.date, details: str, actor: Any
                   ) -> DataSubjectRequest:
    if kind not in RequestKind.values:
        raise RequestError(_("Choose the kind of request."))
    if received_on > timezone.localdate():
        raise RequestError(_("The date of receipt cannot be in the future."))
    with transaction.atomic():
        request = DataSubjectRequest.objects.create(
            reference=f"tmp-{uuid.uuid4().hex[:16]}", kind=kind, case=case, received_on=received_on,
            due_on=due_date(received_on), details=details, organisation=actor.organisation, created_by=actor,
        )
        request.reference = _reference(request.pk, received_on.year)
        request.save(update_fields=["reference"])
        DataSubjectRequestStatusChange.objects.create(request=request, from_status="",
                                                      to_status=RequestStatus.RECEIVED, actor=actor,
                                                      actor_label=actor.username)
        log_processing("data_subject_requests", Action.CREATE, subject=case, obj=request,
                       fields=["kind", "received_on", "details"], actor=actor)
    return request


def change_status(request_id: int, to_status: str, *, actor: Any, note: str = "", outcome: str | None = None
                  ) -> DataSubjectRequest:
    """The only way a request changes status: lock, check the transition table, append, log."""
    with transaction.atomic():
        request = DataSubjectRequest.objects.select_for_update().get(pk=request_id)
        if not is_allowed(request.status, to_status):
            raise RequestError(_("A request with status “%(from)s” cannot become “%(to)s”.") % {
                "from": RequestStatus(request.status).label, "to": RequestStatus(to_status).label})
        if to_status in NOTE_REQUIRED and not note.strip():
            raise RequestError(_("Explain the reason; the person must be told why (GDPR art. 12)."))
        old_due = request.due_on
        if to_status == RequestStatus.EXTENDED:
            if timezone.localdate() > request.due_on:
                raise RequestError(_("An extension must be announced within the first month; that month is over."))
            request.due_on = add_months(request.due_on, 2)
        if outcome is not None:
            request.outcome = outcome
        if to_status in CLOSED_STATUSES:
            request.closed_at = timezone.now()
        DataSubjectRequestStatusChange.objects.create(request=request, from_status=request.status,
                                                      to_status=to_status, note=note[:500], actor=actor,
                                                      actor_label=actor.username)
        changes: dict[str, Any] = {"status": {"old": request.status, "new": to_status}}
        if request.due_on != old_due:
            changes["due_on"] = {"old": old_due.isoformat(), "new": request.due_on.isoformat()}
        request.status = to_status
        request.save(update_fields=["status", "due_on", "outcome", "closed_at"])
        log_processing("data_subject_requests", Action.UPDATE, subject=request.case, obj=request,
                       fields=sorted(["status", *(["outcome"] if outcome is not None else [])]), changes=changes,
                       actor=actor)
    return request


def _require_open(request: DataSubjectRequest, kind: str) -> None:
    if request.kind != kind:
        raise RequestError(_("This action does not belong to this kind of request."))
    if not request.is_open:
        raise RequestError(_("The request is closed."))


def _start(request: DataSubjectRequest, actor: Any) -> None:
    if request.status == RequestStatus.RECEIVED:
        change_status(request.pk, RequestStatus.IN_PROGRESS, actor=actor)
        request.refresh_from_db()


# --- access (art. 15) ----------------------------------------------------------------------------


def record_access_export(request: DataSubjectRequest, *, actor: Any, fmt: str) -> None:
    """Each export of the access report is a processing of everything in it: log one entry per case."""
    for case in linked_cases(request.case):
        log_processing("data_subject_access", Action.EXPORT, subject=case, obj=request,
                       fields=["signals", "consents", "status_history", "timeline", "processing_log", fmt],
                       actor=actor)


# --- rectification (art. 16) ---------------------------------------------------------------------

RECTIFIABLE_FIELDS = ("given_names", "family_name", "aliases", "birth_date", "document_number")


def rectify(request: DataSubjectRequest, signal_reference: str, changes: dict[str, Any], *, actor: Any) -> Signal:
    _require_open(request, RequestKind.RECTIFICATION)
    case_ids = [c.pk for c in linked_cases(request.case)]
    unknown = set(changes) - set(RECTIFIABLE_FIELDS)
    if unknown:
        raise RequestError(_("These details cannot be corrected here."))
    with transaction.atomic():
        signal = Signal.objects.select_for_update().filter(reference=signal_reference, case_id__in=case_ids).first()
        if signal is None:
            raise RequestError(_("That signal does not belong to this person."))
        changed = [name for name, value in changes.items() if getattr(signal, name) != value]
        if not changed:
            raise RequestError(_("Nothing was changed."))
        for name in changed:
            setattr(signal, name, changes[name])
        if "birth_date" in changed and signal.birth_date:
            signal.birth_year = signal.birth_date.year
        signal.save(update_fields=[*changed, *(["birth_year"] if "birth_date" in changed else [])])
        add_event(signal.case, CaseEvent.Kind.NOTE,
                  gettext_noop("Details of signal %(signal)s corrected at the person's request %(request)s"),
                  {"signal": signal.reference, "request": request.reference}, actor=actor,
                  organisation=actor.organisation)
        log_processing("data_subject_requests", Action.UPDATE, subject=signal.case, obj=signal, fields=changed,
                       changes={name: {"changed": True} for name in changed}, actor=actor)
    _start(request, actor)
    return signal


# --- restriction (art. 18) -----------------------------------------------------------------------


def restrict(request: DataSubjectRequest, *, actor: Any) -> int:
    _require_open(request, RequestKind.RESTRICTION)
    created = 0
    with transaction.atomic():
        active = set(ProcessingRestriction.objects.filter(lifted_at__isnull=True).values_list("case_id", flat=True))
        for case in linked_cases(request.case):
            if case.pk in active:
                continue
            ProcessingRestriction.objects.create(request=request, case=case)
            add_event(case, CaseEvent.Kind.NOTE,
                      gettext_noop("Processing restricted at the person's request %(request)s"),
                      {"request": request.reference}, actor=actor, organisation=actor.organisation)
            log_processing("data_subject_requests", Action.UPDATE, subject=case, obj=request, fields=["restriction"],
                           actor=actor)
            created += 1
    _start(request, actor)
    return created


def lift_restriction(request: DataSubjectRequest, *, actor: Any) -> int:
    with transaction.atomic():
        active = list(ProcessingRestriction.objects.select_for_update()
                      .filter(request=request, lifted_at__isnull=True).select_related("case"))
        for restriction in active:
            restriction.lifted_at = timezone.now()
            restriction.save(update_fields=["lifted_at"])
            add_event(restriction.case, CaseEvent.Kind.NOTE,
                      gettext_noop("Restriction of processing lifted (%(request)s)"),
                      {"request": request.reference}, actor=actor, organisation=actor.organisation)
            log_processing("data_subject_requests", Action.UPDATE, subject=restriction.case, obj=request,
                           fields=["restriction"], actor=actor)
    return len(active)


def active_restrictions(cases: list[Case]) -> set[int]:
    return set(ProcessingRestriction.objects.filter(case__in=cases, lifted_at__isnull=True)
               .values_list("case_id", flat=True))


# --- erasure (art. 17) ---------------------------------------------------------------------------

#: Signals from these organisations are also criminal-investigation data (Wet politiegegevens / Wjsg).
INVESTIGATION_TYPES = frozenset({OrganisationType.POLICE, OrganisationType.KMAR,
                                  OrganisationType.LABOUR_INSPECTORATE, OrganisationType.PUBLIC_PROSECUTOR})

ERASURE_EXCEPTIONS = {
    "case_open": (
        _("The case is still open"),
        _("The data are needed for the help and protection that is still going on. The law allows keeping "
          "them while that task lasts (GDPR art. 17(3)(b)). Ask again when the case is closed."),
    ),
    "investigation": (
        _("Criminal-investigation data"),
        _("This signal came from an investigation service. The same data are part of a criminal "
          "investigation, where the Police Data Act (Wpg) applies instead of the GDPR (GDPR art. 2(2)(d)). "
          "The person can ask the police or the public prosecutor. Vangnet keeps this signal until its "
          "retention period ends, so it stays consistent with the investigation (GDPR art. 17(3)(b))."),
    ),
    "restricted": (
        _("Processing is restricted"),
        _("The person asked to restrict processing (GDPR art. 18), for example to keep the data for a legal "
          "claim. Lift the restriction first if the person now wants the data erased."),
    ),
}


@dataclass(frozen=True)
class ErasureItem:
    signal: Signal
    erasable: bool
    exception: str = ""

    @property
    def exception_title(self) -> str:
        return str(ERASURE_EXCEPTIONS[self.exception][0]) if self.exception else ""

    @property
    def exception_text(self) -> str:
        return str(ERASURE_EXCEPTIONS[self.exception][1]) if self.exception else ""


def erasure_plan(request: DataSubjectRequest) -> list[ErasureItem]:
    """Per signal of the person: may it be erased now, and if not, which exception of the law applies."""
    cases = linked_cases(request.case)
    restricted = active_restrictions(cases)
    items = []
    signals = (Signal.objects.filter(case__in=cases).select_related("case", "reporting_organisation")
               .order_by("submitted_at", "id"))
    for signal in signals:
        if signal.case.status != CaseStatus.CLOSED:
            items.append(ErasureItem(signal, False, "case_open"))
        elif signal.reporting_organisation.type in INVESTIGATION_TYPES:
            items.append(ErasureItem(signal, False, "investigation"))
        elif signal.case_id in restricted:
            items.append(ErasureItem(signal, False, "restricted"))
        else:
            items.append(ErasureItem(signal, True))
    return items


def erase(request: DataSubjectRequest, *, actor: Any) -> tuple[int, int]:
    """Erase what the law allows (identity, account, names around the case); returns (erased, kept)."""
    _require_open(request, RequestKind.ERASURE)
    plan = erasure_plan(request)
    erasable = [item.signal for item in plan if item.erasable]
    with transaction.atomic():
        ids = [s.pk for s in erasable]
        if ids:
            retention.erase_identity(ids)
            retention.erase_account(ids)
            retention.anonymise_signals(ids)
        fully_erasable_cases = {s.case_id for s in erasable} - {i.signal.case_id for i in plan if not i.erasable}
        if fully_erasable_cases:
            retention.anonymise_cases(sorted(fully_erasable_cases))
        for signal in erasable:
            add_event(signal.case, CaseEvent.Kind.NOTE,
                      gettext_noop("Identifying data of signal %(signal)s erased at the person's request %(request)s"),
                      {"signal": signal.reference, "request": request.reference}, actor=actor,
                      organisation=actor.organisation)
            log_processing("data_subject_requests", Action.DELETE, subject=signal.case, obj=signal,
                           fields=[*retention.IDENTITY_FIELDS, "birth_date", "account", "reporter_label"], actor=actor)
    _start(request, actor)
    return len(erasable), len(plan) - len(erasable)


# --- reminders -----------------------------------------------------------------------------------

#: Remind the handlers this many days before a request's deadline (and every day once it has passed).
REMIND_DAYS_BEFORE = 7


def remind_due_requests(today: datetime.date | None = None) -> int:
    """Notify the functional admins of the handling organisation of every open request due within
    ``REMIND_DAYS_BEFORE`` days or overdue; once per request and deadline (an extension reminds again)."""
    from django.urls import reverse

    from vangnet.accounts.models import Role, User
    from vangnet.lifecycle.apps import REQUEST_DUE
    from vangnet.notifications.services import notify

    today = today or timezone.localdate()
    due = (DataSubjectRequest.objects.exclude(status__in=CLOSED_STATUSES)
           .filter(due_on__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE)).select_related("case"))
    sent = 0
    for request in due:
        handlers = User.objects.filter(organisation_id=request.organisation_id, role=Role.FUNCTIONAL_ADMIN,
                                       is_active=True)
        sent += len(notify(handlers, REQUEST_DUE, case=request.case, due_on=request.due_on,
                           url=reverse("lifecycle:detail", args=[request.reference]),
                           dedupe_key=f"{REQUEST_DUE}:{request.pk}:{request.due_on.isoformat()}"))
    return sent
