"""The annual monitor for the National Rapporteur: one report for a chosen year, built from the registry.

It puts together the yearly figures (in persons, five years up to the chosen one), the chain from signal to
verdict, shelter use, prostitution controls against their targets and the estimate of the dark number with
its interval and method. Every count goes through the figures' disclosure control (small cells as ``<5``,
secondary suppression); the estimate is published rounded to tens with its interval. The same data and
settings give the same report: nothing in it depends on the moment it is made.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.controls.selectors import ControlsReport
from vangnet.controls.selectors import report as controls_report
from vangnet.estimation import EstimationError, estimate
from vangnet.shelters.models import DischargeDestination, Placement
from vangnet.statistics import chain as chain_selectors
from vangnet.statistics import selectors
from vangnet.statistics.capture import LISTS, capture_histories
from vangnet.statistics.estimate import covariate_names, live_estimate
from vangnet.statistics.selectors import FigureRow, FigureTable, Filters
from vangnet.statistics.suppression import suppress

YEARS_SHOWN = 5
MONITOR_TABLES = ("summary", "forms", "age", "gender", "nationality", "region")


@dataclass
class EstimateSummary:
    observed: int
    total: int | None = None
    low: int | None = None
    high: int | None = None
    level: int = 95
    method: str = ""
    model: str = ""
    lists: list[str] = field(default_factory=list)
    error: str = ""
    #: covariates the model used (year, age group, gender, form); empty for the estimate without covariates
    covariates: list[str] = field(default_factory=list)
    #: the spread over the credible models (rounded) and the plain-language warning when they disagree
    spread_low: int | None = None
    spread_high: int | None = None
    warning: str = ""


@dataclass
class ShelterUse:
    table: FigureTable
    median_days: float | None
    p90_days: float | None
    timed: int


@dataclass
class Monitor:
    year: int
    filters: Filters
    figures: list[FigureTable]
    chain: chain_selectors.Chain
    shelter: ShelterUse
    controls: ControlsReport
    estimate: EstimateSummary


def _round_to(value: float, step: int = 10) -> int:
    return int(step * round(value / step))


CI_METHODS = {"wald": "Wald", "profile": "profile likelihood", "bootstrap": "bootstrap"}


def dark_number(filters: Filters, year: int) -> EstimateSummary:
    """The estimate for ``year``: from the log-linear model with covariates (year, age group, gender, form) fitted
    on the years of ``filters`` (the Dutch way), with the spread over the credible models; when no such model
    can be fitted, the estimate without covariates for the year alone."""
    try:
        live = live_estimate(filters)
    except (EstimationError, ArithmeticError, ValueError, np.linalg.LinAlgError):
        return _plain_dark_number(Filters(year_from=year, year_to=year))
    row = next((r for r in live.estimate.by("year") if str(r.level) == str(year)), None)
    if row is None or not (math.isfinite(row.estimate) and math.isfinite(row.ci_low) and math.isfinite(row.ci_high)):
        return _plain_dark_number(Filters(year_from=year, year_to=year))
    table = live.table
    names = {**{lst.code: str(lst.label) for lst in LISTS}, **covariate_names()}
    summary = EstimateSummary(observed=int(row.observed), total=_round_to(row.estimate), low=_round_to(row.ci_low),
                              high=_round_to(row.ci_high), level=round(live.estimate.level * 100),
                              method=CI_METHODS.get(live.estimate.ci_method, live.estimate.ci_method),
                              covariates=[names.get(c, c) for c in table.covariates],
                              lists=[names.get(c, c) for c in table.lists])
    interactions = [" × ".join(names.get(x, x) for x in term) for term in live.estimate.fit.model.terms
                    if len(term) > 1]
    summary.model = "; ".join(interactions) or _("no interactions")
    sens = live.sensitivity
    if sens.rows:
        summary.spread_low, summary.spread_high = _round_to(sens.low), _round_to(sens.high)
        if sens.disagree:
            summary.warning = _("Models that fit about equally well differ by a factor %(factor)s: the data cannot "
                                "tell which is right, so do not report one number on its own.") % {
                "factor": f"{sens.ratio:.1f}"}
    return summary


def _plain_dark_number(filters: Filters) -> EstimateSummary:
    capture = capture_histories(filters)
    labels = {lst.code: str(lst.label) for lst in capture.lists}
    summary = EstimateSummary(observed=capture.observed)
    try:
        result = estimate(capture.table(), "stepwise")
    except EstimationError as exc:
        summary.error = " ".join(str(exc).split())
        return summary
    except (ArithmeticError, ValueError, np.linalg.LinAlgError):
        summary.error = _("The estimate could not be computed for these years.")
        return summary
    names = [labels[c] for c in result.table.lists]
    if not (math.isfinite(result.total) and math.isfinite(result.ci_low) and math.isfinite(result.ci_high)):
        summary.error = _("The estimate has no finite interval for these years.")
        return summary
    summary.total, summary.low, summary.high = (_round_to(result.total), _round_to(result.ci_low),
                                                _round_to(result.ci_high))
    summary.level = round(result.level * 100)
    summary.method = str(result.ci_label)
    interactions = result.model.interaction_labels(names, sep=" × ")
    summary.model = "; ".join(interactions) if isinstance(interactions, list) else str(interactions)
    summary.model = summary.model or _("independent lists")
    summary.lists = names
    return summary


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def shelter_use(filters: Filters) -> ShelterUse:
    """Persons admitted to a shelter place per year, and where they went on discharge."""
    admitted = Placement.objects.filter(admission_date__year__gte=filters.year_from,
                                        admission_date__year__lte=filters.year_to)
    years = filters.years
    persons_per_year: dict[int, set[str]] = {y: set() for y in years}
    for day, key, case_id in admitted.values_list("admission_date", "request__case__person_key", "request__case_id"):
        if day is not None:
            persons_per_year[day.year].add(key or f"case:{case_id}")
    discharged = Placement.objects.filter(discharge_date__year__gte=filters.year_from,
                                          discharge_date__year__lte=filters.year_to)
    by_destination = {(r["discharge_date__year"], r["discharge_destination"]): r["n"] for r in discharged.values(
        "discharge_date__year", "discharge_destination").annotate(n=Count("pk")).order_by()}
    labels = [(_("Persons admitted"), [len(persons_per_year[y]) for y in years])]
    for code, label in DischargeDestination.choices:
        labels.append((_("Discharged: %(destination)s") % {"destination": label},
                       [by_destination.get((y, code), 0) for y in years]))
    grid = [[*row, sum(row)] for _label, row in labels]
    published = suppress(grid, total_col=True)
    table = FigureTable(
        key="shelter", title=_("Shelter use"), caption=_("Admissions (persons) and discharges per year"),
        row_header=_("Shelter"), columns=[str(y) for y in years] + [_("All years")],
        rows=[FigureRow(str(label), cells) for (label, _r), cells in zip(labels, published, strict=True)],
        note=_("“All years” adds up the years: a person admitted in two years counts twice there."),
    )
    waits = [max((admission - timezone.localtime(requested).date()).days, 0)
             for admission, requested in admitted.filter(admission_date__year=filters.year_to)
             .values_list("admission_date", "request__created_at") if admission is not None]
    enough = len(waits) >= 5
    return ShelterUse(table=table, timed=len(waits), median_days=_percentile(waits, 0.5) if enough else None,
                      p90_days=_percentile(waits, 0.9) if enough else None)


def build(year: int) -> Monitor:
    filters = Filters(year_from=year - YEARS_SHOWN + 1, year_to=year)
    figures = [selectors.TABLES[key](filters) for key in MONITOR_TABLES]
    return Monitor(
        year=year, filters=filters, figures=figures, chain=chain_selectors.chain(filters),
        shelter=shelter_use(filters), controls=controls_report(year),
        estimate=dark_number(filters, year),
    )


def to_pdf(html: str) -> bytes:
    """The monitor as PDF (WeasyPrint; needs Pango, see docs/statistics.md). No creation date is written, so the
    same report gives the same bytes."""
    from weasyprint import HTML  # imported here: only the PDF needs it

    return HTML(string=html).write_pdf()
