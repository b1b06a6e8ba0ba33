"""Writes on shelter capacity and placements. One function per action; every step is logged.

Concurrency: a reservation locks the request row, then the ``PlaceCapacity`` row (``select_for_update``),
so reservations of the same place type are serialised on PostgreSQL; the partial unique constraint
``one_active_claim_per_slot`` makes a double booking impossible even if that lock were skipped (the
``IntegrityError`` becomes ``PlaceNoLongerAvailable``). Lock order is always request → capacity.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.utils.translation import gettext_noop as N_

from vangnet.accounts.models import Organisation
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.cases import services as case_services
from vangnet.cases.models import Case, CaseEvent, CaseStatus, InvolvementRole, Urgency
from vangnet.cases.timeline import choice
from vangnet.cases.timeline import date as timeline_date
from vangnet.cases.timeline import datetime as timeline_datetime
from vangnet.cases.transitions import is_allowed
from vangnet.shelters import events
from vangnet.shelters.models import (
    MSG_ACCEPTED,
    MSG_DECLINED,
    MSG_HOLD_EXPIRED,
    MSG_NEW_REQUEST,
    MSG_PLACE_FREE,
    OPEN_REQUEST_STATUSES,
    ClaimKind,
    DeclineReason,
    DischargeDestination,
    EscalationReason,
    Notification,
    NotificationKind,
    PlaceBlock,
    PlaceCapacity,
    Placement,
    PlacementRequest,
    PlacementStatus,
    PlaceSlot,
    PlaceType,
    RequestStatus,
    ShelterLocation,
    SlotClaim,
)

logger = logging.getLogger(__name__)
ACTIVITY = "shelter_placement"

#: How long a request may take before it is escalated, per urgency (acute: the same day).
URGENCY_WINDOW_DAYS = {"urgent": 3, "regular": 14}


class PlacementError(Exception):
    """A domain error with a message for the user (translated)."""


class PlaceNoLongerAvailable(PlacementError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("This place is no longer available: someone else took it just now. "
                                      "Choose another place."))


class InvalidState(PlacementError):
    pass


class CapacityError(PlacementError):
    pass


# --- helpers ------------------------------------------------------------------------------------


def deadline_for(urgency: str, start: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(start)
    if urgency == "acute":
        end_of_day = datetime.datetime.combine(local.date(), datetime.time(23, 59, 59), tzinfo=local.tzinfo)
        return end_of_day
    return start + datetime.timedelta(days=URGENCY_WINDOW_DAYS.get(urgency, 14))


def hold_hours(urgency: str) -> int:
    return int(settings.PLACEMENT_HOLD_HOURS.get(urgency, settings.PLACEMENT_HOLD_HOURS["regular"]))


def _after_commit_check_waiting_list() -> None:
    def enqueue() -> None:
        try:
            from vangnet.shelters.tasks import check_waiting_list_task

            check_waiting_list_task.enqueue()
        except Exception:  # the cron command catches up; a queue hiccup must not fail a discharge
            logger.exception("Could not enqueue the waiting list check")

    transaction.on_commit(enqueue)


def notify(organisation: Organisation | int, kind: str, message: str, params: dict[str, Any] | None = None, *,
           request: PlacementRequest | None = None, placement: Placement | None = None) -> Notification:
    """Store a message for an organisation. ``message`` is an English message id (mark it with ``N_``) with
    ``%(name)s`` placeholders filled from ``params`` when it is read, in the reader's language (param values
    as on the case timeline: ``vangnet.cases.timeline``)."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return Notification.objects.create(organisation_id=org_id, kind=kind, message=str(message)[:300],
                                       params=params or {}, request=request, placement=placement)


def _event(case: Case, message: str, params: dict[str, Any], actor: Any, kind: str = CaseEvent.Kind.PLACEMENT,
           at: Any = None) -> None:
    case_services.add_event(case, kind, message, params, actor=actor if getattr(actor, "pk", None) else None,
                            organisation=getattr(actor, "organisation", None), at=at)


