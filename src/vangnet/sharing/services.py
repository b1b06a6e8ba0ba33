"""Writes for sharing. One write path per action: lock the row, check the transition table, append a
status row, log under the handover's trace id, emit after commit."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vangnet.accounts.models import Organisation
from vangnet.audit.context import current, new_trace_id
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.cases.models import Case, CaseEvent, Consent, ConsentStatus, Involvement, InvolvementRole
from vangnet.cases.services import add_event, involve, record_consent
from vangnet.cases.timeline import choice, code
from vangnet.sharing.models import OPEN_STATUSES, ConsentNote, Handover, HandoverStatus, HandoverStatusChange
from vangnet.sharing.policies import load_policies
from vangnet.sharing.selectors import decide, standing
from vangnet.sharing.signals import handover_status_changed
from vangnet.sharing.transitions import PARTY, REASON_REQUIRED, is_allowed


class SharingRefused(Exception):
    """The handover may not be made; ``problems`` says why (plain language, for the screen or the API)."""

    def __init__(self, problems: list[str], slug: str = "sharing-refused") -> None:
        super().__init__(" ".join(problems))
        self.problems = problems
        self.slug = slug


class HandoverNotFound(Exception):
    """Not a party to this handover (or no such handover): answer 404, never 403."""


def _label(actor: Any) -> str:
    ctx = current()
    if actor is not None and getattr(actor, "username", None):
        return str(actor.username)
    return ctx.actor_label if ctx else "system"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _purpose(handover: Handover) -> Any:
    return load_policies().purposes[handover.purpose]


def request_handover(case: Case, *, sender: Organisation, recipient: Organisation | None, purpose: str,
                     message: str = "", actor: Any = None) -> Handover:
    """Send a handover request. The sender's trace id is stored on the handover and carried across."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not standing(sender, case).may_send:
            raise HandoverNotFound
        decision = decide(case, sender, recipient, purpose)
        if not decision.allowed or recipient is None or decision.policy is None:
            raise SharingRefused(decision.problems,
                                 "consent-missing" if decision.consent_missing else "sharing-refused")
        ctx = current()
        trace_id = ctx.trace_id if ctx else new_trace_id()
        now = timezone.now()
        try:
            with transaction.atomic():
                handover = Handover.objects.create(
                    case=case, sender=sender, recipient=recipient, purpose=purpose,
                    legal_basis=decision.policy.basis_for(sender.type) or "", consent=decision.consent,
                    consent_purpose=_purpose_def(purpose).consent_purpose if decision.consent_required else "",
                    policy_version=decision.policy_version, fields=decision.field_codes, message=message[:2000],
                    trace_id=trace_id, requested_by=_user(actor), requested_by_label=_label(actor),
                    created_at=now, updated_at=now,
                )
        except IntegrityError as exc:
            raise SharingRefused([_("There is already an open handover to %(org)s for this purpose.")
                                  % {"org": recipient.name}]) from exc
        HandoverStatusChange.objects.create(handover=handover, from_status="", to_status=HandoverStatus.REQUESTED,
                                            actor=_user(actor), actor_label=_label(actor), organisation=sender, at=now)
        p = _purpose(handover)
        if not _confidential(p.activity):
            add_event(case, CaseEvent.Kind.HANDOVER, gettext_noop("Handover requested to %(org)s for “%(purpose)s”"),
                      {"org": recipient.name, "purpose": code("sharing.purpose", purpose)},
                      actor=_user(actor), organisation=sender, at=now)
        log_processing(p.activity, Action.CREATE, subject=case, obj=handover, fields=handover.fields,
                       legal_basis=handover.legal_basis, organisation=sender, trace_id=trace_id,
                       changes={"status": {"old": "", "new": HandoverStatus.REQUESTED}, "purpose": purpose,
                                "recipient": recipient.pk})
        _emit(handover, "", HandoverStatus.REQUESTED)
    return handover


def _purpose_def(purpose: str) -> Any:
    return load_policies().purposes[purpose]


def _confidential(activity: str) -> bool:
    from vangnet.audit.models import ProcessingActivity

    return bool(ProcessingActivity.objects.filter(code=activity, confidential=True).exists())


def _emit(handover: Handover, from_status: str, to_status: str) -> None:
    transaction.on_commit(lambda: handover_status_changed.send(
        sender=Handover, handover=handover, from_status=from_status, to_status=to_status))


