"""Writes on cases. One write path per action: lock the row, append history, log, emit after commit."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vangnet.accounts.models import Organisation, OrganisationType
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    CaseStatusChange,
    Consent,
    ConsentPurpose,
    ConsentStatus,
    Involvement,
    InvolvementRole,
)
from vangnet.cases.timeline import choice
from vangnet.cases.transitions import REASON_REQUIRED, is_allowed
from vangnet.regions.models import Municipality


class TransitionNotAllowed(Exception):
    def __init__(self, from_status: str, to_status: str) -> None:
        super().__init__(
            _("A case with status “%(from)s” cannot change to “%(to)s”.")
            % {"from": CaseStatus(from_status).label, "to": CaseStatus(to_status).label}
        )


class ReasonRequired(Exception):
    pass


def lead_organisation_for(municipality: Municipality) -> Organisation:
    """The regional care coordination leads; without one, the national coordination centre does."""
    lead = (
        Organisation.objects.filter(
            type=OrganisationType.CARE_COORDINATION, region_id=municipality.police_unit_id, is_active=True
        )
        .order_by("pk")
        .first()
    )
    if lead is None:
        lead = Organisation.objects.filter(
            type=OrganisationType.NATIONAL_COORDINATION_CENTRE, is_active=True
        ).order_by("pk").first()
    if lead is None:
        raise Organisation.DoesNotExist("No care coordination or national coordination centre is configured")
    return lead


def _reference(prefix: str, pk: int, year: int) -> str:
    return f"{prefix}-{year}-{pk:06d}"


def open_case(*, municipality: Municipality, urgency: str, is_minor: bool, actor: Any, organisation: Organisation,
              at: Any = None) -> Case:
    """Create a case led by the region's care coordination, with its first status row."""
    at = at or timezone.now()
    lead = lead_organisation_for(municipality)
    case = Case.objects.create(
        reference=uuid.uuid4().hex[:20], municipality=municipality, region_id=municipality.police_unit_id,
        lead_organisation=lead, urgency=urgency, is_minor=is_minor, opened_at=at, updated_at=at,
    )
    case.reference = _reference("VN", case.pk, at.year)
    Case.objects.filter(pk=case.pk).update(reference=case.reference)
    CaseStatusChange.objects.create(case=case, from_status="", to_status=CaseStatus.NEW, actor=actor,
                                    organisation=organisation, at=at)
    involve(case, lead, InvolvementRole.LEAD, actor=actor, at=at, log=False)
    add_event(case, CaseEvent.Kind.OPENED, gettext_noop("Case opened, led by %(org)s"), {"org": lead.name},
              actor=actor, organisation=organisation, at=at)
    return case


def involve(case: Case, organisation: Organisation, role: str, *, purpose: str = "", actor: Any = None,
            at: Any = None, log: bool = True) -> Involvement:
    existing = Involvement.objects.active().filter(case=case, organisation=organisation, role=role,
                                                   purpose=purpose).first()
    if existing:
        return existing
    involvement = Involvement.objects.create(case=case, organisation=organisation, role=role, purpose=purpose,
                                             started_at=at or timezone.now())
    if log:
        add_event(case, CaseEvent.Kind.INVOLVEMENT, gettext_noop("%(org)s involved: %(role)s"),
                  {"org": organisation.name, "role": choice(InvolvementRole(role))},
                  actor=actor, organisation=getattr(actor, "organisation", None), at=at)
    return involvement


def add_event(case: Case, kind: str, message: str, params: dict[str, Any] | None = None, *, actor: Any = None,
              organisation: Any = None, at: Any = None) -> CaseEvent:
    """Append a timeline line. ``message`` is an English message id (mark it with ``gettext_noop``) with
    ``%(name)s`` placeholders filled from ``params`` when the line is read, in the reader's language.

    Param values are plain values or typed codes and dates (``vangnet.cases.timeline``: ``choice``, ``code``,
    ``date``, ``datetime``), rendered in the reader's language; leave it out for a message without placeholders.
    """
    return CaseEvent.objects.create(case=case, kind=kind, message=str(message)[:300], params=params or {}, actor=actor,
                                    organisation=organisation, at=at or timezone.now())