def _place(capacity: PlaceCapacity) -> list[Any]:
    """The place as a timeline param: the provider's name and the place type, shown in the reader's language."""
    return [capacity.location.provider.name, choice(PlaceType(capacity.place_type))]


# --- locations and capacity (the provider's own data; no personal data of victims) -----------------


LOCATION_FIELDS = ("name", "municipality", "address", "genders", "min_age", "max_age", "accepts_children",
                   "accepts_lvb", "accepts_addiction", "offers_psychiatric_care", "wheelchair_accessible",
                   "specialisms", "is_active")


def save_location(*, provider: Organisation, data: dict[str, Any], languages: Iterable[Any] = (),
                  location: ShelterLocation | None = None) -> ShelterLocation:
    with transaction.atomic():
        location = location or ShelterLocation(provider=provider)
        if location.provider_id != provider.pk:
            raise PlacementError(_("This location belongs to another provider."))
        for name in LOCATION_FIELDS:
            if name in data:
                setattr(location, name, data[name])
        location.save()
        location.languages.set(list(languages))
        ShelterLocation.objects.filter(pk=location.pk).update(changed_at=timezone.now())
    _after_commit_check_waiting_list()
    return location


def set_capacity(location: ShelterLocation, place_type: str, places: int) -> PlaceCapacity:
    """Set the number of places of one type. Lowering it frees only places nobody uses."""
    if place_type not in PlaceType.values:
        raise CapacityError(_("Choose a type of place."))
    if places < 0:
        raise CapacityError(_("The number of places cannot be negative."))
    with transaction.atomic():
        capacity, _created = PlaceCapacity.objects.get_or_create(location=location, place_type=place_type)
        capacity = PlaceCapacity.objects.select_for_update().get(pk=capacity.pk)
        active = list(capacity.slots.filter(is_active=True).order_by("-number"))
        before = len(active)
        if places > before:
            inactive = list(capacity.slots.filter(is_active=False).order_by("number")[: places - before])
            PlaceSlot.objects.filter(pk__in=[s.pk for s in inactive]).update(is_active=True)
            highest = capacity.slots.aggregate(m=Max("number"))["m"] or 0
            missing = places - before - len(inactive)
            PlaceSlot.objects.bulk_create(
                [PlaceSlot(capacity=capacity, number=highest + i + 1) for i in range(missing)])
        elif places < before:
            taken = set(SlotClaim.objects.filter(capacity=capacity, released_at__isnull=True)
                        .values_list("slot_id", flat=True))
            free = [s for s in active if s.pk not in taken]
            drop = before - places
            if drop > len(free):
                raise CapacityError(
                    _("%(used)s places are occupied, reserved or blocked; the number cannot go below that.")
                    % {"used": before - len(free)})
            PlaceSlot.objects.filter(pk__in=[s.pk for s in free[:drop]]).update(is_active=False)
        capacity.places = places
        capacity.save(update_fields=["places"])
        ShelterLocation.objects.filter(pk=location.pk).update(changed_at=timezone.now())
    if places > before:
        _after_commit_check_waiting_list()
    return capacity


def block_places(capacity: PlaceCapacity, *, places: int, reason: str, ends_on: datetime.date, actor: Any,
                 now: datetime.datetime | None = None) -> PlaceBlock:
    now = now or timezone.now()
    if places < 1:
        raise CapacityError(_("Block at least one place."))
    if ends_on < timezone.localdate(now):
        raise CapacityError(_("The end date cannot be in the past."))
    with transaction.atomic():
        capacity = PlaceCapacity.objects.select_for_update().get(pk=capacity.pk)
        _release_expired_on(capacity, now)
        free = list(_free_slots(capacity)[:places])
        if len(free) < places:
            raise CapacityError(_("Only %(free)s places of this type are free; you cannot block more.")
                                % {"free": len(free)})
        block = PlaceBlock.objects.create(capacity=capacity, places=places, reason=reason, ends_on=ends_on,
                                          created_by=actor, created_at=now)
        SlotClaim.objects.bulk_create([SlotClaim(slot=s, capacity=capacity, kind=ClaimKind.BLOCK, block=block,
                                                 started_at=now) for s in free])
    return block


