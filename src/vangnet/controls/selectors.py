"""The controls report: achievement against targets and uniformity, per municipality. Counts only."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum

from vangnet.controls.models import Control, LocationKind
from vangnet.controls.targets import Targets, load
from vangnet.regions.models import Municipality
from vangnet.signals.models import Indicator


@dataclass
class MunicipalityRow:
    code: str
    name: str
    target: int | None
    controls: int
    workers_spoken: int
    signals: int
    by_kind: dict[str, int]
    #: mean share of the uniform indicators checked per control (0-1), None without controls
    uniformity: float | None

    @property
    def achievement(self) -> float | None:
        """Controls done as a share of the target (None without a target)."""
        if not self.target:
            return None
        return self.controls / self.target


@dataclass
class IndicatorRow:
    code: str
    text: str
    uniform: bool
    checked: int
    share: float | None


@dataclass
class ControlsReport:
    year: int
    targets: Targets
    rows: list[MunicipalityRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)

    @property
    def total_controls(self) -> int:
        return sum(r.controls for r in self.rows)

    @property
    def total_target(self) -> int:
        return sum(r.target or 0 for r in self.rows)

    @property
    def with_target_met(self) -> int:
        return sum(1 for r in self.rows if r.target and r.controls >= r.target)

    @property
    def with_target(self) -> int:
        return sum(1 for r in self.rows if r.target)


def controls_in(year: int, municipalities: QuerySet[Municipality] | None = None) -> QuerySet[Control]:
    qs = Control.objects.filter(performed_on__year=year)
    if municipalities is not None:
        qs = qs.filter(municipality__in=municipalities)
    return qs


def report(year: int, municipalities: QuerySet[Municipality] | None = None) -> ControlsReport:
    """Every municipality with a target or a control in ``year`` (restricted to ``municipalities``)."""
    targets = load()
    year_targets = targets.for_year(year)
    qs = controls_in(year, municipalities)
    per_municipality = {r["municipality_id"]: r for r in qs.values("municipality_id").annotate(
        n=Count("pk", distinct=True), workers=Sum("workers_spoken")).order_by()}
    signals = dict(qs.values("municipality_id").annotate(n=Count("signals", distinct=True)).order_by()
                   .values_list("municipality_id", "n"))
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for code, kind, n in qs.values_list("municipality_id", "location_kind").annotate(n=Count("pk")).order_by():
        kinds[code][kind] = n
    uniform = set(targets.uniform_indicators)
    checked_uniform: dict[str, list[int]] = defaultdict(list)
    through = Control.indicators_checked.through.objects.filter(control__in=qs)
    per_control = Counter(through.filter(indicator_id__in=uniform).values_list("control_id", flat=True))
    for control_id, code in qs.values_list("pk", "municipality_id"):
        checked_uniform[code].append(per_control.get(control_id, 0))

    codes = set(per_municipality) | set(year_targets)
    if municipalities is not None:
        codes &= set(municipalities.values_list("pk", flat=True))
    names = dict(Municipality.objects.filter(pk__in=codes).values_list("pk", "name"))
    rows = []
    for code in sorted(codes, key=lambda c: names.get(c, c)):
        found = per_municipality.get(code)
        counts = checked_uniform.get(code, [])
        rows.append(MunicipalityRow(
            code=code, name=names.get(code, code), target=year_targets.get(code),
            controls=found["n"] if found else 0, workers_spoken=(found["workers"] or 0) if found else 0,
            signals=signals.get(code, 0),
            by_kind={k: kinds[code].get(k, 0) for k in LocationKind.values},
            uniformity=(sum(counts) / (len(counts) * len(uniform))) if counts and uniform else None,
        ))
    total = qs.count()
    checked = Counter(through.values_list("indicator_id", flat=True))
    indicators = [IndicatorRow(code=i.code, text=i.text, uniform=i.code in uniform, checked=checked.get(i.code, 0),
                               share=(checked.get(i.code, 0) / total) if total else None)
                  for i in _indicators(uniform | set(checked))]
    return ControlsReport(year=year, targets=targets, rows=rows, indicators=indicators)


def _indicators(codes: Iterable[str]) -> list[Indicator]:
    return list(Indicator.objects.filter(pk__in=list(codes)).order_by("order"))


def years_with_data() -> list[int]:
    years = {d.year for d in Control.objects.dates("performed_on", "year")} | set(load().by_year)
    return sorted(years, reverse=True)
