"""Matching that follows triage and explains itself: distances, score per criterion, why #1 beats #2, and the
triage advice carried into the request with the differences logged."""

from __future__ import annotations

import csv
from typing import Any

import pytest
from django.utils import translation

from tests.shelters.conftest import make_location
from vangnet.audit.context import processing_context
from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases.models import CaseEvent
from vangnet.core.models import Language
from vangnet.regions.models import Municipality
from vangnet.shelters import selectors, services
from vangnet.shelters.matching import (
    CENTROIDS_FILE,
    Candidate,
    Needs,
    centroids,
    distance_km,
    haversine_km,
    lead_reasons,
    rank,
)
from vangnet.triage import services as triage_services
from vangnet.triage.models import Trigger


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_every_municipality_has_a_centroid_inside_the_netherlands() -> None:
    codes = {row["cbs_code"] for row in csv.DictReader(
        (CENTROIDS_FILE.parents[2] / "regions" / "data" / "municipalities.csv").open(encoding="utf-8"))}
    table = centroids()
    assert set(table) == codes and len(codes) == 342
    with CENTROIDS_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    approximate = [r["name"] for r in rows if not r["geonameid"].isdigit()]
    assert len(approximate) <= 10, approximate  # hand-placed towns are the exception and marked


@pytest.mark.parametrize("a, b, low, high", [
    ("GM0363", "GM0014", 145, 160),   # Amsterdam - Groningen: about 150 km
    ("GM0363", "GM0935", 170, 185),   # Amsterdam - Maastricht: about 175 km in a straight line
    ("GM0599", "GM0518", 15, 25),     # Rotterdam - The Hague: about 20 km
    ("GM0344", "GM0344", 0, 0),
])
def test_distances_between_municipalities_are_plausible(a: str, b: str, low: int, high: int) -> None:
    km = distance_km(a, b)
    assert km is not None and low <= km <= high


def test_haversine_and_unknowns() -> None:
    assert round(haversine_km((0.0, 0.0), (0.0, 1.0))) == 111
    assert distance_km("GM0363", None) is None and distance_km("GM9999", "GM0363") is None


def _cand(cap_id: int, municipality: str, region: str, *, free: int = 2, languages: frozenset[str] = frozenset(),
          place_type: str = "cosm", name: str = "") -> Candidate:
    return Candidate(cap_id, cap_id, name or f"Loc {cap_id}", "Provider", municipality, municipality, region, region,
                     place_type, place_type, 5, free, frozenset({"female"}), 18, 120, False, False, False, False,
                     False, languages, frozenset())


def test_score_is_broken_down_and_the_lead_is_explained() -> None:
    needs = Needs(gender="female", age=30, exploitation_municipality="GM0363", exploitation_region="AM",
                  exploitation_municipality_name="Amsterdam", network_municipality="GM0344",
                  network_municipality_name="Utrecht", languages={"ro": "Romanian"}, place_types=frozenset({"cosm"}))
    groningen = _cand(1, "GM0014", "NN")           # far away, no Romanian
    utrecht = _cand(2, "GM0344", "MN", languages=frozenset({"ro"}))  # closer, near the network, Romanian
    maastricht = _cand(3, "GM0935", "LB")          # far, no language
    result = rank(needs, [groningen, utrecht, maastricht])
    first, second, third = result.fitting
    assert first.candidate is utrecht
    for m in result.fitting:
        assert m.score == round(sum(p.points for p in m.breakdown), 2)
        assert {p.code for p in m.breakdown} >= {"safety_km", "network", "free"}
    assert first.km_from_exploitation == distance_km("GM0363", "GM0344")
    assert first.km_from_network == 0
    texts = [str(r) for r in first.reasons]
    assert any("km from the place of exploitation (Amsterdam)" in t for t in texts)
    lead = [str(r) for r in lead_reasons(first, second)]
    assert lead and lead[0].startswith("Staff speak the person's language: 2 points more")
    # and the trade-off: Maastricht (#2, 178 km) is farther from Amsterdam than Utrecht
    assert second.candidate is maastricht and third.candidate is groningen
    assert lead[-1].startswith("but far from the place of exploitation: ") and "points less" in lead[-1]
    # #2 against #3: the farther place wins on safety, both far from the network
    lead23 = [str(r) for r in lead_reasons(second, third)]
    assert second.score > third.score and lead23


