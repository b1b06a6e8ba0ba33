"""Open data from the registry: one row per person in the CTDC data standard, k-anonymous, and the
Eurostat trafficking tables.

A *person* is a linkage cluster (``persons.SignalEncoding.cluster_id``); a signal without an encoding
cannot be linked and is a person of its own, as in the figures. Only these columns of a signal leave the
database: year registered, age at the signal, minor flag, gender, nationality code and the forms named.
No name, date, place, free text, case or signal number is read.

How a person's value is chosen when their signals differ (docs/statistics.md, "Open data"):
- ``yearOfRegistration``: the year of their first signal;
- ``gender``: the most recent known gender;
- ``ageBroad`` / ``majorityStatus``: the age at their first signal with a known age (minor flag else);
- ``citizenship``: the nationality named most often (the most recent on a tie);
- the exploitation flags: any of their signals naming the form.
"""

from __future__ import annotations

import csv
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db.models import F
from django.db.models.functions import ExtractYear

from vangnet.signals.models import Gender, Signal
from vangnet.statistics.kanonymity import Hierarchy, Record, Report, anonymise

COUNTRY_OF_EXPLOITATION = "NL"
DATA_SOURCE = "Case Management"

#: CTDC column names, in the order written. Quasi-identifiers are the first four.
QUASI_IDENTIFIERS = ("yearOfRegistration", "gender", "ageBroad", "citizenship")
COLUMNS = (
    "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "citizenship",
    "CountryOfExploitation", "isSexualExploit", "isForcedLabour", "isForcedMarriage", "isOrganRemoval",
    "isOtherExploit", "typeOfExploitConcatenated",
)
#: suppress the most identifying quasi-identifier first
SUPPRESSION_ORDER = ("citizenship", "ageBroad", "gender", "yearOfRegistration")

CTDC_GENDER = {Gender.FEMALE: "Female", Gender.MALE: "Male", Gender.X: "Transgender/NonConforming"}
#: CTDC's broad age bands (lower bound, label)
AGE_BANDS = ((0, "0--8"), (9, "9--17"), (18, "18--20"), (21, "21--23"), (24, "24--26"), (27, "27--29"),
             (30, "30--38"), (39, "39--47"), (48, "48+"))
#: a coarser band for each CTDC band, then adult/minor
AGE_COARSE = {"0--8": "0--17", "9--17": "0--17", "18--20": "18--29", "21--23": "18--29", "24--26": "18--29",
              "27--29": "18--29", "30--38": "30--47", "39--47": "30--47", "48+": "48+", "0--17": "0--17"}
AGE_MAJORITY = {"0--17": "Minor", "18--29": "Adult", "30--47": "Adult", "48+": "Adult"}

#: form codes of the registry for each CTDC flag; forms not named here count as "other"
FORM_FLAGS = {
    "isSexualExploit": {"sexual"},
    "isForcedLabour": {"labour"},
    "isForcedMarriage": {"forced_marriage"},
    "isOrganRemoval": {"organ_removal"},
}
CTDC_FORM_NAMES = {"isSexualExploit": "Sexual exploitation", "isForcedLabour": "Forced labour",
                   "isForcedMarriage": "Forced marriage", "isOrganRemoval": "Organ removal",
                   "isOtherExploit": "Other"}


def majority(band: str) -> str:
    """"Minor" or "Adult" for any published age band (a CTDC band, a broad band or the word itself)."""
    if band in ("Minor", "Adult"):
        return band
    return AGE_MAJORITY.get(AGE_COARSE.get(band, ""), "")


#: forms counted under their own flag, and the parent "other" whose subtypes they are
_OWN_FLAG = {"sexual", "labour", "forced_marriage", "organ_removal"}


def is_other_exploitation(codes: set[str]) -> bool:
    """Criminal exploitation, forced begging and every other subtype of "other" without a flag of its own,
    or "other" named without a subtype."""
    if codes - _OWN_FLAG - {"other"}:
        return True
    return "other" in codes and not codes & {"forced_marriage", "organ_removal"}


