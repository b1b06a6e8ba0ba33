"""Placement matching: which free places fit a person's needs, ranked, and why (or why not).

Pure Python over plain data (``Needs`` and ``Candidate``): no ORM, no requests. ``selectors`` builds the
inputs from the database; views only show the result. Every decision is explained with ``Reason`` codes,
so the page can say why a place fits and which criterion left another one out.

Hard criteria (a place that fails one is left out): type of place, gender, age, children, LVB,
addiction, psychiatric care, wheelchair access, safety (not in the municipality or police region of the
exploitation, optionally not in a neighbouring region, not in named municipalities) and a free place.
Soft criteria (they only rank), each worth points in the score breakdown (``ScorePart``): distance from
the place of exploitation (km in a straight line between municipality centroids; without them: another
police region), specialism, a language the staff speak, an OMM place for someone with multiple problems,
closeness to the person's network, and more free places. ``lead_reasons`` says why one place ranks above
the next.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, overload

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from vangnet.core.reference_data import read_csv, read_yaml

ADJACENCY_FILE = Path(__file__).resolve().parent / "data" / "region_adjacency.yaml"
POLICE_UNITS_FILE = Path(__file__).resolve().parents[1] / "regions" / "data" / "police_units.csv"
#: Approximate centroids of the municipalities (the main town), see docs/shelters.md.
CENTROIDS_FILE = Path(__file__).resolve().parent / "data" / "municipality_centroids.csv"
EARTH_RADIUS_KM = 6371.0
#: Safety points grow with the distance from the place of exploitation up to this many km (then 3 points).
SAFETY_FULL_KM = 150.0
#: Network points shrink from 1.5 (same place) to 0 at this many km from the person's network.
NETWORK_RANGE_KM = 100.0

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
    "km_exploitation": _("%(km)s km from the place of exploitation (%(municipality)s), in a straight line"),
    "km_network": _("%(km)s km from the person's network (%(municipality)s), in a straight line"),
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


#: The soft criteria in the score breakdown (``ScorePart.code``), in the order they are summed.
SCORE_LABELS = {
    "safety_km": _("Far from the place of exploitation"),
    "safety_region": _("Away from the police region of the exploitation"),
    "specialism": _("Specialism"),
    "language": _("Staff speak the person's language"),
    "omm": _("Shelter for multiple problems"),
    "network": _("Close to the person's network"),
    "free": _("Free places"),
}

LEAD_MESSAGES = {
    "points": _("%(criterion)s: %(points)s points more"),
    "behind": _("but %(criterion)s: %(points)s points less"),
    "tie_free": _("Same score; more free places (%(a)s against %(b)s)"),
    "tie_name": _("Same score and free places; listed by name"),
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


class ScorePart(NamedTuple):
    """Points one soft criterion gives a place."""

    code: str
    points: float

    @property
    def label(self) -> str:
        return str(SCORE_LABELS[self.code])


class Lead(NamedTuple):
    """Why a place ranks above the next one."""

    code: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def text(self) -> str:
        params = {k: format_points(v) if isinstance(v, float) else v for k, v in self.params}
        return str(LEAD_MESSAGES[self.code]) % params if params else str(LEAD_MESSAGES[self.code])

    def __str__(self) -> str:
        return self.text


def format_points(value: float) -> str:
    """Points in the reader's number format, without trailing zeros (2, 1,5 or 0,23 in Dutch)."""
    value = round(value, 2)
    return number_format(int(value) if value.is_integer() else value, decimal_pos=None)


@lru_cache(maxsize=1)
def centroids() -> dict[str, tuple[float, float]]:
    """Municipality code -> (latitude, longitude) of its main town."""
    table = {row["cbs_code"]: (float(row["latitude"]), float(row["longitude"])) for row in read_csv(CENTROIDS_FILE)}
    for code, (lat, lon) in table.items():
        if not (50.7 <= lat <= 53.6 and 3.3 <= lon <= 7.3):
            raise ValueError(f"Centroid of {code} lies outside the Netherlands: {lat}, {lon}")
    return table


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_km(municipality_a: str | None, municipality_b: str | None) -> int | None:
    """Whole km between two municipalities' centroids, or None when either is unknown."""
    table = centroids()
    if not municipality_a or not municipality_b or municipality_a not in table or municipality_b not in table:
        return None
    return round(haversine_km(table[municipality_a], table[municipality_b]))


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
    exploitation_municipality_name: str = ""
    network_municipality: str | None = None
    network_municipality_name: str = ""

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
    breakdown: list[ScorePart] = field(default_factory=list)
    #: km in a straight line from the place of exploitation and from the person's network (None: unknown)
    km_from_exploitation: int | None = None
    km_from_network: int | None = None

    @property
    def fits(self) -> bool:
        return not self.exclusions