def lift_block(block: PlaceBlock, *, now: datetime.datetime | None = None) -> PlaceBlock:
    now = now or timezone.now()
    with transaction.atomic():
        block = PlaceBlock.objects.select_for_update().get(pk=block.pk)
        if block.lifted_at is None:
            block.lifted_at = now
            block.save(update_fields=["lifted_at"])
            SlotClaim.objects.filter(block=block, released_at__isnull=True).update(released_at=now)
    _after_commit_check_waiting_list()
    return block


def lift_ended_blocks(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    count = 0
    for block in PlaceBlock.objects.filter(lifted_at__isnull=True, ends_on__lte=today):
        lift_block(block)
        count += 1
    return count


def _free_slots(capacity: PlaceCapacity) -> Any:
    taken = SlotClaim.objects.filter(capacity=capacity, released_at__isnull=True).values("slot_id")
    return capacity.slots.filter(is_active=True).exclude(pk__in=taken).order_by("number")


def _release_expired_on(capacity: PlaceCapacity, now: datetime.datetime) -> None:
    """Inside the capacity lock: holds past their time stop counting before a new claim is made."""
    expired = Placement.objects.filter(capacity=capacity, status=PlacementStatus.HELD, held_until__lt=now)
    for placement_id in expired.values_list("pk", flat=True):
        _expire(placement_id, now)


# --- placement requests -------------------------------------------------------------------------


REQUEST_FIELDS = ("urgency", "gender", "age", "is_minor", "children_count", "lvb", "addiction", "psychiatric",
                  "multiple_problems", "wheelchair", "place_types", "specialisms", "exploitation_municipality",
                  "avoid_region", "avoid_adjacent_regions", "care_needs", "network_municipality")


def create_request(case: Case, *, actor: Any, data: dict[str, Any], languages: Iterable[Any] = (),
                   avoid_municipalities: Iterable[Any] = (), now: datetime.datetime | None = None) -> PlacementRequest:
    now = now or timezone.now()
    with transaction.atomic():
        if PlacementRequest.objects.filter(case=case, status__in=[*OPEN_REQUEST_STATUSES, RequestStatus.ACCEPTED,
                                                                   RequestStatus.ADMITTED]).exists():
            raise InvalidState(_("This case already has an open placement request."))
        req = PlacementRequest(case=case, requesting_organisation=actor.organisation, requested_by=actor,
                               created_at=now, deadline=deadline_for(data["urgency"], now))
        for name in REQUEST_FIELDS:
            if name in data:
                setattr(req, name, data[name])
        from vangnet.shelters.selectors import advice_differences, triage_advice

        req.triage_advice = advice = triage_advice(case)
        req.save()
        req.languages.set(list(languages))
        req.avoid_municipalities.set(list(avoid_municipalities))
        _event(case, N_("Placement requested (%(urgency)s)"), {"urgency": choice(Urgency(req.urgency))}, actor, at=now)
        differences = advice_differences(advice, data)
        if differences:
            case_services.add_event(
                case, CaseEvent.Kind.PLACEMENT,
                gettext_noop("The placement request differs from the triage advice in %(count)s points"),
                {"count": len(differences)}, actor=actor if getattr(actor, "pk", None) else None,
                organisation=getattr(actor, "organisation", None), at=now)
        log_processing(ACTIVITY, Action.CREATE, subject=case, obj=req,
                       fields=[*REQUEST_FIELDS, "languages", "avoid_municipalities"], changes=differences or None)
        if req.urgency == "acute":
            from vangnet.shelters.selectors import find_matches

            if not find_matches(req).fitting:
                escalate(req, EscalationReason.NO_PLACE, actor=actor, now=now)
    return req


def escalate(req: PlacementRequest, reason: str, *, actor: Any = None, now: datetime.datetime | None = None) -> bool:
    """Put the request on the national coordinator's escalation list (once)."""
    now = now or timezone.now()
    if req.escalated_at is not None:
        return False
    updated = PlacementRequest.objects.filter(pk=req.pk, escalated_at__isnull=True).update(
        escalated_at=now, escalation_reason=reason)
    if not updated:
        return False
    req.escalated_at, req.escalation_reason = now, reason
    _event(req.case, N_("Placement escalated to the national coordinator: %(reason)s"),
           {"reason": choice(EscalationReason(reason))}, actor, kind=CaseEvent.Kind.ESCALATION, at=now)
    log_processing(ACTIVITY, Action.UPDATE, subject=req.case, obj=req, fields=["escalated_at", "escalation_reason"],
                   changes={"escalation_reason": {"old": "", "new": reason}})
    return True


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    count = 0
    overdue = PlacementRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES, deadline__lt=now,
                                              escalated_at__isnull=True).select_related("case")
    for req in overdue:
        with transaction.atomic():
            count += escalate(req, EscalationReason.OVERDUE, now=now)
    return count