def change_status(case_id: int, to_status: str, *, actor: Any, reason: str = "", note: str = "",
                  at: Any = None) -> Case:
    """The only way a case changes status: lock, check the transition table, append, log."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if not is_allowed(case.status, to_status):
            raise TransitionNotAllowed(case.status, to_status)
        if to_status in REASON_REQUIRED and not reason:
            raise ReasonRequired(_("Give a reason for closing the case."))
        now = at or timezone.now()
        old = {"status": case.status, "close_reason": case.close_reason}
        CaseStatusChange.objects.create(case=case, from_status=case.status, to_status=to_status, reason=reason,
                                        note=note[:500], actor=actor, organisation=actor.organisation, at=now)
        case.status = to_status
        case.updated_at = now
        if to_status == CaseStatus.CLOSED:
            case.closed_at, case.close_reason = now, reason
        else:
            case.closed_at, case.close_reason = None, ""
        case.save(update_fields=["status", "updated_at", "closed_at", "close_reason", "urgency_rank",
                                 "open_rank"])
        add_event(case, CaseEvent.Kind.STATUS, gettext_noop("Status changed from “%(from)s” to “%(to)s”"),
                  {"from": choice(CaseStatus(old["status"])), "to": choice(CaseStatus(to_status))},
                  actor=actor, organisation=actor.organisation, at=now)
        log_processing("case_management", Action.UPDATE, subject=case, obj=case, fields=["status"],
                       changes={"status": {"old": old["status"], "new": to_status},
                                "close_reason": {"old": old["close_reason"], "new": case.close_reason}})
    return case


def set_urgency(case: Case, urgency: str) -> None:
    case.urgency = urgency
    case.save(update_fields=["urgency", "urgency_rank"])


def record_consent(case: Case, *, purpose: str, status: str, obtained_by: str, obtained_on: Any,
                   method: str = "verbal", actor: Any) -> Consent:
    consent = Consent.objects.create(case=case, purpose=purpose, status=status, obtained_by=obtained_by,
                                     obtained_on=obtained_on, method=method, recorded_by=actor)
    add_event(case, CaseEvent.Kind.CONSENT, gettext_noop("Consent for “%(purpose)s”: %(status)s"),
              {"purpose": choice(ConsentPurpose(purpose)), "status": choice(ConsentStatus(status))},
              actor=actor, organisation=getattr(actor, "organisation", None))
    log_processing("consent_management", Action.CREATE, subject=case, obj=consent,
                   fields=["purpose", "status", "obtained_by", "obtained_on", "method"])
    return consent



# --- the caseload: assignment, last seen, notes, saved filters ---------------------------------------


class AssignmentRefused(Exception):
    pass


def assignable_users(case: Case) -> Any:
    """The named coordinators a case can be assigned to: active care coordinators of the lead organisation."""
    from vangnet.accounts.models import Role, User

    return User.objects.filter(organisation_id=case.lead_organisation_id, role=Role.CARE_COORDINATOR,
                               is_active=True).order_by("first_name", "last_name", "username")


def assign(case_id: int, assignee: Any, *, actor: Any) -> Case:
    """Assign a case to a care coordinator of its lead organisation (``assignee=None`` unassigns).

    Lock the row, write the timeline line and the processing log; the assignee is told after commit when
    someone else assigned the case to them.
    """
    from vangnet.accounts.models import Role

    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if actor.role != Role.CARE_COORDINATOR or actor.organisation_id != case.lead_organisation_id:
            raise AssignmentRefused(_("Only a care coordinator of the lead organisation can assign this case."))
        if assignee is not None and not assignable_users(case).filter(pk=assignee.pk).exists():
            raise AssignmentRefused(_("This person is not a care coordinator of the lead organisation."))
        old = case.assigned_to_id
        if old == (assignee.pk if assignee else None):
            return case
        now = timezone.now()
        case.assigned_to, case.assigned_at, case.updated_at = assignee, now if assignee else None, now
        case.save(update_fields=["assigned_to", "assigned_at", "updated_at", "urgency_rank", "open_rank"])
        if assignee is None:
            add_event(case, CaseEvent.Kind.ASSIGNMENT, gettext_noop("Case unassigned"), {},
                      actor=actor, organisation=actor.organisation, at=now)
        else:
            add_event(case, CaseEvent.Kind.ASSIGNMENT, gettext_noop("Case assigned to %(name)s"),
                      {"name": assignee.display_name}, actor=actor, organisation=actor.organisation, at=now)
        log_processing("case_management", Action.UPDATE, subject=case, obj=case, fields=["assigned_to"],
                       changes={"assigned_to": {"old": old, "new": assignee.pk if assignee else None}})
        if assignee is not None:
            from vangnet.cases.events import case_assigned

            case_pk, assignee_pk, actor_pk = case.pk, assignee.pk, actor.pk
            transaction.on_commit(lambda: case_assigned.send(sender=Case, case_id=case_pk, assignee_id=assignee_pk,
                                                             actor_id=actor_pk))
    return case


def mark_seen(user: Any, case: Case, *, at: Any = None) -> None:
    """Remember that ``user`` opened the case page now (for "changed since you last looked")."""
    from vangnet.cases.models import CaseSeen

    # one upsert, the same single query on a first and on a later visit
    CaseSeen.objects.bulk_create([CaseSeen(user=user, case=case, seen_at=at or timezone.now())],
                                 update_conflicts=True, unique_fields=["user", "case"], update_fields=["seen_at"])


def add_note(case: Case, *, text: str, actor: Any) -> Any:
    from vangnet.cases.models import CaseNote

    text = text.strip()
    if not text:
        raise ValueError("empty note")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        now = timezone.now()
        note = CaseNote.objects.create(case=locked, author=actor, organisation=actor.organisation, text=text[:5000],
                                       created_at=now)
        locked.updated_at = now
        locked.save(update_fields=["updated_at", "urgency_rank", "open_rank"])
        add_event(locked, CaseEvent.Kind.NOTE, gettext_noop("Note added"), {}, actor=actor,
                  organisation=actor.organisation, at=now)
        log_processing("case_management", Action.CREATE, subject=locked, obj=note, fields=["note"])
    return note


def save_filter(user: Any, name: str, query: str) -> Any:
    from vangnet.cases.models import SavedFilter

    saved, _created = SavedFilter.objects.update_or_create(user=user, name=name.strip()[:60],
                                                            defaults={"query": query[:500]})
    return saved


def delete_filter(user: Any, filter_id: int) -> int:
    from vangnet.cases.models import SavedFilter

    return SavedFilter.objects.filter(user=user, pk=filter_id).delete()[0]


def add_attachment(case: Case, *, name: str, data: bytes, actor: Any) -> Any:
    """Check (size, sniffed type, virus scan) and store an attachment encrypted. Raises
    ``attachments.AttachmentRefused`` with a plain-language reason; nothing is stored then."""
    import hashlib
    import os

    from vangnet.cases import attachments
    from vangnet.cases.models import CaseAttachment, CaseAttachmentContent

    name = os.path.basename(name.replace("\\", "/")).strip()[:200] or "bestand"
    checked = attachments.check(name, data)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        now = timezone.now()
        attachment = CaseAttachment.objects.create(
            case=locked, uploaded_by=actor, organisation=actor.organisation, filename=name, kind=checked.kind,
            content_type=checked.content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            scan_status=checked.scan.status, created_at=now)
        CaseAttachmentContent.objects.create(attachment=attachment, data=data)
        locked.updated_at = now
        locked.save(update_fields=["updated_at", "urgency_rank", "open_rank"])
        add_event(locked, CaseEvent.Kind.ATTACHMENT, gettext_noop("Attachment added (%(kind)s)"),
                  {"kind": checked.kind.upper()}, actor=actor, organisation=actor.organisation, at=now)
        log_processing("case_management", Action.CREATE, subject=locked, obj=attachment,
                       fields=["attachment", "filename"])
    return attachment
