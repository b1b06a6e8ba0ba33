"""The placement flow through the services: reserve, answer, admit, discharge; holds, blocks, escalation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from tests.shelters.conftest import make_location
from vangnet.audit.context import processing_context
from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases.models import CaseEvent, CaseStatus, Involvement, InvolvementRole
from vangnet.cases.services import change_status
from vangnet.shelters import selectors, services
from vangnet.shelters.models import (
    ClaimKind,
    EscalationReason,
    Notification,
    NotificationKind,
    PlaceCapacity,
    Placement,
    PlacementStatus,
    RequestStatus,
    SlotClaim,
)

pytestmark = pytest.mark.django_db


def capacity_of(location: Any, place_type: str = "women") -> PlaceCapacity:
    return PlaceCapacity.objects.get(location=location, place_type=place_type)


def test_full_flow_request_reserve_accept_admit_discharge(placement_request: Any, location: Any, cast: Any,
                                                          intake: Any) -> None:
    req = placement_request
    case = req.case
    cap = capacity_of(location)
    with processing_context(actor=cast.coordinator):
        placement = services.reserve(req.pk, cap.pk, actor=cast.coordinator)
    req.refresh_from_db()
    assert req.status == RequestStatus.RESERVED
    assert placement.held_until - placement.reserved_at == datetime.timedelta(hours=24)  # urgent
    assert Notification.objects.filter(organisation=location.provider, kind=NotificationKind.NEW_REQUEST).exists()

    # the shelter is not involved yet: it cannot open the case
    assert not Involvement.objects.filter(case=case, organisation=location.provider).exists()
    assert not selectors.address_visible(placement, cast.coordinator)

    with processing_context(actor=intake):
        services.accept(placement.pk, actor=intake)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACCEPTED
    assert Involvement.objects.active().filter(case=case, organisation=location.provider,
                                               role=InvolvementRole.SHELTER, purpose="shelter").exists()
    assert selectors.address_visible(placement, cast.coordinator)  # the placing organisation now
    assert not selectors.address_visible(placement, cast.reporter)  # another involved organisation: no

    with processing_context(actor=cast.coordinator):
        change_status(case.pk, CaseStatus.IN_TRIAGE, actor=cast.coordinator)
    with processing_context(actor=intake):
        services.admit(placement.pk, actor=intake, admission_date=timezone.localdate())
    case.refresh_from_db()
    assert case.status == CaseStatus.PLACED
    occupied = selectors.occupancy(location)[0]
    assert (occupied["places"], occupied["occupied"], occupied["free"]) == (3, 1, 2)

    with processing_context(actor=intake):
        services.discharge(placement.pk, actor=intake, discharge_date=timezone.localdate(), destination="own_housing")
    placement.refresh_from_db()
    req.refresh_from_db()
    case.refresh_from_db()
    assert placement.status == PlacementStatus.DISCHARGED and req.status == RequestStatus.DISCHARGED
    assert case.status == CaseStatus.IN_CARE
    assert selectors.occupancy(location)[0]["occupied"] == 0

    kinds = list(CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PLACEMENT).values_list("summary", flat=True))
    # requested, differs from the triage advice (any type of place instead of COSM), reserved, accepted, admitted, left
    assert len(kinds) == 6
    log = ProcessingLogEntry.objects.filter(activity__code="shelter_placement", subject_pseudonym=case.pseudonym)
    assert log.filter(action="create").count() == 2  # the request and the reservation
    assert log.filter(action="update").count() == 3  # accepted, admitted, discharged


def test_ranked_matches_explain_fit_and_exclusion(placement_request: Any, location: Any,
                                                  amsterdam_location: Any) -> None:
    result = selectors.find_matches(placement_request)
    assert [m.candidate.location_name for m in result.fitting] == ["Huis Noord"]
    codes = {r.code for r in result.fitting[0].reasons}
    assert {"type_ok", "gender_ok", "age_ok", "safe_distance", "language", "free"} <= codes
    excluded = {m.candidate.location_name: [r.code for r in m.exclusions] for m in result.excluded}
    assert excluded["Huis Amstel"] == ["exploitation_municipality", "exploitation_region"]


def test_no_double_booking_sequentially_and_by_constraint(placement_request: Any, cast: Any, provider: Any,
                                                          registered_signal: Any, needs_data: Any) -> None:
    loc = make_location(provider, "Eén plek", "GM0014", places=1)
    cap = capacity_of(loc)
    with processing_context(actor=cast.coordinator):
        services.reserve(placement_request.pk, cap.pk, actor=cast.coordinator)
    # a second request on another case cannot take the same single place
    from tests.conftest import signal_input
    from vangnet.signals.services import register_signal

    with processing_context(actor=cast.reporter):
        signal = register_signal(signal_input(given_names="Ada"), organisation=cast.reporter.organisation,
                                 actor=cast.reporter)
    with processing_context(actor=cast.coordinator):
        second = services.create_request(signal.case, actor=cast.coordinator, data=needs_data)
        with pytest.raises(services.PlaceNoLongerAvailable):
            services.reserve(second.pk, cap.pk, actor=cast.coordinator)
    # and the database refuses a second active claim on the slot, whatever the code does
    claim = SlotClaim.objects.get(capacity=cap, released_at__isnull=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        SlotClaim.objects.create(slot=claim.slot, capacity=cap, kind=ClaimKind.HOLD, placement=claim.placement)


def test_hold_expires_and_is_released_by_the_task(placement_request: Any, location: Any, cast: Any,
                                                  intake: Any) -> None:
    cap = capacity_of(location)
    with processing_context(actor=cast.coordinator):
        placement = services.reserve(placement_request.pk, cap.pk, actor=cast.coordinator)
    later = placement.held_until + datetime.timedelta(minutes=1)
    assert selectors.taken_per_capacity(later).get(cap.pk, 0) == 0  # counts as free at once
    assert services.release_expired_holds(later) == 1
    placement.refresh_from_db()
    placement_request.refresh_from_db()
    assert placement.status == PlacementStatus.EXPIRED
    assert placement_request.status == RequestStatus.OPEN
    assert Notification.objects.filter(kind=NotificationKind.HOLD_EXPIRED,
                                       organisation=cast.coordinator.organisation).exists()
    with processing_context(actor=intake), pytest.raises(services.InvalidState):
        services.accept(placement.pk, actor=intake)


def test_acute_hold_is_shorter(settings: Any, registered_signal: Any, location: Any, cast: Any,
                               needs_data: Any) -> None:
    settings.PLACEMENT_HOLD_HOURS = {"acute": 2, "urgent": 24, "regular": 72}
    with processing_context(actor=cast.coordinator):
        req = services.create_request(registered_signal.case, actor=cast.coordinator,
                                      data={**needs_data, "urgency": "acute"})
        placement = services.reserve(req.pk, capacity_of(location).pk, actor=cast.coordinator)
    assert placement.held_until - placement.reserved_at == datetime.timedelta(hours=2)


def test_acute_request_without_a_fitting_place_is_escalated(registered_signal: Any, cast: Any,
                                                            amsterdam_location: Any, needs_data: Any) -> None:
    with processing_context(actor=cast.coordinator):
        req = services.create_request(registered_signal.case, actor=cast.coordinator,
                                      data={**needs_data, "urgency": "acute"})
    assert req.escalation_reason == EscalationReason.NO_PLACE
    assert list(selectors.escalations()) == [req]
    assert CaseEvent.objects.filter(case=req.case, kind=CaseEvent.Kind.ESCALATION).count() == 1


def test_declined_twice_is_escalated(placement_request: Any, location: Any, cast: Any, intake: Any) -> None:
    cap = capacity_of(location)
    for _round in range(2):
        with processing_context(actor=cast.coordinator):
            placement = services.reserve(placement_request.pk, cap.pk, actor=cast.coordinator)
        with processing_context(actor=intake):
            services.decline(placement.pk, actor=intake, reason="no_fit", note="")
    placement_request.refresh_from_db()
    assert placement_request.decline_count == 2
    assert placement_request.escalation_reason == EscalationReason.DECLINED_TWICE
    assert placement_request.status == RequestStatus.OPEN
    assert selectors.occupancy(location)[0]["free"] == 3


def test_overdue_request_is_escalated(placement_request: Any) -> None:
    later = placement_request.deadline + datetime.timedelta(minutes=1)
    with processing_context(actor_label="test"):
        assert services.escalate_overdue(later) == 1
        assert services.escalate_overdue(later) == 0
    placement_request.refresh_from_db()
    assert placement_request.escalation_reason == EscalationReason.OVERDUE


def test_other_provider_cannot_answer(placement_request: Any, location: Any, cast: Any, other_intake: Any) -> None:
    with processing_context(actor=cast.coordinator):
        placement = services.reserve(placement_request.pk, capacity_of(location).pk, actor=cast.coordinator)
    with processing_context(actor=other_intake), pytest.raises(services.PlacementError):
        services.accept(placement.pk, actor=other_intake)


def test_reserving_a_place_that_does_not_fit_is_refused(placement_request: Any, amsterdam_location: Any,
                                                        cast: Any) -> None:
    with (translation.override("en"), processing_context(actor=cast.coordinator),
          pytest.raises(services.PlacementError) as err):
        services.reserve(placement_request.pk, capacity_of(amsterdam_location).pk, actor=cast.coordinator)
    assert "exploitation" in str(err.value)


def test_blocks_take_places_and_free_them_at_the_end(location: Any, intake: Any) -> None:
    cap = capacity_of(location)
    today = timezone.localdate()
    with processing_context(actor=intake):
        with pytest.raises(services.CapacityError):
            services.block_places(cap, places=4, reason="staffing", ends_on=today, actor=intake)
        services.block_places(cap, places=2, reason="staffing", ends_on=today + datetime.timedelta(days=3),
                              actor=intake)
        assert selectors.occupancy(location)[0]["free"] == 1
        with pytest.raises(services.CapacityError):
            services.set_capacity(location, "women", 0)  # two places are blocked
        services.set_capacity(location, "women", 2)
        assert selectors.occupancy(location)[0]["free"] == 0
        assert services.lift_ended_blocks(today + datetime.timedelta(days=3)) == 1
    row = selectors.occupancy(location)[0]
    assert (row["places"], row["blocked"], row["free"]) == (2, 0, 2)


def test_waiting_list_is_told_when_a_place_frees_up(placement_request: Any, provider: Any, cast: Any,
                                                    intake: Any) -> None:
    with processing_context(actor=cast.coordinator):
        services.put_on_waiting_list(placement_request.pk, actor=cast.coordinator)
        assert services.check_waiting_list() == 0
    loc = make_location(provider, "Nieuw huis", "GM0014", places=0)
    with processing_context(actor=intake):
        services.set_capacity(loc, "women", 2)
        assert services.check_waiting_list() == 1
        assert services.check_waiting_list() == 0  # told once until read
    note = Notification.objects.get(kind=NotificationKind.PLACE_FREE)
    assert note.organisation == cast.coordinator.organisation
    assert placement_request.case.reference in note.text and note.params["count"] == 1


def test_prefill_from_signal(registered_signal: Any) -> None:
    initial = selectors.initial_needs(registered_signal.case)
    assert initial["gender"] == "female"
    assert initial["languages"] == ["en"]
    assert initial["exploitation_municipality"] == "GM0363"
    assert initial["is_minor"] is False


def test_time_to_admission_statistics() -> None:
    assert selectors.percentile([], 50) == 0.0
    assert selectors.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50) == 5
    assert selectors.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9


def test_placement_constraint_one_live_per_request(placement_request: Any, location: Any, cast: Any) -> None:
    cap = capacity_of(location)
    with processing_context(actor=cast.coordinator):
        services.reserve(placement_request.pk, cap.pk, actor=cast.coordinator)
        with pytest.raises(services.InvalidState):
            services.reserve(placement_request.pk, cap.pk, actor=cast.coordinator)
    assert Placement.objects.filter(request=placement_request).count() == 1


def test_demo_locations_load_and_are_idempotent() -> None:
    from vangnet.demo.organisations import create_organisations
    from vangnet.demo.shelters import DEMO_LOCATIONS, create_shelter_locations

    orgs = create_organisations()
    assert create_shelter_locations(orgs) == len(DEMO_LOCATIONS)
    assert create_shelter_locations(orgs) == 0
    assert len(selectors.candidates()) > len(DEMO_LOCATIONS)


def test_housekeeping_command_runs(placement_request: Any) -> None:
    from django.core.management import call_command

    call_command("shelters_housekeeping", stdout=open("/dev/null", "w"))  # noqa: SIM115
