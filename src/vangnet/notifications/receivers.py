"""The kinds the capabilities send, and the receivers that send them.

Lower layers tell by events after commit (``docs``: ARCHITECTURE.md); this app, which sits above them,
subscribes here and decides who is told. Messages hold a case number at most, never personal data; a
shelter is told about a reservation without the case number (it does not see the case).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import Role, User
from vangnet.audit.context import processing_context
from vangnet.audit.events import security_alert_raised
from vangnet.cases.events import case_assigned
from vangnet.cases.models import Case
from vangnet.notifications.kinds import NotificationKind, register
from vangnet.notifications.services import notify
from vangnet.sharing.models import Handover, HandoverStatus
from vangnet.sharing.signals import handover_status_changed
from vangnet.shelters.events import hold_expired, hold_expiring
from vangnet.signals.events import signal_registered

CASE_WORKERS = (Role.REPORTER, Role.CARE_COORDINATOR, Role.SHELTER_INTAKE)

SIGNAL_NEW = register(NotificationKind(
    "signal_new", _("New signal in your region"), _("A new signal was registered on case %(case)s."),
    in_app=True, by_email=True))
CASE_ASSIGNED = register(NotificationKind(
    "case_assigned", _("A case was assigned to you"), _("Case %(case)s is assigned to you.")))
HANDOVER_REQUESTED = register(NotificationKind(
    "handover_requested", _("Handover request for your organisation"),
    _("Your organisation is asked to take over part of case %(case)s. Answer the request."), by_email=True))
HANDOVER_ACCEPTED = register(NotificationKind(
    "handover_accepted", _("Handover accepted"), _("The handover of case %(case)s was accepted.")))
HANDOVER_DECLINED = register(NotificationKind(
    "handover_declined", _("Handover declined"), _("The handover of case %(case)s was declined. Read the reason.")))
HANDOVER_REVOKED = register(NotificationKind(
    "handover_revoked", _("Handover ended (for the lead organisation)"),
    _("A handover of case %(case)s has ended; the receiving organisation no longer has access. "
      "This happens when consent is withdrawn.")))
ACCESS_ENDED = register(NotificationKind(
    "access_ended", _("Your access to a case ended"),
    _("Your organisation's access to case %(case)s has ended: the handover was revoked, for example because "
      "consent was withdrawn."), by_email=True))
HOLD_EXPIRING = register(NotificationKind(
    "hold_expiring", _("A reserved place lapses soon"),
    _("A place at your shelter is reserved and lapses soon without your answer. Accept or decline it."),
    by_email=True))
HOLD_EXPIRED = register(NotificationKind(
    "hold_expired", _("A reservation expired"),
    _("The reservation of a shelter place for case %(case)s expired without an answer. Choose another place.")))

SECURITY_ALERT = register(NotificationKind(
    "security_alert", _("Security alerts"),
    _("Unusual security events (failed logins, lockouts or refused access): see the security log."),
    in_app=True, by_email=True))


#: Which roles can receive which kind (the preferences page offers only these); kinds registered elsewhere
#: are offered to everyone.
KIND_ROLES = {
    SIGNAL_NEW.code: {Role.CARE_COORDINATOR},
    CASE_ASSIGNED.code: {Role.CARE_COORDINATOR},
    HANDOVER_REVOKED.code: {Role.CARE_COORDINATOR},
    HOLD_EXPIRING.code: {Role.SHELTER_INTAKE},
    HOLD_EXPIRED.code: {Role.CARE_COORDINATOR},
    HANDOVER_REQUESTED.code: set(CASE_WORKERS),
    HANDOVER_ACCEPTED.code: set(CASE_WORKERS),
    HANDOVER_DECLINED.code: set(CASE_WORKERS),
    ACCESS_ENDED.code: set(CASE_WORKERS),
}


def case_workers(organisation_id: int | None, roles: tuple[str, ...] = CASE_WORKERS) -> QuerySet[User]:
    return User.objects.filter(organisation_id=organisation_id, role__in=roles, is_active=True)


def case_coordinators(case: Case) -> QuerySet[User]:
    """The named coordinator of the case, or, when nobody is assigned, every coordinator of the lead."""
    if case.assigned_to_id:
        return User.objects.filter(pk=case.assigned_to_id, is_active=True)
    return case_workers(case.lead_organisation_id, (Role.CARE_COORDINATOR,))


@receiver(signal_registered, dispatch_uid="notifications-signal-new")
def on_signal_registered(sender: Any, signal_id: int, **kwargs: Any) -> None:
    from vangnet.signals.models import Signal

    signal = Signal.objects.select_related("case").filter(pk=signal_id).first()
    if signal is None:
        return
    case = signal.case
    recipients = case_workers(case.lead_organisation_id, (Role.CARE_COORDINATOR,))
    if signal.reporter_id:
        recipients = recipients.exclude(pk=signal.reporter_id)
    with processing_context(actor_label="system:notifications"):
        notify(recipients, SIGNAL_NEW.code, case=case, url=reverse("cases:detail", args=[case.reference]),
               dedupe_key=f"signal:{signal.pk}")


@receiver(security_alert_raised, dispatch_uid="notifications-security-alert")
def on_security_alert_raised(sender: Any, dedupe_key: str, url: str, **kwargs: Any) -> bool:
    """The active functional administrators are told; no personal data, a link to the security log."""
    admins = User.objects.filter(role=Role.FUNCTIONAL_ADMIN, is_active=True)
    return bool(notify(admins, SECURITY_ALERT.code, url=url, dedupe_key=dedupe_key))


@receiver(case_assigned, dispatch_uid="notifications-case-assigned")
def on_case_assigned(sender: Any, case_id: int, assignee_id: int, actor_id: int | None = None,
                     **kwargs: Any) -> None:
    if assignee_id == actor_id:
        return  # "assign to me" needs no message
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return
    notify(User.objects.filter(pk=assignee_id), CASE_ASSIGNED.code, case=case,
           url=reverse("cases:detail", args=[case.reference]))


@receiver(handover_status_changed, dispatch_uid="notifications-handover")
def on_handover_status_changed(sender: Any, handover: Handover, from_status: str, to_status: str,
                               **kwargs: Any) -> None:
    handover = Handover.objects.select_related("case").get(pk=handover.pk)
    case = handover.case
    url = reverse("sharing:detail", args=[handover.public_id])
    key = f"handover:{handover.pk}:{to_status}"
    if to_status == HandoverStatus.REQUESTED:
        notify(case_workers(handover.recipient_id), HANDOVER_REQUESTED.code, case=case, url=url, dedupe_key=key)
    elif to_status in (HandoverStatus.ACCEPTED, HandoverStatus.DECLINED):
        recipients = (User.objects.filter(pk=handover.requested_by_id) if handover.requested_by_id
                      else case_workers(handover.sender_id))
        kind = HANDOVER_ACCEPTED if to_status == HandoverStatus.ACCEPTED else HANDOVER_DECLINED
        notify(recipients, kind.code, case=case, url=url, dedupe_key=key)
    elif to_status == HandoverStatus.REVOKED:
        # the receiver lands on the handover page, which says the access ended and why (not "page not found")
        notify(case_workers(handover.recipient_id), ACCESS_ENDED.code, case=case, url=url, dedupe_key=key)
        if case.lead_organisation_id != handover.recipient_id:
            notify(case_coordinators(case), HANDOVER_REVOKED.code, case=case, url=url, dedupe_key=key)


@receiver(hold_expiring, dispatch_uid="notifications-hold-expiring")
def on_hold_expiring(sender: Any, placement_id: int, **kwargs: Any) -> None:
    from vangnet.shelters.models import Placement

    placement = Placement.objects.select_related("capacity__location").filter(pk=placement_id).first()
    if placement is None:
        return
    notify(case_workers(placement.capacity.location.provider_id, (Role.SHELTER_INTAKE,)), HOLD_EXPIRING.code,
           url=reverse("shelters:placement", args=[placement.pk]), dedupe_key=f"hold-expiring:{placement.pk}")


@receiver(hold_expired, dispatch_uid="notifications-hold-expired")
def on_hold_expired(sender: Any, placement_id: int, **kwargs: Any) -> None:
    from vangnet.shelters.models import Placement

    placement = Placement.objects.select_related("request__case").filter(pk=placement_id).first()
    if placement is None:
        return
    req = placement.request
    recipients = User.objects.filter(pk=req.case.assigned_to_id or req.requested_by_id, is_active=True)
    notify(recipients, HOLD_EXPIRED.code, case=req.case, url=reverse("shelters:request", args=[req.pk]),
           dedupe_key=f"hold-expired:{placement.pk}")