@dataclass
class MatchResult:
    #: Lists, or (from ``rank_catalogue``) lazy sequences that build each ``Match`` when it is looked at.
    fitting: Sequence[Match]
    excluded: Sequence[Match]

    @property
    def best(self) -> Match | None:
        return self.fitting[0] if self.fitting else None

    def exclusion_counts(self) -> dict[str, int]:
        """How many places each criterion left out (a place can be left out by several), in the order the
        criteria are first met going down ``excluded``."""
        fast = getattr(self.excluded, "exclusion_counts", None)
        if fast is not None:
            return dict(fast())
        counts: dict[str, int] = {}
        for match in self.excluded:
            for r in match.exclusions:
                counts[r.code] = counts.get(r.code, 0) + 1
        return counts


@lru_cache(maxsize=1)
def adjacency() -> dict[str, frozenset[str]]:
    data = read_yaml(ADJACENCY_FILE)["adjacent"]
    table = {code: frozenset(neighbours) for code, neighbours in data.items()}
    known = {row["code"] for row in read_csv(POLICE_UNITS_FILE)}
    listed = set(table) | {n for ns in table.values() for n in ns}
    unknown = {str(code) for code in listed if code not in known}
    if unknown or set(table) != known:
        # e.g. YAML reads an unquoted ON as the boolean True
        raise ValueError(f"Region adjacency must list exactly the police units {sorted(known)}; odd: {sorted(unknown)}")
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


_GENDER_OK, _GENDER_UNKNOWN = Reason("gender_ok"), Reason("gender_unknown")
_SAFE_DISTANCE, _OMM_FOR_MULTIPLE = Reason("safe_distance"), Reason("omm_for_multiple")


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
          _GENDER_OK if gendered else _GENDER_UNKNOWN,
          Reason("age_ok", (("age", _shown_age(needs)), ("min", c.min_age), ("max", c.max_age)))]
    ok.extend(good for _attr, good, _bad in needed)
    if region and c.region != region:
        if c.region in neighbours:
            ok.append(Reason("safe_region", (("region", needs.exploitation_region_name or region),)))
        else:
            ok.append(_SAFE_DISTANCE)
    km_expl = distance_km(needs.exploitation_municipality, c.municipality)
    if km_expl is not None:
        ok.append(Reason("km_exploitation", (("km", km_expl), ("municipality", needs.exploitation_municipality_name
                                                                   or needs.exploitation_municipality))))
    for code, label in needs.specialisms.items():
        if code in c.specialisms:
            ok.append(Reason("specialism", (("specialism", label),)))
    for code, name in needs.languages.items():
        if code in c.languages:
            ok.append(Reason("language", (("language", name),)))
            break
    if (needs.multiple_problems or needs.addiction or needs.psychiatric) and c.place_type == "omm":
        ok.append(_OMM_FOR_MULTIPLE)
    km_net = distance_km(needs.network_municipality, c.municipality)
    if km_net is not None:
        ok.append(Reason("km_network", (("km", km_net), ("municipality", needs.network_municipality_name
                                                           or needs.network_municipality))))
    ok.append(Reason("free", (("free", c.free), ("places", c.places))))
    parts = score_parts(needs, c.municipality, c.region, c.place_type, c.languages, c.specialisms, c.free,
                        neighbours)
    return Match(candidate=c, reasons=ok, exclusions=[], score=total(parts), breakdown=parts,
                 km_from_exploitation=km_expl, km_from_network=km_net)


def score_parts(needs: Needs, municipality: str, region: str, place_type: str, languages: frozenset[str],
                specialisms: frozenset[str], free: int, neighbours: frozenset[str]) -> list[ScorePart]:
    """The points of every soft criterion for a fitting place (the one scoring rule of both rankings)."""
    parts = []
    km = distance_km(needs.exploitation_municipality, municipality)
    if km is not None:
        parts.append(ScorePart("safety_km", round(min(km, SAFETY_FULL_KM) / SAFETY_FULL_KM * 3, 2)))
    elif needs.exploitation_region and region != needs.exploitation_region:
        parts.append(ScorePart("safety_region", 1.0 if region in neighbours else 2.0))
    for code in needs.specialisms:
        if code in specialisms:
            parts.append(ScorePart("specialism", 3.0))
    for code in needs.languages:
        if code in languages:
            parts.append(ScorePart("language", 2.0))
            break
    if (needs.multiple_problems or needs.addiction or needs.psychiatric) and place_type == "omm":
        parts.append(ScorePart("omm", 2.0))
    km_net = distance_km(needs.network_municipality, municipality)
    if km_net is not None:
        parts.append(ScorePart("network", round(max(0.0, 1 - km_net / NETWORK_RANGE_KM) * 1.5, 2)))
    parts.append(ScorePart("free", min(free, 5) / 10))
    return parts


