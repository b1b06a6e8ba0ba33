"""Capture histories for multiple systems estimation, built from the registry.

A *list* is a group of reporting organisation types. A person (a linkage cluster) is *on* a list when any
of their signals in the chosen years was reported by an organisation of that list. Only signals with a
linkage encoding belong to a person that can be recognised on several lists; signals without one
(anonymous) are counted separately and left out of the table.

Only per-person 0/1 flags leave the database (one row of flags per cluster, without the cluster id);
they are counted into the table here.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, Max, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import OrganisationType as T
from vangnet.estimation import CaptureTable
from vangnet.persons.models import SignalEncoding
from vangnet.statistics.selectors import Filters, signals


@dataclass(frozen=True)
class SourceList:
    code: str
    label: Promise | str
    types: frozenset[str]


_NAMED = {
    "police": frozenset({T.POLICE}),
    "kmar": frozenset({T.KMAR}),
    "labour_inspectorate": frozenset({T.LABOUR_INSPECTORATE}),
    "asylum_justice": frozenset({T.IND, T.COA, T.PUBLIC_PROSECUTOR}),
}
#: The five lists. Every organisation type not named in the first four is on the last list, so a new
#: type can never fall outside the table.
LISTS: tuple[SourceList, ...] = (
    SourceList("police", _("Police"), _NAMED["police"]),
    SourceList("kmar", _("Royal Marechaussee (KMar)"), _NAMED["kmar"]),
    SourceList("labour_inspectorate", _("Netherlands Labour Authority"), _NAMED["labour_inspectorate"]),
    SourceList("asylum_justice", _("Immigration, reception and prosecution (IND, COA, OM)"),
               _NAMED["asylum_justice"]),
    SourceList("care_other", _("Care coordination, shelters, care, NGOs, municipalities and others"),
               frozenset(str(t) for t in T.values) - frozenset().union(*_NAMED.values())),
)


@dataclass
class CaptureHistories:
    filters: Filters
    lists: tuple[SourceList, ...]
    counts: Counter[tuple[int, ...]]  # history over all lists (0/1 per list) -> persons
    anonymous_signals: int

    @property
    def observed(self) -> int:
        return sum(self.counts.values())

    def list_totals(self) -> list[tuple[SourceList, int]]:
        return [(lst, sum(n for h, n in self.counts.items() if h[j])) for j, lst in enumerate(self.lists)]

    def used_lists(self) -> list[int]:
        """Indexes of the lists with at least one person: an empty list carries no information."""
        return [j for j, (_lst, total) in enumerate(self.list_totals()) if total > 0]

    def empty_lists(self) -> list[SourceList]:
        used = set(self.used_lists())
        return [lst for j, lst in enumerate(self.lists) if j not in used]

    def rows(self) -> tuple[list[str], list[tuple[tuple[int, ...], int]]]:
        """List codes and (history, count) over the used lists, in a stable order."""
        used = self.used_lists()
        merged: Counter[tuple[int, ...]] = Counter()
        for history, n in self.counts.items():
            merged[tuple(history[j] for j in used)] += n
        ordered = sorted(merged.items(), key=lambda item: tuple(-b for b in item[0]))
        return [self.lists[j].code for j in used], ordered

    def table(self) -> CaptureTable:
        """The estimation library's table (it raises ``TableError`` when there is too little)."""
        codes, rows = self.rows()
        return CaptureTable.from_rows([list(h) for h, _n in rows], [n for _h, n in rows], codes,
                                      name=f"{self.filters.year_from}-{self.filters.year_to}")

    def write_csv(self, fh: Any) -> None:
        """The estimation CSV format: one 0/1 column per list and a ``count`` column."""
        codes, rows = self.rows()
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([*codes, "count"])
        for history, n in rows:
            writer.writerow([*history, n])


def capture_histories(filters: Filters, lists: tuple[SourceList, ...] = LISTS) -> CaptureHistories:
    base = signals(filters)
    flags: dict[str, Any] = {
        f"on_{j}": Max(CaseWhen(When(signal__reporting_organisation__type__in=sorted(lst.types), then=Value(1)),
                                default=Value(0), output_field=IntegerField()))
        for j, lst in enumerate(lists)
    }
    per_person = (SignalEncoding.objects.filter(signal__in=base.values("pk")).values("cluster_id")
                  .annotate(**flags).order_by().values_list(*flags))
    counts: Counter[tuple[int, ...]] = Counter(tuple(int(b) for b in row) for row in per_person)
    anonymous = base.filter(encoding__isnull=True).count()
    return CaptureHistories(filters=filters, lists=lists, counts=counts, anonymous_signals=anonymous)
