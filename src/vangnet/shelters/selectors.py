"""Reads for shelters: matching inputs, the provider's inbox, the case panel and the national view."""

from __future__ import annotations

import datetime
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Count, Max, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import formats, timezone

from vangnet.accounts.models import Role
from vangnet.cases.models import Case
from vangnet.regions.models import Municipality, PoliceUnit
from vangnet.shelters.matching import Candidate, Catalogue, MatchResult, Needs, rank_catalogue
from vangnet.shelters.models import (
    OPEN_REQUEST_STATUSES,
    ClaimKind,
    Notification,
    PlaceCapacity,
    Placement,
    PlacementRequest,
    PlacementStatus,
    PlaceType,
    ShelterLocation,
    SlotClaim,
    Specialism,
)
from vangnet.signals.models import Signal

PLACE_TYPE_LABELS = dict(PlaceType.choices)


# --- matching inputs ------------------------------------------------------------------------------


def needs_for(req: PlacementRequest) -> Needs:
    expl = req.exploitation_municipality
    network = req.network_municipality
    region_name = ""
    if expl is not None:
        region_name = PoliceUnit.objects.filter(pk=expl.police_unit_id).values_list("name", flat=True).first() or ""
    return Needs(
        exploitation_municipality_name=expl.name if expl else "",
        network_municipality=network.pk if network else None, network_municipality_name=network.name if network else "",
        gender=req.gender, age=req.age, is_minor=req.is_minor, children_count=req.children_count, lvb=req.lvb,
        addiction=req.addiction, psychiatric=req.psychiatric, multiple_problems=req.multiple_problems,
        wheelchair=req.wheelchair,
        languages={lang.code: lang.name for lang in req.languages.all()},
        place_types=frozenset(req.place_types or ()),
        specialisms={code: str(Specialism(code).label) for code in (req.specialisms or ())
                     if code in Specialism.values},
        exploitation_municipality=expl.pk if expl else None,
        exploitation_region=expl.police_unit_id if expl else None,
        exploitation_region_name=region_name,
        avoid_region=req.avoid_region, avoid_adjacent_regions=req.avoid_adjacent_regions,
        avoid_municipalities=frozenset(req.avoid_municipalities.values_list("pk", flat=True)),
    )


def _candidate(cap: PlaceCapacity, free: int, languages: frozenset[str]) -> Candidate:
    loc = cap.location
    return Candidate(
        capacity_id=cap.pk, location_id=loc.pk, location_name=loc.name, provider_name=loc.provider.name,
        municipality=loc.municipality_id, municipality_name=loc.municipality.name, region=loc.region_id,
        region_name=loc.region.name, place_type=cap.place_type,
        place_type_label=str(PLACE_TYPE_LABELS.get(cap.place_type, cap.place_type)), places=cap.places, free=free,
        genders=frozenset(loc.genders or ()), min_age=loc.min_age, max_age=loc.max_age,
        accepts_children=loc.accepts_children, accepts_lvb=loc.accepts_lvb, accepts_addiction=loc.accepts_addiction,
        offers_psychiatric_care=loc.offers_psychiatric_care, wheelchair_accessible=loc.wheelchair_accessible,
        languages=languages, specialisms=frozenset(loc.specialisms or ()),
    )


def candidate_for(capacity: PlaceCapacity, *, free: int) -> Candidate:
    languages = frozenset(capacity.location.languages.values_list("code", flat=True))
    return _candidate(capacity, free, languages)


def _taken_queryset(now: datetime.datetime) -> QuerySet[SlotClaim, tuple[int, int]]:
    return (SlotClaim.objects.filter(released_at__isnull=True)
            .exclude(kind=ClaimKind.HOLD, expires_at__lt=now)
            .values("capacity_id").annotate(n=Count("id")).values_list("capacity_id", "n"))


def taken_per_capacity(now: datetime.datetime | None = None) -> dict[int, int]:
    """Active claims per capacity; a hold past its time counts as free (the next reservation releases it)."""
    return dict(_taken_queryset(now or timezone.now()))


CANDIDATE_COLUMNS = (
    "pk", "location_id", "location__name", "location__provider__name", "location__municipality_id",
    "location__municipality__name", "location__region_id", "location__region__name", "place_type", "places",
    "genders_text", "location__min_age", "location__max_age", "location__accepts_children",
    "location__accepts_lvb", "location__accepts_addiction", "location__offers_psychiatric_care",
    "location__wheelchair_accessible", "specialisms_text",
)


def _parsed(cache: dict[str, frozenset[str]], text: str | None) -> frozenset[str]:
    """JSON lists of codes, parsed once per distinct value (there are only a handful)."""
    key = text or "[]"
    if key not in cache:
        cache[key] = frozenset(json.loads(key))
    return cache[key]