def total(parts: Iterable[ScorePart]) -> float:
    return round(sum(p.points for p in parts), 2)


def lead_reasons(first: Match, second: Match) -> list[Lead]:
    """Why ``first`` ranks directly above ``second``: the criteria where it scores more (largest first), then
    those where it scores less (the trade-off), or the tie-break that decided."""
    mine: dict[str, float] = {}
    theirs: dict[str, float] = {}
    for part in first.breakdown:
        mine[part.code] = mine.get(part.code, 0.0) + part.points
    for part in second.breakdown:
        theirs[part.code] = theirs.get(part.code, 0.0) + part.points
    ahead = sorted(((round(points - theirs.get(code, 0.0), 2), code) for code, points in mine.items()
                    if round(points - theirs.get(code, 0.0), 2) > 0), key=lambda item: -item[0])
    if first.score > second.score and ahead:
        behind = sorted(((round(points - mine.get(code, 0.0), 2), code) for code, points in theirs.items()
                         if round(points - mine.get(code, 0.0), 2) > 0), key=lambda item: -item[0])
        return ([Lead("points", (("criterion", str(SCORE_LABELS[code])), ("points", diff))) for diff, code in ahead]
                + [Lead("behind", (("criterion", str(SCORE_LABELS[code]).lower()), ("points", diff)))
                   for diff, code in behind])
    if first.candidate.free != second.candidate.free:
        return [Lead("tie_free", (("a", first.candidate.free), ("b", second.candidate.free)))]
    return [Lead("tie_name")]


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


# --- the same ranking over a catalogue with indexes per criterion ------------------------------------
#
# ``rank`` evaluates every candidate one by one. ``rank_catalogue`` gives the same result (same order, same
# reasons, same exclusions in the same order) but works per criterion: the static part of every candidate
# is indexed once per process (``Catalogue``), a request marks the places each hard criterion leaves out
# in a bit mask per place, only the fitting places are evaluated in full, and a left-out place's ``Match``
# is built only when it is looked at.

#: Layout of a catalogue row: the ``Candidate`` fields without ``place_type_label`` and ``free``.
ROW_FIELDS = ("capacity_id", "location_id", "location_name", "provider_name", "municipality", "municipality_name",
              "region", "region_name", "place_type", "places", "genders", "min_age", "max_age", "accepts_children",
              "accepts_lvb", "accepts_addiction", "offers_psychiatric_care", "wheelchair_accessible", "languages",
              "specialisms")
_PLACES = ROW_FIELDS.index("places")
_PLACE_TYPE = ROW_FIELDS.index("place_type")
_REGION = ROW_FIELDS.index("region")
_MUNICIPALITY = ROW_FIELDS.index("municipality")
_LANGUAGES = ROW_FIELDS.index("languages")
_SPECIALISMS = ROW_FIELDS.index("specialisms")

#: Exclusion criteria in the order ``evaluate`` names them; bit ``1 << n`` in a place's mask.
EXCLUSION_ORDER = ("type_no", "gender_no", "age_no", *(bad.code for _n, _a, _g, bad in _NEED_CHECKS),
                   "exploitation_municipality", "exploitation_region", "adjacent_region", "avoided_municipality",
                   "no_free_place")
_BIT = {code: 1 << n for n, code in enumerate(EXCLUSION_ORDER)}
_CONSTANT_REASONS = {code: Reason(code) for code in EXCLUSION_ORDER}


def _row_candidate(row: tuple[Any, ...], label: str, free: int) -> Candidate:
    return Candidate(*row[:9], label, row[9], free, *row[10:])  # type: ignore[call-arg]