def age_band(age: int | None, is_minor: bool) -> str:
    if age is None:
        return "0--17" if is_minor else ""
    label = ""
    for lower, name in AGE_BANDS:
        if age >= lower:
            label = name
    return label


@functools.cache
def country_groups() -> dict[str, tuple[str, bool]]:
    """ISO code -> (continent code, EU/EEA/Swiss citizen) from ``statistics/data/country_groups.csv``."""
    path = Path(__file__).resolve().parent / "data" / "country_groups.csv"
    with path.open(encoding="utf-8") as fh:
        return {row["code"]: (row["continent"], row["eu_eea_ch"] == "1") for row in csv.DictReader(fh)}


CONTINENT_GROUP = {"EU": "Europe (other)", "AF": "Africa", "AS": "Asia", "NA": "Americas", "SA": "Americas",
                   "OC": "Oceania", "AN": "Other"}


def citizenship_group(code: str) -> str:
    continent, eu = country_groups().get(code, ("AN", False))
    return "EU/EEA/CH" if eu else CONTINENT_GROUP.get(continent, "Other")


def citizenship_eu(code: str) -> str:
    if code in {"EU/EEA/CH"}:
        return "EU/EEA/CH"
    if code in CONTINENT_GROUP.values():
        return "Third country"
    _continent, eu = country_groups().get(code, ("AN", False))
    return "EU/EEA/CH" if eu else "Third country"


def _year_span(width: int) -> Any:
    def generalise(value: str) -> str:
        year = int(value)
        start = year - (year % width)
        return f"{start}--{start + width - 1}"
    return generalise


HIERARCHIES: tuple[Hierarchy, ...] = (
    Hierarchy("yearOfRegistration", (str, _year_span(2), _year_span(5)),
              ("year", "two-year span", "five-year span")),
    Hierarchy("gender", (str,), ("as held",)),
    Hierarchy("ageBroad", (str, lambda v: AGE_COARSE.get(v, v), lambda v: AGE_MAJORITY.get(AGE_COARSE.get(v, v), v)),
              ("CTDC band", "broad band (0-17, 18-29, 30-47, 48+)", "minor or adult")),
    Hierarchy("citizenship", (str, citizenship_group, citizenship_eu),
              ("country", "EU/EEA/CH or continent", "EU/EEA/CH or third country")),
)


@dataclass
class PersonSignal:
    person: str
    year: int
    age: int | None
    is_minor: bool
    gender: str
    nationality: str
    submitted_order: tuple[Any, int]


def _person_signals(year_from: int | None = None, year_to: int | None = None) -> tuple[list[PersonSignal],
                                                                                         dict[int, set[str]]]:
    qs = Signal.objects.all()
    if year_from is not None:
        qs = qs.filter(submitted_at__year__gte=year_from)
    if year_to is not None:
        qs = qs.filter(submitted_at__year__lte=year_to)
    rows = qs.annotate(stat_year=ExtractYear("submitted_at"), cluster=F("encoding__cluster_id")).values_list(
        "pk", "cluster", "stat_year", "age_at_signal", "is_minor", "gender", "nationality_id", "submitted_at")
    found = [PersonSignal(person=cluster or f"signal:{pk}", year=year, age=age, is_minor=minor, gender=gender,
                          nationality=nationality or "", submitted_order=(at, pk))
             for pk, cluster, year, age, minor, gender, nationality, at in rows]
    forms: dict[int, set[str]] = defaultdict(set)
    links = Signal.forms.through.objects.filter(signal_id__in=qs.values("pk"))
    for signal_id, parent, code in links.values_list("signal_id", "exploitationform__parent_id",
                                                     "exploitationform__code"):
        forms[signal_id] |= {parent or code, code}
    return found, forms