#: Per process: the static part of every candidate (location, criteria, places), indexed per criterion, with
#: the version it was read at. Free places are never cached; they are counted on every match.
_static_cache: tuple[tuple[Any, int], Catalogue] | None = None


def _catalogue_version() -> tuple[Any, int]:
    row = ShelterLocation.objects.aggregate(v=Max("changed_at"), n=Count("id"))
    return row["v"], row["n"]


def catalogue() -> Catalogue:
    """The static part of every place type at every active location, read again only when a location or its
    places changed (``ShelterLocation.changed_at`` is bumped by every such change)."""
    global _static_cache
    version = _catalogue_version()
    cached = _static_cache
    if cached is not None and cached[0] == version:
        return cached[1]
    languages: dict[int, set[str]] = defaultdict(set)
    for loc_id, code in ShelterLocation.languages.through.objects.values_list("shelterlocation_id", "language_id"):
        languages[loc_id].add(code)
    frozen = {k: frozenset(v) for k, v in languages.items()}
    empty: frozenset[str] = frozenset()
    rows = (PlaceCapacity.objects.filter(location__is_active=True, places__gt=0).order_by("pk")
            .annotate(genders_text=Cast("location__genders", TextField()),
                      specialisms_text=Cast("location__specialisms", TextField()))
            .values_list(*CANDIDATE_COLUMNS))
    parsed: dict[str, frozenset[str]] = {}
    built = Catalogue(
        (cap_id, loc_id, loc_name, provider, muni, muni_name, region, region_name, place_type, places,
         _parsed(parsed, genders), min_age, max_age, children, lvb,
         addiction, psychiatric, wheelchair, frozen.get(loc_id, empty), _parsed(parsed, specialisms))
        for (cap_id, loc_id, loc_name, provider, muni, muni_name, region, region_name, place_type, places, genders,
             min_age, max_age, children, lvb, addiction, psychiatric, wheelchair, specialisms) in rows
    )
    _static_cache = (version, built)
    return built


def _taken_rows(now: datetime.datetime | None) -> dict[int, int]:
    """``taken_per_capacity`` without building model-layer rows: the same SQL, read with a plain cursor (on
    PostgreSQL as two arrays in one row rather than a row per place type)."""
    qs = _taken_queryset(now or timezone.now())
    sql, params = qs.query.sql_with_params()
    connection = connections[qs.db]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the ORM-compiled query of _taken_queryset, its values passed as parameters
            cursor.execute(f"SELECT array_agg(t.capacity_id), array_agg(t.n) FROM ({sql}) AS t", params)  # noqa: S608
            ids, counts = cursor.fetchone()
            return dict(zip(ids or (), counts or (), strict=True))
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _labels() -> dict[str, str]:
    """Place type labels in the active language, translated once per match."""
    return {k: str(v) for k, v in PLACE_TYPE_LABELS.items()}


def candidates(now: datetime.datetime | None = None) -> list[Candidate]:
    """Every place type at every active location, with free places now: two small queries per match (the
    catalogue version and the active claims), plus three when a location or its places changed. Plain rows,
    never the (encrypted) address."""
    return catalogue().candidates(_taken_rows(now), _labels())


def find_matches(req: PlacementRequest, now: datetime.datetime | None = None) -> MatchResult:
    """``rank(needs_for(req), candidates(now))``, per criterion over the cached catalogue (see
    ``matching.rank_catalogue``): the left-out places are explained when looked at."""
    needs = needs_for(req)
    static = catalogue()
    return rank_catalogue(needs, static, _taken_rows(now), _labels())


# --- pre-filling a request from the case's signals -------------------------------------------------


#: The shelter type the triage advises -> the types of place a request asks for.
TRIAGE_PLACE_TYPES = {"cosm": [PlaceType.COSM.value], "omm": [PlaceType.OMM.value], "minor": [PlaceType.MINORS.value]}
#: The request fields the triage advises (compared with what the requester chose, and the differences logged).
ADVISED_FIELDS = ("place_types", "care_needs", "lvb", "addiction", "psychiatric", "multiple_problems")


def triage_advice(case: Case) -> dict[str, Any]:
    """What the current triage of the case advises for a placement request ({} without a triage)."""
    from vangnet.triage.selectors import current_triage

    triage = current_triage(case)
    if triage is None:
        return {}
    facts = triage.facts
    return {
        "triage_id": triage.triage_id, "rules_version": triage.rules_version, "urgency": triage.urgency,
        "place_types": TRIAGE_PLACE_TYPES.get(triage.shelter_type, []), "care_needs": list(triage.needs),
        "lvb": facts.get("lvb") == "yes", "addiction": facts.get("addiction") == "yes",
        "psychiatric": facts.get("psychiatric") == "yes" or "psychiatric_care" in triage.needs,
        "multiple_problems": facts.get("multiple_problems") == "yes",
    }