class Catalogue:
    """The static part of every candidate (rows laid out as ``ROW_FIELDS``), in the tie-break order of the
    ranking (provider, location, capacity id), with the places indexed by every static hard criterion.
    Read-only once built, so one instance can serve every request (and thread) of a process."""

    def __init__(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.rows: list[tuple[Any, ...]] = sorted(rows, key=lambda r: (r[3], r[2], r[0]))
        self.places: list[int] = [r[_PLACES] for r in self.rows]
        self.index: dict[int, int] = {r[0]: i for i, r in enumerate(self.rows)}
        by_type: dict[str, list[int]] = {}
        by_age: dict[tuple[int, int], list[int]] = {}
        by_municipality: dict[str, list[int]] = {}
        by_region: dict[str, list[int]] = {}
        lacking_gender: dict[str, list[int]] = {g: [] for g in ("female", "male", "x")}
        lacking: dict[str, list[int]] = {attr: [] for _n, attr, _g, _b in _NEED_CHECKS}
        columns = {attr: ROW_FIELDS.index(attr) for attr in lacking}
        for i, r in enumerate(self.rows):
            c = dict(zip(ROW_FIELDS, r, strict=True))
            by_type.setdefault(c["place_type"], []).append(i)
            by_age.setdefault((c["min_age"], c["max_age"]), []).append(i)
            by_municipality.setdefault(c["municipality"], []).append(i)
            by_region.setdefault(c["region"], []).append(i)
            for gender, where in lacking_gender.items():
                if gender not in c["genders"]:
                    where.append(i)
            for attr, col in columns.items():
                if not r[col]:
                    lacking[attr].append(i)
        self.by_type = {k: tuple(v) for k, v in by_type.items()}
        self.by_age = {k: tuple(v) for k, v in by_age.items()}
        self.by_municipality = {k: tuple(v) for k, v in by_municipality.items()}
        self.by_region = {k: tuple(v) for k, v in by_region.items()}
        self.lacking_gender = {k: tuple(v) for k, v in lacking_gender.items()}
        self.lacking = {k: tuple(v) for k, v in lacking.items()}
        self.no_places = tuple(i for i, n in enumerate(self.places) if n <= 0)

    def __len__(self) -> int:
        return len(self.rows)

    def candidates(self, taken: Mapping[int, int], labels: Mapping[str, str]) -> list[Candidate]:
        return [_row_candidate(r, labels.get(r[_PLACE_TYPE], r[_PLACE_TYPE]), max(r[_PLACES] - taken.get(r[0], 0), 0))
                for r in self.rows]


def _exclusion_reasons(needs: Needs, c: Candidate, mask: int) -> list[Reason]:
    """The reasons of a place's exclusion mask, as ``evaluate`` gives them."""
    reasons = []
    for n, code in enumerate(EXCLUSION_ORDER):
        if not mask >> n & 1:
            continue
        if code == "type_no":
            reasons.append(Reason("type_no", (("type", c.place_type_label),)))
        elif code == "age_no":
            reasons.append(Reason("age_no", (("age", _shown_age(needs)), ("min", c.min_age), ("max", c.max_age))))
        elif code == "avoided_municipality":
            reasons.append(Reason("avoided_municipality", (("municipality", c.municipality_name),)))
        else:
            reasons.append(_CONSTANT_REASONS[code])
    return reasons


class LazyMatches(Sequence[Match]):
    """Places in their final order, as a sequence that builds each ``Match`` (candidate and reasons) only
    when it is looked at, once."""

    def __init__(self, order: list[int], build: Callable[[int], Match]) -> None:
        self._order = order
        self._build = build
        self._built: dict[int, Match] = {}

    def __len__(self) -> int:
        return len(self._order)

    def _match(self, i: int) -> Match:
        match = self._built.get(i)
        if match is None:
            match = self._built[i] = self._build(i)
        return match

    @overload
    def __getitem__(self, index: int) -> Match: ...

    @overload
    def __getitem__(self, index: slice) -> list[Match]: ...

    def __getitem__(self, index: int | slice) -> Match | list[Match]:
        if isinstance(index, slice):
            return [self._match(i) for i in self._order[index]]
        return self._match(self._order[index])

    def __iter__(self) -> Iterator[Match]:
        for i in self._order:
            yield self._match(i)

    def __bool__(self) -> bool:
        return bool(self._order)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self)} places>"


