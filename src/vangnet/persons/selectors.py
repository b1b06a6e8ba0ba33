"""Reads for the review queue and the counts of unique persons. No names anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from vangnet.cases.models import Case
from vangnet.persons.models import MatchDecision, PossibleMatch, SignalEncoding
from vangnet.signals.models import Signal

FIELD_LABELS = {"first": "given names", "last": "family name", "birth": "date of birth", "gender": "gender",
                "nationality": "nationality"}


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
            "fields": [{"name": FIELD_LABELS.get(k, k), "weight": v, "agrees": v > 0} for k, v in m.evidence.items()],
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