def put_on_waiting_list(request_id: int, *, actor: Any) -> PlacementRequest:
    with transaction.atomic():
        req = PlacementRequest.objects.select_for_update(of=("self",)).select_related("case").get(pk=request_id)
        if req.status != RequestStatus.OPEN:
            raise InvalidState(_("Only a request that is looking for a place can wait for one."))
        req.status = RequestStatus.WAITING
        req.save(update_fields=["status"])
        _event(req.case, N_("Placement request put on the waiting list"), {}, actor)
        log_processing(ACTIVITY, Action.UPDATE, subject=req.case, obj=req, fields=["status"],
                       changes={"status": {"old": RequestStatus.OPEN, "new": RequestStatus.WAITING}})
    return req


def cancel_request(request_id: int, *, actor: Any) -> PlacementRequest:
    with transaction.atomic():
        req = PlacementRequest.objects.select_for_update(of=("self",)).select_related("case").get(pk=request_id)
        if req.status not in OPEN_REQUEST_STATUSES:
            raise InvalidState(_("This request can no longer be cancelled."))
        live = req.placements.filter(status=PlacementStatus.HELD).first()
        if live is not None:
            _release(live, PlacementStatus.CANCELLED, timezone.now())
        old = req.status
        req.status, req.closed_at = RequestStatus.CANCELLED, timezone.now()
        req.save(update_fields=["status", "closed_at"])
        _resolve(request=req, kinds=list(NotificationKind))
        _event(req.case, N_("Placement request cancelled"), {}, actor)
        log_processing(ACTIVITY, Action.UPDATE, subject=req.case, obj=req, fields=["status"],
                       changes={"status": {"old": old, "new": req.status}})
    return req


# --- reservation and the provider's answer --------------------------------------------------------


