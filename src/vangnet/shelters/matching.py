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
from typing import NamedTuple

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


class Reason(NamedTuple):
    code: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def text(self) -> str:
        return str(MESSAGES[self.code]) % dict(self.params) if self.params else str(MESSAGES[self.code])

    def __str__(self) -> str:
        return self.text


def reason(code: str, **params: object) -> Reason:
    return Reason(code, tuple(params.items()))


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


@dataclass(slots=True)
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


_NEED_CHECKS = (
    # (needs attribute test, candidate attribute, reason when offered, reason when not)
    ("children", "accepts_children", Reason("children_ok"), Reason("children_no")),
    ("lvb", "accepts_lvb", Reason("lvb_ok"), Reason("lvb_no")),
    ("addiction", "accepts_addiction", Reason("addiction_ok"), Reason("addiction_no")),
    ("psychiatric", "offers_psychiatric_care", Reason("psychiatric_ok"), Reason("psychiatric_no")),
    ("wheelchair", "wheelchair_accessible", Reason("wheelchair_ok"), Reason("wheelchair_no")),
)


def _needed(needs: Needs, name: str) -> bool:
    return needs.children_count > 0 if name == "children" else bool(getattr(needs, name))


def _shown_age(needs: Needs) -> object:
    return needs.age if needs.age is not None else (_("under 18") if needs.is_minor else _("unknown"))


def evaluate(needs: Needs, c: Candidate, adjacent: Mapping[str, frozenset[str]] | None = None,
             types: frozenset[str] | None = None, *, explain_exclusions_only: bool = False) -> Match:
    """Check one candidate. Exclusions are always complete; the reasons why it fits (and the score) are
    worked out only for a place that fits, unless it is left out anyway."""
    adjacent = adjacency() if adjacent is None else adjacent
    types = needs.suitable_types() if types is None else types
    no: list[Reason] = []
    if c.place_type not in types:
        no.append(Reason("type_no", (("type", c.place_type_label),)))
    gendered = needs.gender in ("female", "male", "x")
    if gendered and needs.gender not in c.genders:
        no.append(Reason("gender_no"))
    age = needs.effective_age
    if not c.min_age <= age <= c.max_age:
        no.append(Reason("age_no", (("age", _shown_age(needs)), ("min", c.min_age), ("max", c.max_age))))
    needed = [(attr, good, bad) for name, attr, good, bad in _NEED_CHECKS if _needed(needs, name)]
    for attr, _good, bad in needed:
        if not getattr(c, attr):
            no.append(bad)
    region = needs.exploitation_region
    neighbours = adjacent.get(region, frozenset()) if region else frozenset()
    if needs.exploitation_municipality and c.municipality == needs.exploitation_municipality:
        no.append(Reason("exploitation_municipality"))
    if region and c.region == region and needs.avoid_region:
        no.append(Reason("exploitation_region"))
    if region and c.region in neighbours and needs.avoid_adjacent_regions:
        no.append(Reason("adjacent_region"))
    if c.municipality in needs.avoid_municipalities:
        no.append(Reason("avoided_municipality", (("municipality", c.municipality_name),)))
    if c.free <= 0:
        no.append(Reason("no_free_place"))
    if no or explain_exclusions_only:
        return Match(candidate=c, reasons=[], exclusions=no, score=0.0)

    # it fits: say why, and score the soft criteria
    ok = [Reason("type_ok", (("type", c.place_type_label),)),
          Reason("gender_ok") if gendered else Reason("gender_unknown"),
          Reason("age_ok", (("age", _shown_age(needs)), ("min", c.min_age), ("max", c.max_age)))]
    ok.extend(good for _attr, good, _bad in needed)
    score = 0.0
    if region and c.region != region:
        if c.region in neighbours:
            ok.append(Reason("safe_region", (("region", needs.exploitation_region_name or region),)))
            score += 1
        else:
            ok.append(Reason("safe_distance"))
            score += 2
    for code, label in needs.specialisms.items():
        if code in c.specialisms:
            ok.append(Reason("specialism", (("specialism", label),)))
            score += 3
    for code, name in needs.languages.items():
        if code in c.languages:
            ok.append(Reason("language", (("language", name),)))
            score += 2
            break
    if (needs.multiple_problems or needs.addiction or needs.psychiatric) and c.place_type == "omm":
        ok.append(Reason("omm_for_multiple"))
        score += 2
    ok.append(Reason("free", (("free", c.free), ("places", c.places))))
    score += min(c.free, 5) / 10
    return Match(candidate=c, reasons=ok, exclusions=[], score=score)


def rank(needs: Needs, candidates: Iterable[Candidate],
         adjacent: Mapping[str, frozenset[str]] | None = None) -> MatchResult:
    """All fitting places best first; all others with the criteria that excluded them."""
    adjacent = adjacency() if adjacent is None else adjacent
    types = needs.suitable_types()
    fitting: list[Match] = []
    excluded: list[Match] = []
    for candidate in candidates:
        match = evaluate(needs, candidate, adjacent, types)
        (fitting if match.fits else excluded).append(match)
    fitting.sort(key=lambda m: (-m.score, -m.candidate.free, m.candidate.provider_name, m.candidate.location_name,
                                m.candidate.capacity_id))
    excluded.sort(key=lambda m: (len(m.exclusions), m.candidate.provider_name, m.candidate.location_name,
                                 m.candidate.capacity_id))
    return MatchResult(fitting=fitting, excluded=excluded)
