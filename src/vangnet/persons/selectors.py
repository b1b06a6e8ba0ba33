"""Reads for the review queue and the counts of unique persons. No names anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from vangnet.cases.models import Case
from vangnet.persons.models import MatchDecision, PossibleMatch, SignalEncoding
from vangnet.signals.models import Signal

FIELD_LABELS = {"prior": _("Starting point"), "first": _("Given names"), "last": _("Family name"),
                "birth": _("Date of birth"), "gender": _("Sex"), "nationality": _("Nationality"),
                "frequency": _("How common the name is")}
# The comparison levels of vangnet.linkage.matching.LEVEL_LABELS, in the reader's language.
LEVEL_TEXT = {
    "starting odds": _("chance that two signals that look alike are one person"),
    "missing": _("not known on one side"),
    "different": _("different"), "some similarity": _("a little alike"), "similar": _("alike"),
    "close": _("much alike"), "very close": _("almost the same"), "same or nearly the same": _("the same"),
    "same year only (other parts differ)": _("only the year is the same"),
    "same year (one date is year-only)": _("same year (one signal has only the year)"),
    "same year and month": _("same year and month"),
    "two of day, month and year (or day and month swapped)": _("two of day, month and year are the same, or day "
                                                               "and month are swapped"),
    "same date": _("same date"), "same": _("the same"),
    "rare name": _("rare name"), "fairly rare name": _("fairly rare name"), "common name": _("common name"),
    "very common name": _("very common name"),
}


def waterfall_rows(evidence: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the evidence waterfall for the review page: field, what was found, weight, running total.
    Also reads the older format (``{field: weight}``)."""
    steps = evidence.get("steps") if isinstance(evidence, dict) else None
    if steps is None:
        steps = [{"field": k, "label": "", "weight": v} for k, v in (evidence or {}).items()]
    rows, running = [], 0.0
    for step in steps:
        running += float(step["weight"])
        label = step.get("label", "")
        found = (_("not used: the names are not the same") if step["field"] == "frequency" and label == "missing"
                 else LEVEL_TEXT.get(label, label))
        rows.append({"name": FIELD_LABELS.get(step["field"], step["field"]), "found": found,
                     "weight": float(step["weight"]), "agrees": float(step["weight"]) > 0,
                     "probability": 1.0 / (1.0 + 2.0 ** (-max(min(running, 60.0), -60.0)))})
    return rows


@dataclass
class PersonCounts:
    signals: int
    encoded: int
    anonymous: int
    persons_identified: int
    cases: int

    @property
    def persons_estimate(self) -> int:
        """Identified persons (clusters) plus every signal that could not be linked (each counts once)."""
        return self.persons_identified + self.anonymous


def person_counts() -> PersonCounts:
    signals = Signal.objects.count()
    encoded = SignalEncoding.objects.count()
    clusters = SignalEncoding.objects.values("cluster_id").distinct().count()
    return PersonCounts(signals=signals, encoded=encoded, anonymous=signals - encoded, persons_identified=clusters,
                        cases=Case.objects.count())


def signal_evidence(record_ids: list[str]) -> dict[str, dict[str, Any]]:
    """What can be shown of each signal without names: dates, places, reporting organisation, profile."""
    rows = (SignalEncoding.objects.filter(record_id__in=record_ids)
            .select_related("signal__municipality", "signal__reporting_organisation", "signal__nationality",
                            "signal__case")
            .defer("signal__given_names", "signal__family_name", "signal__aliases", "signal__account",
                   "signal__document_number", "signal__birth_date"))
    return {r.record_id: {"signal": r.signal, "cluster": r.cluster_id} for r in rows}


def review_queue() -> list[dict[str, Any]]:
    matches = list(PossibleMatch.objects.all()[:100])
    evidence = signal_evidence([m.record_a for m in matches] + [m.record_b for m in matches])
    items = []
    for m in matches:
        if m.record_a not in evidence or m.record_b not in evidence:
            continue
        items.append({
            "match": m, "sides": [evidence[m.record_a], evidence[m.record_b]],
            "fields": waterfall_rows(m.evidence),
        })
    return items


def decided_pairs(limit: int = 50) -> list[MatchDecision]:
    return list(MatchDecision.objects.select_related("decided_by").order_by("-decided_at", "-pk")[:limit])


def cluster_sizes() -> dict[int, int]:
    sizes = SignalEncoding.objects.values("cluster_id").annotate(n=Count("pk")).values_list("n", flat=True)
    result: dict[int, int] = {}
    for n in sizes:
        result[n] = result.get(n, 0) + 1
    return dict(sorted(result.items()))


@dataclass
class SearchHit:
    case: Case
    probability: float
    signals: int


def search_cases_by_person(user: Any, *, given_names: str, family_name: str, birth_date: Any,
                           limit: int = 25) -> list[SearchHit]:
    """Cases of a person found by name and date of birth through the same keyed encodings as the linkage:
    the query is encoded in memory and scored against the stored encodings; nothing of the query is
    stored, and no name is compared in the clear. Only cases the user may open are returned."""
    from vangnet.cases.access import visible_cases
    from vangnet.linkage import LinkageIndex, PersonRecord, RecordEncoding
    from vangnet.persons import services

    enc = services.encoder()
    query = enc.encode(PersonRecord("query", given_names or None, family_name or None,
                                    birth_date.isoformat() if birth_date else None))
    rows = [r for r in SignalEncoding.objects.only("record_id", "encoding", "key_id").order_by("pk")
            if r.key_id == enc.key_id]
    index = LinkageIndex.for_lookup([RecordEncoding.from_json(r.encoding) for r in rows],
                                    thresholds=services.thresholds())
    review = services.thresholds().review
    best: dict[str, float] = {}
    for link in index.score(query):
        if link.probability >= review:
            best[link.a] = max(best.get(link.a, 0.0), link.probability)
    by_case: dict[int, list[float]] = {}
    for rid, case_id in SignalEncoding.objects.filter(record_id__in=best).values_list("record_id",
                                                                                      "signal__case_id"):
        by_case.setdefault(case_id, []).append(best[rid])
    cases = visible_cases(user).filter(pk__in=by_case).select_related("municipality")
    hits = [SearchHit(case, max(by_case[case.pk]), len(by_case[case.pk])) for case in cases]
    hits.sort(key=lambda h: (-h.probability, h.case.reference))
    return hits[:limit]