def reserve(request_id: int, capacity_id: int, *, actor: Any, now: datetime.datetime | None = None) -> Placement:
    """Hold one free slot of this place type for the request. Raises ``PlaceNoLongerAvailable``."""
    now = now or timezone.now()
    from vangnet.shelters.selectors import candidate_for, needs_for

    with transaction.atomic():
        req = PlacementRequest.objects.select_for_update(of=("self",)).select_related("case").get(pk=request_id)
        if req.status not in (RequestStatus.OPEN, RequestStatus.WAITING):
            raise InvalidState(_("This request already has a reserved place, or is closed."))
        capacity = (PlaceCapacity.objects.select_for_update(of=("self",))
                    .select_related("location__provider", "location__municipality", "location__region")
                    .filter(pk=capacity_id, location__is_active=True).first())
        if capacity is None:
            raise PlaceNoLongerAvailable()
        from vangnet.shelters.matching import evaluate

        match = evaluate(needs_for(req), candidate_for(capacity, free=1))
        if not match.fits:
            raise PlacementError(_("This place does not fit the request: %(why)s")
                                 % {"why": "; ".join(r.text for r in match.exclusions)})
        _release_expired_on(capacity, now)
        slot = _free_slots(capacity).first()
        if slot is None:
            raise PlaceNoLongerAvailable()
        placement = Placement.objects.create(request=req, capacity=capacity, reserved_by=actor, reserved_at=now,
                                             held_until=now + datetime.timedelta(hours=hold_hours(req.urgency)))
        try:
            with transaction.atomic():
                SlotClaim.objects.create(slot=slot, capacity=capacity, kind=ClaimKind.HOLD, placement=placement,
                                         started_at=now, expires_at=placement.held_until)
        except IntegrityError as exc:
            raise PlaceNoLongerAvailable() from exc
        old = req.status
        req.status = RequestStatus.RESERVED
        req.save(update_fields=["status"])
        _resolve(request=req,
                 kinds=[NotificationKind.HOLD_EXPIRED, NotificationKind.PLACE_FREE, NotificationKind.ANSWER])
        _event(req.case, N_("Place reserved: %(place)s, held until %(until)s"),
               {"place": _place(capacity), "until": timeline_datetime(placement.held_until)}, actor, at=now)
        log_processing(ACTIVITY, Action.CREATE, subject=req.case, obj=placement,
                       fields=["capacity", "held_until"], changes={"status": {"old": old, "new": req.status}})
        notify(capacity.location.provider_id, NotificationKind.NEW_REQUEST,
               MSG_NEW_REQUEST,
               {"place": choice(PlaceType(capacity.place_type)), "until": timeline_datetime(placement.held_until)},
               request=req, placement=placement)
    return placement


def _release(placement: Placement, status: str, now: datetime.datetime) -> None:
    placement.status = status
    placement.save(update_fields=["status"])
    SlotClaim.objects.filter(placement=placement, released_at__isnull=True).update(released_at=now)


def _expire(placement_id: int, now: datetime.datetime) -> bool:
    placement = (Placement.objects.select_related("request__case", "capacity__location__provider")
                 .filter(pk=placement_id, status=PlacementStatus.HELD, held_until__lt=now).first())
    if placement is None:
        return False
    req = placement.request
    _release(placement, PlacementStatus.EXPIRED, now)
    PlacementRequest.objects.filter(pk=req.pk, status=RequestStatus.RESERVED).update(status=RequestStatus.OPEN)
    _resolve(placement=placement, kinds=[NotificationKind.NEW_REQUEST])
    _event(req.case, N_("Reservation expired without an answer: %(place)s"), {"place": _place(placement.capacity)},
           None, at=now)
    log_processing(ACTIVITY, Action.UPDATE, subject=req.case, obj=placement, fields=["status"],
                   changes={"status": {"old": PlacementStatus.HELD, "new": PlacementStatus.EXPIRED}})
    notify(req.requesting_organisation_id, NotificationKind.HOLD_EXPIRED,
           MSG_HOLD_EXPIRED,
           {"case": req.case.reference}, request=req, placement=placement)
    placement_id = placement.pk
    transaction.on_commit(lambda: events.hold_expired.send(sender=Placement, placement_id=placement_id))
    return True


def remind_expiring_holds(now: datetime.datetime | None = None) -> int:
    """Tell (after commit, through ``events.hold_expiring``) about every hold that lapses within
    ``settings.PLACEMENT_HOLD_REMINDER_MINUTES``. Receivers keep it idempotent (one reminder per hold)."""
    now = now or timezone.now()
    soon = now + datetime.timedelta(minutes=settings.PLACEMENT_HOLD_REMINDER_MINUTES)
    ids = list(Placement.objects.filter(status=PlacementStatus.HELD, held_until__gte=now, held_until__lte=soon)
               .values_list("pk", flat=True))
    def send() -> None:
        for placement_id in ids:
            events.hold_expiring.send(sender=Placement, placement_id=placement_id)

    transaction.on_commit(send)
    return len(ids)