def test_equal_scores_are_explained_by_the_tie_break() -> None:
    needs = Needs(gender="female", age=30)
    a, b = _cand(1, "GM0014", "NN", free=5), _cand(2, "GM0014", "NN", free=5)
    first, second = rank(needs, [a, b]).fitting
    assert first.score == second.score
    assert [r.code for r in lead_reasons(first, second)] == ["tie_name"]
    c = _cand(3, "GM0014", "NN", free=5)
    d = _cand(4, "GM0014", "NN", free=6)  # free points stop at 5: same score, more free places
    first, second = rank(needs, [c, d]).fitting
    assert first.candidate is d and [r.code for r in lead_reasons(first, second)] == ["tie_free"]


# --- triage advice into the request ------------------------------------------------------------------


@pytest.mark.django_db
def test_request_is_prefilled_from_the_triage(registered_signal: Any, cast: Any) -> None:
    case = registered_signal.case
    with processing_context(actor=cast.coordinator):
        triage_services.triage_case(case, actor=cast.coordinator, trigger=Trigger.FACTS,
                                    recorded_facts={"psychiatric": "yes", "pregnant": "yes"})
    initial = selectors.initial_needs(case)
    assert initial["place_types"] == ["omm"]  # psychiatric problems: the rules advise OMM
    assert initial["psychiatric"] is True
    assert {"psychiatric_care", "medical", "safe_shelter"} <= set(initial["care_needs"])


@pytest.mark.django_db
def test_changing_the_advice_is_recorded(registered_signal: Any, cast: Any, needs_data: dict[str, Any],
                                         provider: Any) -> None:
    case = registered_signal.case
    advice = selectors.triage_advice(case)
    assert advice["place_types"] == ["cosm"]
    data = {**needs_data, "place_types": ["cosm"], "care_needs": advice["care_needs"]}
    with processing_context(actor=cast.coordinator):
        same = services.create_request(case, actor=cast.coordinator, data=data,
                                       languages=Language.objects.filter(pk="en"))
    assert same.triage_advice["place_types"] == ["cosm"]
    assert not CaseEvent.objects.filter(case=case, message__contains="differs from the triage advice").exists()
    with processing_context(actor=cast.coordinator):
        services.cancel_request(same.pk, actor=cast.coordinator)
        changed = services.create_request(case, actor=cast.coordinator,
                                          data={**data, "place_types": ["women"], "care_needs": ["safe_shelter"]})
    event = CaseEvent.objects.get(case=case, message__contains="differs from the triage advice")
    assert event.params == {"count": 2}
    entry = ProcessingLogEntry.objects.filter(object_id=str(changed.pk), action="create").latest("pk")
    assert entry.changes["place_types"] == {"old": ["cosm"], "new": ["women"]}
    assert set(entry.changes) == {"place_types", "care_needs"}


@pytest.mark.django_db
def test_network_and_distance_shown_in_the_matches(registered_signal: Any, cast: Any, needs_data: dict[str, Any],
                                                   provider: Any) -> None:
    make_location(provider, "Huis Noord", "GM0014", place_type="cosm")
    make_location(provider, "Huis Zuid", "GM0935", place_type="cosm")
    data = {**needs_data, "place_types": ["cosm"], "network_municipality": Municipality.objects.get(pk="GM0014")}
    with processing_context(actor=cast.coordinator):
        req = services.create_request(registered_signal.case, actor=cast.coordinator, data=data)
    first, second = selectors.find_matches(req).fitting
    assert first.candidate.location_name == "Huis Noord"  # near the network
    assert first.km_from_network == 0 and second.km_from_network is not None and second.km_from_network > 200
    # Groningen (147 km) is a little closer to Amsterdam than Maastricht (178 km): the network decides
    assert [str(r) for r in lead_reasons(first, second)] == [
        "Close to the person's network: 1.5 points more", "but far from the place of exploitation: 0.06 points less"]