def advice_differences(advice: dict[str, Any], data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The advised fields the requester changed: {field: {"old": advised, "new": chosen}}."""
    changes = {}
    for name in ADVISED_FIELDS:
        if name not in advice or name not in data:
            continue
        old, new = advice[name], data[name]
        if isinstance(old, list):
            old, new = sorted(old), sorted(new or [])
        if old != new:
            changes[name] = {"old": old, "new": new}
    return changes


def initial_needs(case: Case) -> dict[str, Any]:
    """The person's profile from the newest signal (and the place of exploitation from any signal), with the
    shelter type, needs and care flags the triage advises."""
    signals = list(Signal.objects.filter(case=case).order_by("-submitted_at").prefetch_related("languages", "forms"))
    initial: dict[str, Any] = {"urgency": case.urgency, "avoid_region": True}
    advice = triage_advice(case)
    if not signals:
        return {**initial, **{k: advice[k] for k in ADVISED_FIELDS if k in advice}}
    s = signals[0]
    forms = {f.code for sig in signals for f in sig.forms.all()} | {
        f.parent_id for sig in signals for f in sig.forms.all() if f.parent_id}
    specialisms = []
    if "labour" in forms:
        specialisms.append(Specialism.LABOUR.value)
    if "criminal" in forms:
        specialisms.append(Specialism.CRIMINAL.value)
    if "sexual" in forms and s.gender == "male":
        specialisms.append(Specialism.MALE_SEXUAL.value)
    expl = next((sig.exploitation_municipality_id for sig in signals if sig.exploitation_municipality_id), None)
    initial.update({
        "gender": s.gender, "age": s.age_at_signal if s.age_at_signal is not None else s.estimated_age,
        "is_minor": s.is_minor or case.is_minor, "children_count": s.children_count, "lvb": s.has_lvb == "yes",
        "multiple_problems": s.has_multiple_problems == "yes", "languages": [lang.pk for lang in s.languages.all()],
        "specialisms": specialisms, "exploitation_municipality": expl or s.municipality_id,
    })
    for name in ADVISED_FIELDS:
        if name not in advice:
            continue
        # a yes from the signal stays a yes; the triage adds what it knows
        initial[name] = (initial.get(name) or advice[name]) if isinstance(advice[name], bool) else advice[name]
    return initial


# --- requests, placements and who may see them -------------------------------------------------------


def live_placement(req: PlacementRequest) -> Placement | None:
    return (req.placements.filter(status__in=[PlacementStatus.HELD, PlacementStatus.ACCEPTED, PlacementStatus.ADMITTED])
            .select_related("capacity__location__provider", "capacity__location__municipality").first())


def address_visible(placement: Placement, user: Any) -> bool:
    """The address: to the provider itself; to the placing organisation once the placement is accepted."""
    org_id = getattr(user, "organisation_id", None)
    if org_id is None:
        return False
    if user.role == Role.SHELTER_INTAKE and placement.capacity.location.provider_id == org_id:
        return True
    return (placement.status in (PlacementStatus.ACCEPTED, PlacementStatus.ADMITTED)
            and placement.request.requesting_organisation_id == org_id)


def provider_locations(org_id: int) -> QuerySet[ShelterLocation]:
    return (ShelterLocation.objects.filter(provider_id=org_id).select_related("municipality", "region")
            .prefetch_related("capacities"))


def provider_inbox(org_id: int) -> dict[str, list[Placement]]:
    qs = (Placement.objects.filter(capacity__location__provider_id=org_id,
                                   status__in=[PlacementStatus.HELD, PlacementStatus.ACCEPTED,
                                               PlacementStatus.ADMITTED])
          .select_related("request", "capacity__location").prefetch_related("request__languages")
          .order_by("held_until"))
    inbox: dict[str, list[Placement]] = {"held": [], "accepted": [], "admitted": []}
    for p in qs:
        inbox[p.status].append(p)
    return inbox


def unread_notifications(org_id: int | None, limit: int = 20) -> list[Notification]:
    if org_id is None:
        return []
    return list(Notification.objects.filter(organisation_id=org_id, read_at__isnull=True)
                .select_related("request__case").order_by("-created_at")[:limit])


def requests_for_organisation(org_id: int) -> QuerySet[PlacementRequest]:
    return (PlacementRequest.objects.filter(requesting_organisation_id=org_id)
            .select_related("case").order_by("-created_at"))


def occupancy(location: ShelterLocation) -> list[dict[str, Any]]:
    """Per place type: places, occupied, held, blocked, free — all derived from the claims."""
    now = timezone.now()
    rows = []
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for cap_id, kind, expires_at in SlotClaim.objects.filter(capacity__location=location, released_at__isnull=True) \
            .values_list("capacity_id", "kind", "expires_at"):
        if kind == ClaimKind.HOLD and expires_at is not None and expires_at < now:
            continue
        counts[(cap_id, kind)] += 1
    for cap in location.capacities.all().order_by("place_type"):
        occupied = counts[(cap.pk, ClaimKind.ADMISSION)]
        held = counts[(cap.pk, ClaimKind.HOLD)]
        blocked = counts[(cap.pk, ClaimKind.BLOCK)]
        rows.append({"capacity": cap, "places": cap.places, "occupied": occupied, "held": held, "blocked": blocked,
                     "free": max(cap.places - occupied - held - blocked, 0),
                     "blocks": [b for b in cap.blocks.all() if b.lifted_at is None]})
    return rows


# --- the national view ------------------------------------------------------------------------------


@dataclass
class RegionRow:
    code: str
    name: str
    per_type: dict[str, dict[str, int]] = field(default_factory=dict)

    def total(self, key: str) -> int:
        return sum(v[key] for v in self.per_type.values())


def capacity_by_region(now: datetime.datetime | None = None) -> tuple[list[RegionRow], dict[str, dict[str, int]]]:
    """Places, occupied, held, blocked and free per region and place type (and national totals)."""
    now = now or timezone.now()
    claims: dict[tuple[int, str], int] = defaultdict(int)
    for cap_id, kind, n in (SlotClaim.objects.filter(released_at__isnull=True)
                            .exclude(kind=ClaimKind.HOLD, expires_at__lt=now)
                            .values("capacity_id", "kind").annotate(n=Count("id"))
                            .values_list("capacity_id", "kind", "n")):
        claims[(cap_id, kind)] += n
    regions = {u.code: RegionRow(u.code, u.name) for u in PoliceUnit.objects.order_by("name")}
    totals: dict[str, dict[str, int]] = {}
    for cap_id, region, place_type, places in PlaceCapacity.objects.filter(location__is_active=True).values_list(
            "pk", "location__region_id", "place_type", "places"):
        row = regions[region].per_type.setdefault(
            place_type, {"places": 0, "occupied": 0, "held": 0, "blocked": 0, "free": 0})
        tot = totals.setdefault(place_type, {"places": 0, "occupied": 0, "held": 0, "blocked": 0, "free": 0})
        occupied, held, blocked = (claims[(cap_id, ClaimKind.ADMISSION)], claims[(cap_id, ClaimKind.HOLD)],
                                   claims[(cap_id, ClaimKind.BLOCK)])
        for target in (row, tot):
            target["places"] += places
            target["occupied"] += occupied
            target["held"] += held
            target["blocked"] += blocked
            target["free"] += max(places - occupied - held - blocked, 0)
    return list(regions.values()), totals


def open_requests() -> QuerySet[PlacementRequest]:
    return (PlacementRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES)
            .select_related("case", "requesting_organisation").order_by("deadline"))


def escalations() -> QuerySet[PlacementRequest]:
    return open_requests().filter(escalated_at__isnull=False).order_by("escalated_at")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank_ = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank_ - 1]


def time_to_admission(months: int = 12, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Hours from request to admission, median and 90th percentile per month of admission."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    first = (local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
             - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    hours: dict[str, list[float]] = defaultdict(list)
    for created, admitted in PlacementRequest.objects.filter(admitted_at__gte=first).values_list(
            "created_at", "admitted_at"):
        if admitted is None:
            continue
        month = timezone.localtime(admitted).strftime("%Y-%m")
        hours[month].append((admitted - created).total_seconds() / 3600)
    result = []
    cursor = first.date()
    for _i in range(months):
        key = cursor.strftime("%Y-%m")
        values = hours.get(key, [])
        result.append({"month": key, "month_label": formats.date_format(cursor, "YEAR_MONTH_FORMAT"),
                       "count": len(values), "median": round(percentile(values, 50), 1),
                       "p90": round(percentile(values, 90), 1)})
        cursor = (cursor + datetime.timedelta(days=32)).replace(day=1)
    return result


def municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("name")


def user_request_q(user: Any) -> Q:
    return Q(requesting_organisation_id=user.organisation_id)