def release_expired_holds(now: datetime.datetime | None = None) -> int:
    """Release every hold past its time (the background task and the cron command call this)."""
    now = now or timezone.now()
    count = 0
    expired = Placement.objects.filter(status=PlacementStatus.HELD, held_until__lt=now).values_list(
        "pk", "request_id", "capacity_id")
    for placement_id, request_id, capacity_id in expired:
        with transaction.atomic():
            PlacementRequest.objects.select_for_update().filter(pk=request_id).first()
            PlaceCapacity.objects.select_for_update().filter(pk=capacity_id).first()
            count += _expire(placement_id, now)
    return count


def _provider_placement(placement_id: int, actor: Any) -> Placement:
    placement = (Placement.objects.select_for_update(of=("self",))
                 .select_related("request__case", "capacity__location__provider").get(pk=placement_id))
    if placement.capacity.location.provider_id != getattr(actor, "organisation_id", None):
        raise PlacementError(_("Only the shelter provider can answer this reservation."))
    return placement


def accept(placement_id: int, *, actor: Any, now: datetime.datetime | None = None) -> Placement:
    now = now or timezone.now()
    with transaction.atomic():
        placement = _provider_placement(placement_id, actor)
        if placement.status != PlacementStatus.HELD:
            raise InvalidState(_("This reservation is no longer waiting for an answer."))
        if placement.held_until < now:
            raise InvalidState(_("This reservation has expired; the place is free again."))
        req = placement.request
        placement.status, placement.decided_by, placement.decided_at = PlacementStatus.ACCEPTED, actor, now
        placement.save(update_fields=["status", "decided_by", "decided_at"])
        SlotClaim.objects.filter(placement=placement, released_at__isnull=True).update(expires_at=None)
        PlacementRequest.objects.filter(pk=req.pk).update(status=RequestStatus.ACCEPTED)
        case_services.involve(req.case, placement.capacity.location.provider, InvolvementRole.SHELTER,
                              purpose="shelter", actor=actor, at=now)
        _resolve(placement=placement, kinds=[NotificationKind.NEW_REQUEST])
        _event(req.case, N_("The shelter accepted the placement: %(place)s"), {"place": _place(placement.capacity)},
               actor, at=now)
        log_processing(ACTIVITY, Action.UPDATE, subject=req.case, obj=placement, fields=["status", "decided_at"],
                       changes={"status": {"old": PlacementStatus.HELD, "new": PlacementStatus.ACCEPTED}})
        notify(req.requesting_organisation_id, NotificationKind.ANSWER,
               MSG_ACCEPTED,
               {"case": req.case.reference}, request=req, placement=placement)
    return placement


def decline(placement_id: int, *, actor: Any, reason: str, note: str = "",
            now: datetime.datetime | None = None) -> Placement:
    now = now or timezone.now()
    if not reason:
        raise PlacementError(_("Choose a reason for declining."))
    with transaction.atomic():
        placement = _provider_placement(placement_id, actor)
        if placement.status not in (PlacementStatus.HELD, PlacementStatus.ACCEPTED):
            raise InvalidState(_("This reservation is no longer waiting for an answer."))
        req = PlacementRequest.objects.select_for_update().get(pk=placement.request_id)
        old = placement.status
        placement.decided_by, placement.decided_at = actor, now
        placement.decline_reason, placement.decline_note = reason, note[:300]
        placement.save(update_fields=["decided_by", "decided_at", "decline_reason", "decline_note"])
        _release(placement, PlacementStatus.DECLINED, now)
        req.decline_count += 1
        req.status = RequestStatus.OPEN
        req.save(update_fields=["decline_count", "status"])
        _resolve(placement=placement, kinds=[NotificationKind.NEW_REQUEST])
        _event(req.case, N_("The shelter declined the placement (%(reason)s): %(place)s"),
               {"reason": choice(DeclineReason(placement.decline_reason)), "place": _place(placement.capacity)},
               actor, at=now)
        log_processing(ACTIVITY, Action.UPDATE, subject=req.case, obj=placement,
                       fields=["status", "decline_reason", "decline_note"],
                       changes={"status": {"old": old, "new": PlacementStatus.DECLINED},
                                "decline_reason": {"old": "", "new": reason}})
        notify(req.requesting_organisation_id, NotificationKind.ANSWER,
               MSG_DECLINED,
               {"case": req.case.reference, "reason": choice(DeclineReason(placement.decline_reason))},
               request=req, placement=placement)
        if req.decline_count >= 2:
            escalate(req, EscalationReason.DECLINED_TWICE, actor=actor, now=now)
    _after_commit_check_waiting_list()
    return placement


