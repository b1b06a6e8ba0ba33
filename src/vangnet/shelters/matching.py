"""Placement matching: which free places fit a person's needs, ranked, and why (or why not).

Pure Python over plain data (``Needs`` and ``Candidate``): no ORM, no requests. ``selectors`` builds the
inputs from the database; views only show the result. Every decision is explained with ``Reason`` codes,
so the page can say why a place fits and which criterion left another one out.

Hard criteria (a place that fails one is left out): type of place, gender, age, children, LVB,
addiction, psychiatric care, wheelchair access, safety (not in the municipality or police region of the
exploitation, optionally not in a neighbouring region, not in named municipalities) and a free place.
Soft criteria (they only rank): specialism, a language the staff speak, an OMM place for someone with
multiple problems, extra distance from the region of exploitation, and more free places.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from vangnet.core.reference_data import read_yaml

ADJACENCY_FILE = Path(__file__).resolve().parent / "data" / "region_adjacency.yaml"

ADULT_TYPES = {
    "female": frozenset({"cosm", "omm", "women", "crisis"}),
    "male": frozenset({"cosm", "omm", "men", "crisis"}),
    "x": frozenset({"cosm", "omm", "crisis"}),
    "unknown": frozenset({"cosm", "omm", "crisis"}),
}
MINOR_TYPES = frozenset({"minors"})
ADULT_AGE = 18

MESSAGES = {
    # why a place fits
    "type_ok": _("Type of place: %(type)s"),
    "gender_ok": _("Admits this gender"),
    "gender_unknown": _("Gender unknown: check with the shelter"),
    "age_ok": _("Age %(age)s is within %(min)s–%(max)s"),
    "children_ok": _("Children can come along"),
    "lvb_ok": _("Admits people with a mild intellectual disability (LVB)"),
    "addiction_ok": _("Admits people with an addiction"),
    "psychiatric_ok": _("Offers psychiatric care"),
    "wheelchair_ok": _("Wheelchair accessible"),
    "safe_region": _("In another police region than the exploitation (%(region)s)"),
    "safe_distance": _("Not in or next to the police region of the exploitation"),
    "specialism": _("Specialised in: %(specialism)s"),
    "language": _("Staff speak %(language)s"),
    "omm_for_multiple": _("Shelter for multiple problems"),
    "free": _("%(free)s of %(places)s places free"),
    # why a place is left out
    "type_no": _("Type of place does not fit (%(type)s)"),
    "gender_no": _("Does not admit this gender"),
    "age_no": _("Age %(age)s is outside %(min)s–%(max)s"),
    "children_no": _("Children cannot come along"),
    "lvb_no": _("Does not admit people with a mild intellectual disability (LVB)"),
    "addiction_no": _("Does not admit people with an addiction"),
    "psychiatric_no": _("No psychiatric care"),
    "wheelchair_no": _("Not wheelchair accessible"),
    "exploitation_municipality": _("In the municipality of the exploitation"),
    "exploitation_region": _("In the police region of the exploitation"),
    "adjacent_region": _("In a police region next to the region of the exploitation"),
    "avoided_municipality": _("In a municipality to avoid (%(municipality)s)"),
    "no_free_place": _("No free place"),
}

#: Short names of the exclusion criteria, for the summary "left out by …".
EXCLUSION_LABELS = {
    "type_no": _("Type of place does not fit"),
    "gender_no": _("Does not admit this gender"),
    "age_no": _("Age outside the admitted range"),
    "children_no": _("Children cannot come along"),
    "lvb_no": _("Does not admit LVB"),
    "addiction_no": _("Does not admit addiction"),
    "psychiatric_no": _("No psychiatric care"),
    "wheelchair_no": _("Not wheelchair accessible"),
    "exploitation_municipality": _("In the municipality of the exploitation"),
    "exploitation_region": _("In the police region of the exploitation"),
    "adjacent_region": _("In a neighbouring police region"),
    "avoided_municipality": _("In a municipality to avoid"),
    "no_free_place": _("No free place"),
}


@dataclass(frozen=True)
class Reason:
    code: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def text(self) -> str:
        return str(MESSAGES[self.code]) % dict(self.params) if self.params else str(MESSAGES[self.code])

    def __str__(self) -> str:
        return self.text


def reason(code: str, **params: object) -> Reason:
    return Reason(code, tuple(sorted(params.items())))


@dataclass(frozen=True)
class Needs:
    gender: str = "unknown"
    age: int | None = None
    is_minor: bool = False
    children_count: int = 0
    lvb: bool = False
    addiction: bool = False
    psychiatric: bool = False
    multiple_problems: bool = False
    wheelchair: bool = False
    languages: Mapping[str, str] = field(default_factory=dict)  # code → name
    place_types: frozenset[str] = frozenset()
    specialisms: Mapping[str, str] = field(default_factory=dict)  # code → label
    exploitation_municipality: str | None = None
    exploitation_region: str | None = None
    exploitation_region_name: str = ""
    avoid_region: bool = True
    avoid_adjacent_regions: bool = False
    avoid_municipalities: frozenset[str] = frozenset()

    def suitable_types(self) -> frozenset[str]:
        if self.place_types:
            return frozenset(self.place_types)
        if self.is_minor:
            return MINOR_TYPES
        return ADULT_TYPES.get(self.gender, ADULT_TYPES["unknown"])

    @property
    def effective_age(self) -> int:
        if self.age is not None:
            return self.age
        return ADULT_AGE - 1 if self.is_minor else ADULT_AGE


@dataclass(frozen=True)
class Candidate:
    """One place type at one location, with its free places now."""

    capacity_id: int
    location_id: int
    location_name: str
    provider_name: str
    municipality: str
    municipality_name: str
    region: str
    region_name: str
    place_type: str
    place_type_label: str
    places: int
    free: int
    genders: frozenset[str]
    min_age: int
    max_age: int
    accepts_children: bool
    accepts_lvb: bool
    accepts_addiction: bool
    offers_psychiatric_care: bool
    wheelchair_accessible: bool
    languages: frozenset[str]
    specialisms: frozenset[str]


@dataclass
class Match:
    candidate: Candidate
    reasons: list[Reason]
    exclusions: list[Reason]
    score: float

    @property
    def fits(self) -> bool:
        return not self.exclusions


@dataclass
class MatchResult:
    fitting: list[Match]
    excluded: list[Match]

    @property
    def best(self) -> Match | None:
        return self.fitting[0] if self.fitting else None


@lru_cache(maxsize=1)
def adjacency() -> dict[str, frozenset[str]]:
    data = read_yaml(ADJACENCY_FILE)["adjacent"]
    table = {code: frozenset(neighbours) for code, neighbours in data.items()}
    for code, neighbours in table.items():
        for other in neighbours:
            if code not in table.get(other, frozenset()):
                raise ValueError(f"Region adjacency is not symmetric: {code} → {other}")
    return table


def evaluate(needs: Needs, c: Candidate, adjacent: Mapping[str, frozenset[str]] | None = None) -> Match:
    adjacent = adjacency() if adjacent is None else adjacent
    ok: list[Reason] = []
    no: list[Reason] = []
    score = 0.0

    if c.place_type in needs.suitable_types():
        ok.append(reason("type_ok", type=c.place_type_label))
    else:
        no.append(reason("type_no", type=c.place_type_label))

    if needs.gender in ("female", "male", "x"):
        if needs.gender in c.genders:
            ok.append(reason("gender_ok"))
        else:
            no.append(reason("gender_no"))
    else:
        ok.append(reason("gender_unknown"))

    age = needs.effective_age
    shown_age = needs.age if needs.age is not None else (_("under 18") if needs.is_minor else _("unknown"))
    if c.min_age <= age <= c.max_age:
        ok.append(reason("age_ok", age=shown_age, min=c.min_age, max=c.max_age))
    else:
        no.append(reason("age_no", age=shown_age, min=c.min_age, max=c.max_age))

    for needed, offered, good, bad in (
        (needs.children_count > 0, c.accepts_children, "children_ok", "children_no"),
        (needs.lvb, c.accepts_lvb, "lvb_ok", "lvb_no"),
        (needs.addiction, c.accepts_addiction, "addiction_ok", "addiction_no"),
        (needs.psychiatric, c.offers_psychiatric_care, "psychiatric_ok", "psychiatric_no"),
        (needs.wheelchair, c.wheelchair_accessible, "wheelchair_ok", "wheelchair_no"),
    ):
        if needed:
            (ok if offered else no).append(reason(good if offered else bad))

    # safety
    if needs.exploitation_municipality and c.municipality == needs.exploitation_municipality:
        no.append(reason("exploitation_municipality"))
    if needs.exploitation_region:
        neighbours = adjacent.get(needs.exploitation_region, frozenset())
        if c.region == needs.exploitation_region:
            if needs.avoid_region:
                no.append(reason("exploitation_region"))
        elif c.region in neighbours:
            if needs.avoid_adjacent_regions:
                no.append(reason("adjacent_region"))
            else:
                ok.append(reason("safe_region", region=needs.exploitation_region_name or needs.exploitation_region))
                score += 1
        else:
            ok.append(reason("safe_distance"))
            score += 2
    if c.municipality in needs.avoid_municipalities:
        no.append(reason("avoided_municipality", municipality=c.municipality_name))

    # soft criteria
    for code, label in needs.specialisms.items():
        if code in c.specialisms:
            ok.append(reason("specialism", specialism=label))
            score += 3
    for code, name in needs.languages.items():
        if code in c.languages:
            ok.append(reason("language", language=name))
            score += 2
            break
    if (needs.multiple_problems or needs.addiction or needs.psychiatric) and c.place_type == "omm":
        ok.append(reason("omm_for_multiple"))
        score += 2

    if c.free > 0:
        ok.append(reason("free", free=c.free, places=c.places))
        score += min(c.free, 5) / 10
    else:
        no.append(reason("no_free_place"))
    return Match(candidate=c, reasons=ok, exclusions=no, score=score)


def rank(needs: Needs, candidates: Iterable[Candidate],
         adjacent: Mapping[str, frozenset[str]] | None = None) -> MatchResult:
    """All fitting places best first; all others with the criteria that excluded them."""
    adjacent = adjacency() if adjacent is None else adjacent
    fitting: list[Match] = []
    excluded: list[Match] = []
    for candidate in candidates:
        match = evaluate(needs, candidate, adjacent)
        (fitting if match.fits else excluded).append(match)
    fitting.sort(key=lambda m: (-m.score, -m.candidate.free, m.candidate.provider_name, m.candidate.location_name,
                                m.candidate.capacity_id))
    excluded.sort(key=lambda m: (len(m.exclusions), m.candidate.provider_name, m.candidate.location_name,
                                 m.candidate.capacity_id))
    return MatchResult(fitting=fitting, excluded=excluded)