class ExcludedMatches(LazyMatches):
    """The left-out places; counts per criterion need no ``Match`` at all."""

    def __init__(self, order: list[int], build: Callable[[int], Match], masks: list[int],
                 counts: dict[str, int]) -> None:
        super().__init__(order, build)
        self._masks = masks
        self._counts = counts

    def exclusion_counts(self) -> dict[str, int]:
        """Places left out per criterion, in the order the criteria are first met going down the list."""
        present = 0
        for code in self._counts:
            present |= _BIT[code]
        seen: list[str] = []
        left = present
        for i in self._order:
            new = self._masks[i] & left
            if new:
                seen.extend(code for n, code in enumerate(EXCLUSION_ORDER) if new >> n & 1)
                left &= ~new
                if not left:
                    break
        return {code: self._counts[code] for code in seen}


def rank_catalogue(needs: Needs, catalogue: Catalogue, taken: Mapping[int, int], labels: Mapping[str, str],
                   adjacent: Mapping[str, frozenset[str]] | None = None) -> MatchResult:
    """``rank(needs, catalogue.candidates(taken, labels))``, worked out per criterion. ``taken``: active
    claims per capacity id; ``labels``: place type → its (translated) label."""
    adjacent = adjacency() if adjacent is None else adjacent
    types = needs.suitable_types()
    masks = [0] * len(catalogue)
    counts: dict[str, int] = {}

    def leave_out(code: str, indices: Iterable[int]) -> None:
        bit = _BIT[code]
        n = 0
        for i in indices:
            masks[i] |= bit
            n += 1
        if n:
            counts[code] = counts.get(code, 0) + n

    for place_type, indices in catalogue.by_type.items():
        if place_type not in types:
            leave_out("type_no", indices)
    if needs.gender in ("female", "male", "x"):
        leave_out("gender_no", catalogue.lacking_gender[needs.gender])
    age = needs.effective_age
    for (low, high), indices in catalogue.by_age.items():
        if not low <= age <= high:
            leave_out("age_no", indices)
    for name, attr, _good, bad in _NEED_CHECKS:
        if _needed(needs, name):
            leave_out(bad.code, catalogue.lacking[attr])
    region = needs.exploitation_region
    if needs.exploitation_municipality:
        leave_out("exploitation_municipality", catalogue.by_municipality.get(needs.exploitation_municipality, ()))
    if region and needs.avoid_region:
        leave_out("exploitation_region", catalogue.by_region.get(region, ()))
    if region and needs.avoid_adjacent_regions:
        for other in adjacent.get(region, frozenset()):
            leave_out("adjacent_region", catalogue.by_region.get(other, ()))
    for municipality in needs.avoid_municipalities:
        leave_out("avoided_municipality", catalogue.by_municipality.get(municipality, ()))
    places, index = catalogue.places, catalogue.index
    full = set(catalogue.no_places)
    for capacity_id, n in taken.items():
        i = index.get(capacity_id)
        if i is not None and places[i] - n <= 0:
            full.add(i)
    leave_out("no_free_place", full)

    # soft criteria: the score of every fitting place, by the same rule as ``evaluate``
    neighbours = adjacent.get(region, frozenset()) if region else frozenset()
    rows = catalogue.rows
    fitting: list[int] = []
    excluded: list[int] = []
    score: dict[int, float] = {}
    free: dict[int, int] = {}
    for i, mask in enumerate(masks):
        if mask:
            excluded.append(i)
            continue
        row = rows[i]
        fitting.append(i)
        free[i] = left = max(row[_PLACES] - taken.get(row[0], 0), 0)
        score[i] = total(score_parts(needs, row[_MUNICIPALITY], row[_REGION], row[_PLACE_TYPE], row[_LANGUAGES],
                                     row[_SPECIALISMS], left, neighbours))
    # the catalogue is in (provider, location, capacity id) order and both sorts are stable
    fitting.sort(key=lambda i: (-score[i], -free[i]))
    excluded.sort(key=lambda i: masks[i].bit_count())

    def candidate(i: int) -> Candidate:
        row = rows[i]
        return _row_candidate(row, labels.get(row[_PLACE_TYPE], row[_PLACE_TYPE]),
                              max(row[_PLACES] - taken.get(row[0], 0), 0))

    def fitting_match(i: int) -> Match:
        return evaluate(needs, candidate(i), adjacent, types)

    def excluded_match(i: int) -> Match:
        c = candidate(i)
        return Match(candidate=c, reasons=[], exclusions=_exclusion_reasons(needs, c, masks[i]), score=0.0)

    ordered_counts = {code: counts[code] for code in EXCLUSION_ORDER if code in counts}
    return MatchResult(fitting=LazyMatches(fitting, fitting_match),
                       excluded=ExcludedMatches(excluded, excluded_match, masks, ordered_counts))