def admit(placement_id: int, *, actor: Any, admission_date: datetime.date,
          now: datetime.datetime | None = None) -> Placement:
    now = now or timezone.now()
    if admission_date > timezone.localdate(now):
        raise PlacementError(_("The admission date cannot be in the future."))
    with transaction.atomic():
        placement = _provider_placement(placement_id, actor)
        if placement.status != PlacementStatus.ACCEPTED:
            raise InvalidState(_("Accept the placement before you record the admission."))
        if admission_date < timezone.localdate(placement.reserved_at):
            raise PlacementError(_("The admission date cannot be before the reservation."))
        req = placement.request
        placement.status, placement.admission_date, placement.admitted_at = (
            PlacementStatus.ADMITTED, admission_date, now)
        placement.save(update_fields=["status", "admission_date", "admitted_at"])
        SlotClaim.objects.filter(placement=placement, released_at__isnull=True).update(
            kind=ClaimKind.ADMISSION, started_at=now, expires_at=None)
        PlacementRequest.objects.filter(pk=req.pk).update(status=RequestStatus.ADMITTED, admitted_at=now)
        _resolve(placement=placement, kinds=[NotificationKind.ANSWER])
        _event(req.case, N_("Admitted to the shelter on %(date)s: %(place)s"),
               {"date": timeline_date(admission_date), "place": _place(placement.capacity)}, actor, at=now)
        log_processing(ACTIVITY, Action.UPDATE, subject=req.case, obj=placement,
                       fields=["status", "admission_date"],
                       changes={"status": {"old": PlacementStatus.ACCEPTED, "new": PlacementStatus.ADMITTED}})
        case = Case.objects.get(pk=req.case_id)
        if case.status != CaseStatus.PLACED and is_allowed(case.status, CaseStatus.PLACED):
            case_services.change_status(case.pk, CaseStatus.PLACED, actor=actor,
                                        note=_("Admitted to a shelter"), at=now)
    return placement


def discharge(placement_id: int, *, actor: Any, discharge_date: datetime.date, destination: str,
              now: datetime.datetime | None = None) -> Placement:
    now = now or timezone.now()
    if not destination:
        raise PlacementError(_("Choose where the person went."))
    with transaction.atomic():
        placement = _provider_placement(placement_id, actor)
        if placement.status != PlacementStatus.ADMITTED:
            raise InvalidState(_("Only an admitted person can be discharged."))
        admitted_on = placement.admission_date or timezone.localdate(now)
        if discharge_date < admitted_on or discharge_date > timezone.localdate(now):
            raise PlacementError(_("The discharge date must be between the admission date and today."))
        req = placement.request
        placement.discharge_date, placement.discharge_destination = discharge_date, destination
        placement.save(update_fields=["discharge_date", "discharge_destination"])
        _release(placement, PlacementStatus.DISCHARGED, now)
        PlacementRequest.objects.filter(pk=req.pk).update(status=RequestStatus.DISCHARGED, closed_at=now)
        _event(req.case, N_("Left the shelter on %(date)s; destination: %(destination)s"),
               {"date": timeline_date(discharge_date),
                "destination": choice(DischargeDestination(placement.discharge_destination))}, actor, at=now)
        log_processing(ACTIVITY, Action.UPDATE, subject=req.case, obj=placement,
                       fields=["status", "discharge_date", "discharge_destination"],
                       changes={"status": {"old": PlacementStatus.ADMITTED, "new": PlacementStatus.DISCHARGED},
                                "discharge_destination": {"old": "", "new": destination}})
        case = Case.objects.get(pk=req.case_id)
        if case.status == CaseStatus.PLACED:
            case_services.change_status(case.pk, CaseStatus.IN_CARE, actor=actor,
                                        note=_("Left the shelter"), at=now)
    _after_commit_check_waiting_list()
    return placement