def transition(handover_id: int, to_status: str, *, organisation: Organisation | None, actor: Any = None,
               reason: str = "", system: bool = False) -> Handover:
    """The only way a handover changes status. ``organisation`` is the acting party; ``system`` is used when
    the change follows from something else (consent withdrawn) and skips the party check."""
    with transaction.atomic():
        handover = Handover.objects.select_for_update().select_related("case", "sender", "recipient").get(
            pk=handover_id)
        if not system:
            parties = {name for name, org in (("sender", handover.sender), ("recipient", handover.recipient))
                       if organisation is not None and org.pk == organisation.pk}
            if not parties:
                raise HandoverNotFound
            if not parties & PARTY.get(to_status, frozenset()):
                raise SharingRefused([_("Your organisation cannot make this change.")], "not-allowed")
        if not is_allowed(handover.status, to_status):
            raise SharingRefused([_("A handover with status “%(from)s” cannot change to “%(to)s”.") % {
                "from": HandoverStatus(handover.status).label, "to": HandoverStatus(to_status).label}],
                "transition-not-allowed")
        reason = reason.strip()
        if to_status in REASON_REQUIRED and not reason:
            raise SharingRefused([_("Give a reason for declining.")], "reason-required")
        case, now, from_status = handover.case, timezone.now(), handover.status
        p = _purpose(handover)
        if to_status == HandoverStatus.ACCEPTED:
            # the rules and the consent are checked again: either may have changed since the request
            decision = decide(case, handover.sender, handover.recipient, handover.purpose, exclude=handover)
            if not decision.allowed:
                raise SharingRefused(decision.problems,
                                     "consent-missing" if decision.consent_missing else "sharing-refused")
            handover.involvement = involve(case, handover.recipient, InvolvementRole.HANDOVER,
                                           purpose=handover.purpose, actor=_user(actor), at=now,
                                           log=not _confidential(p.activity))
        if to_status in (HandoverStatus.REVOKED, HandoverStatus.COMPLETED) and handover.involvement_id:
            Involvement.objects.filter(pk=handover.involvement_id, ended_at__isnull=True).update(
                ended_at=now, end_reason=f"handover {to_status}: {reason}"[:200])
        HandoverStatusChange.objects.create(handover=handover, from_status=from_status, to_status=to_status,
                                            reason=reason[:500], actor=_user(actor), actor_label=_label(actor),
                                            organisation=organisation, at=now)
        handover.status, handover.updated_at = to_status, now
        if to_status == HandoverStatus.DECLINED:
            handover.decline_reason = reason[:500]
        handover.save(update_fields=["status", "updated_at", "decline_reason", "involvement"])
        if not _confidential(p.activity):
            add_event(case, CaseEvent.Kind.HANDOVER, gettext_noop("Handover to %(org)s for “%(purpose)s”: %(status)s"),
                      {"org": handover.recipient.name, "purpose": code("sharing.purpose", handover.purpose),
                       "status": choice(HandoverStatus(to_status))},
                      actor=_user(actor), organisation=organisation, at=now)
        log_processing(p.activity, Action.SHARE if to_status == HandoverStatus.ACCEPTED else Action.UPDATE,
                       subject=case, obj=handover, fields=handover.fields if to_status == "accepted" else ["status"],
                       legal_basis=handover.legal_basis, organisation=organisation, trace_id=handover.trace_id,
                       changes={"status": {"old": from_status, "new": to_status}})
        _emit(handover, from_status, to_status)
    return handover


def end_access_resting_on_consent(consent: Consent) -> list[Handover]:
    """Consent refused or withdrawn: revoke, at once, every open handover that rested on consent for that
    purpose, which ends the receivers' involvements (and so their access)."""
    if consent.status == ConsentStatus.GIVEN:
        return []
    ended = []
    ids = Handover.objects.filter(case_id=consent.case_id, consent_purpose=consent.purpose,
                                  status__in=OPEN_STATUSES).values_list("pk", flat=True)
    for pk in list(ids):
        ended.append(transition(pk, HandoverStatus.REVOKED, organisation=None, actor=consent.recorded_by,
                                reason=_("Consent %(status)s") % {"status": consent.get_status_display().lower()},
                                system=True))
    return ended


def record_consent_with_note(case: Case, *, purpose: str, status: str, obtained_by: str, obtained_on: Any,
                             method: str, note: str = "", actor: Any) -> Consent:
    """Record consent (the case's write path) with an encrypted note. A refusal or withdrawal ends the access
    that rested on the consent in the same transaction (via the post_save receiver)."""
    with transaction.atomic():
        consent = record_consent(case, purpose=purpose, status=status, obtained_by=obtained_by,
                                 obtained_on=obtained_on, method=method, actor=actor)
        if note.strip():
            ConsentNote.objects.create(consent=consent, note=note.strip()[:2000])
    return consent