def person_records(year_from: int | None = None, year_to: int | None = None) -> list[Record]:
    """One CTDC row per person, not yet anonymised."""
    found, forms = _person_signals(year_from, year_to)
    by_person: dict[str, list[PersonSignal]] = defaultdict(list)
    for s in found:
        by_person[s.person].append(s)
    records: list[Record] = []
    for person in sorted(by_person):
        signals = sorted(by_person[person], key=lambda s: s.submitted_order)
        first = signals[0]
        known_gender = [s.gender for s in signals if s.gender in CTDC_GENDER]
        aged = [s for s in signals if s.age is not None] or [s for s in signals if s.is_minor]
        band = age_band(aged[0].age, aged[0].is_minor) if aged else ""
        nationalities = Counter(s.nationality for s in signals if s.nationality)
        citizenship = ""
        if nationalities:
            top = max(nationalities.values())
            citizenship = next(s.nationality for s in reversed(signals) if nationalities.get(s.nationality) == top)
        codes: set[str] = set()
        for s in signals:
            codes |= forms.get(int(s.submitted_order[1]), set())
        flags = {flag: "1" if codes & wanted else "0" for flag, wanted in FORM_FLAGS.items()}
        flags["isOtherExploit"] = "1" if is_other_exploitation(codes) else "0"
        records.append({
            "yearOfRegistration": str(first.year),
            "Datasource": DATA_SOURCE,
            "gender": CTDC_GENDER.get(Gender(known_gender[-1]), "") if known_gender else "",
            "ageBroad": band,
            "majorityStatus": majority(band),
            "citizenship": citizenship,
            "CountryOfExploitation": COUNTRY_OF_EXPLOITATION,
            **flags,
            "typeOfExploitConcatenated": ";".join(CTDC_FORM_NAMES[f] for f in CTDC_FORM_NAMES if flags[f] == "1"),
        })
    return records


def open_data(k: int, *, year_from: int | None = None, year_to: int | None = None,
              max_suppression: float = 0.05) -> tuple[list[Record], Report]:
    records = person_records(year_from, year_to)
    released, report = anonymise(records, HIERARCHIES, k, suppression_order=SUPPRESSION_ORDER,
                                 max_suppression=max_suppression)
    for row in released:  # majorityStatus follows the published age band, never finer than it
        row["majorityStatus"] = majority(row["ageBroad"])
    return released, report


def write_csv(rows: Iterable[Record], fh: IO[str], columns: Sequence[str] = COLUMNS) -> None:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])


# ------------------------------------------------------------------------------------ Eurostat tables
EUROSTAT_SEX = {"Female": "F", "Male": "M"}
EUROSTAT_AGE = {"0--8": "Y_LT18", "9--17": "Y_LT18", "0--17": "Y_LT18"}
EUROSTAT_FORMS = (("isSexualExploit", "SEX"), ("isForcedLabour", "LAB"), ("isForcedMarriage", "OTH_FMAR"),
                  ("isOrganRemoval", "OTH_ORG"), ("isOtherExploit", "OTH"))


def eurostat_victims(records: Sequence[Record]) -> list[dict[str, str]]:
    """Registered victims (persons) by year, sex, age group, citizenship group and form of exploitation,
    in the shape of Eurostat's trafficking data collection (codes: SEX F/M/UNK, AGE Y_LT18/Y_GE18/UNK,
    CITIZEN NAT/EU_OTH/NEU/UNK, EXPLOIT SEX/LAB/OTH_FMAR/OTH_ORG/OTH). Counts from 1 to 4 are published
    as ``<5`` (the figures' primary suppression)."""
    counts: Counter[tuple[str, str, str, str, str]] = Counter()
    for r in records:
        sex = EUROSTAT_SEX.get(r["gender"], "UNK")
        age = EUROSTAT_AGE.get(r["ageBroad"], "UNK" if not r["ageBroad"] else "Y_GE18")
        code = r["citizenship"]
        citizen = ("UNK" if not code else "NAT" if code == "NL" else
                   "EU_OTH" if country_groups().get(code, ("", False))[1] else "NEU")
        for flag, exploit in EUROSTAT_FORMS:
            if r[flag] == "1":
                counts[(r["yearOfRegistration"], sex, age, citizen, exploit)] += 1
    out = []
    for (year, sex, age, citizen, exploit), n in sorted(counts.items()):
        out.append({"TIME_PERIOD": year, "GEO": COUNTRY_OF_EXPLOITATION, "SEX": sex, "AGE": age,
                    "CITIZEN": citizen, "EXPLOIT": exploit, "OBS_VALUE": "<5" if 0 < n < 5 else str(n)})
    return out