def cancel_hold(placement_id: int, *, actor: Any, now: datetime.datetime | None = None) -> Placement:
    """The requester gives a held place back (e.g. the person found another place)."""
    now = now or timezone.now()
    with transaction.atomic():
        placement = Placement.objects.select_related("request__case", "capacity__location__provider").get(
            pk=placement_id)
        req = PlacementRequest.objects.select_for_update().get(pk=placement.request_id)
        placement = Placement.objects.select_for_update(of=("self",)).select_related(
            "capacity__location__provider").get(pk=placement_id)
        if placement.status != PlacementStatus.HELD:
            raise InvalidState(_("This reservation is no longer held."))
        _release(placement, PlacementStatus.CANCELLED, now)
        req.status = RequestStatus.OPEN
        req.save(update_fields=["status"])
        _resolve(placement=placement, kinds=[NotificationKind.NEW_REQUEST])
        _event(req.case, N_("Reservation given back: %(place)s"), {"place": _place(placement.capacity)}, actor, at=now)
        log_processing(ACTIVITY, Action.UPDATE, subject=req.case, obj=placement, fields=["status"],
                       changes={"status": {"old": PlacementStatus.HELD, "new": PlacementStatus.CANCELLED}})
    _after_commit_check_waiting_list()
    return placement


# --- waiting list ---------------------------------------------------------------------------------


def check_waiting_list() -> int:
    """Tell the requester of every waiting request for which a fitting place is free now (once per
    unread message). Returns how many were told."""
    from vangnet.shelters.selectors import find_matches

    told = 0
    waiting = PlacementRequest.objects.filter(status=RequestStatus.WAITING).select_related("case")
    for req in waiting:
        result = find_matches(req)
        if not result.fitting:
            continue
        if Notification.objects.filter(request=req, kind=NotificationKind.PLACE_FREE, read_at__isnull=True).exists():
            continue
        notify(req.requesting_organisation_id, NotificationKind.PLACE_FREE,
               MSG_PLACE_FREE,
               {"case": req.case.reference, "count": len(result.fitting)}, request=req)
        _event(req.case, N_("A fitting shelter place became free"), {}, None)
        told += 1
    return told


def _resolve(*, request: PlacementRequest | None = None, placement: Placement | None = None,
             kinds: list[str]) -> int:
    """A step is done: its notifications no longer ask for anything, so they leave the case page (marked read)."""
    rows = Notification.objects.filter(read_at__isnull=True, kind__in=kinds)
    if placement is not None:
        rows = rows.filter(placement=placement)
    if request is not None:
        rows = rows.filter(request=request)
    return rows.update(read_at=timezone.now())


def mark_read(notification: Notification, *, now: datetime.datetime | None = None) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now or timezone.now())


def housekeeping(now: datetime.datetime | None = None) -> dict[str, int]:
    """Everything the background tasks do, in one call (the cron command)."""
    now = now or timezone.now()
    return {
        "holds_reminded": remind_expiring_holds(now),
        "holds_released": release_expired_holds(now),
        "blocks_lifted": lift_ended_blocks(timezone.localdate(now)),
        "escalated": escalate_overdue(now),
        "waiting_told": check_waiting_list(),
    }
