"""The live estimate with covariates: capture histories by year, age group, gender and form, from the registry.

As in :mod:`vangnet.statistics.capture`, a person is a linkage cluster and is *on* a list when any of
their signals in the chosen years was reported by an organisation of that list.  Each person also gets
covariates, taken over their signals in the chosen years (only per-person values leave the database,
never an id):

* ``year``: the year of the person's first signal in the period;
* ``age``: ``minor`` when any signal gives an age under 18, else ``adult_or_unknown``;
* ``gender``: ``female`` when any signal says woman/girl, else ``other_or_unknown``;
* ``form``: ``sexual`` when any signal is about sexual exploitation, else ``other_forms``.

The Dutch estimates (WODC/UNODC 2017, 2019) use such covariates because the chance to be on a list
differs by year, age, gender and form.  The model is chosen step by step by BIC (every covariate may
interact with all lists); the sensitivity table shows the other credible models, the estimate without
covariates and the latent-class estimate beside it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, Max, Min, Q, Value, When
from django.db.models.functions import ExtractYear

from vangnet.estimation.covariates import CovariateEstimate, CovariateTable, default_family, estimate_covariates
from vangnet.estimation.errors import EstimationError
from vangnet.estimation.latent import LatentClassResult, latent_class_estimate
from vangnet.estimation.sensitivity import Sensitivity, SensitivityRow, covariate_sensitivity
from vangnet.persons.models import SignalEncoding
from vangnet.statistics.capture import LISTS, SourceList
from vangnet.statistics.selectors import Filters, signals

COVARIATES = ("year", "age", "gender", "form")
LEVELS = {
    "age": ("adult_or_unknown", "minor"),
    "gender": ("other_or_unknown", "female"),
    "form": ("other_forms", "sexual"),
}


def covariate_names() -> dict[str, str]:
    """The covariates in the reader's language."""
    from django.utils.translation import gettext as _

    return {"year": _("year"), "age": _("age group"), "gender": _("gender"), "form": _("form of exploitation")}


#: Seed of the latent-class sampler: the page shows the same number on every visit.
LATENT_SEED = 20261204


def covariate_rows(filters: Filters, lists: tuple[SourceList, ...] = LISTS) -> Counter[tuple[Any, ...]]:
    """(history over all lists..., year, minor, female, sexual) -> persons, counted in the database."""
    base = signals(filters)
    one = {"then": Value(1)}
    flags: dict[str, Any] = {
        f"on_{j}": Max(CaseWhen(When(signal__reporting_organisation__type__in=sorted(lst.types), **one),
                                default=Value(0), output_field=IntegerField()))
        for j, lst in enumerate(lists)
    }
    covs: dict[str, Any] = {
        "cov_year": ExtractYear(Min("signal__submitted_at")),
        "cov_minor": Max(CaseWhen(When(signal__age_at_signal__lt=18, **one), default=Value(0),
                                  output_field=IntegerField())),
        "cov_female": Max(CaseWhen(When(signal__gender="female", **one), default=Value(0),
                                   output_field=IntegerField())),
        "cov_sexual": Max(CaseWhen(When(Q(signal__forms__code="sexual") | Q(signal__forms__parent_id="sexual"),
                                        **one), default=Value(0), output_field=IntegerField())),
    }
    rows = (SignalEncoding.objects.filter(signal__in=base.values("pk")).values("cluster_id")
            .annotate(**flags, **covs).order_by().values_list(*flags, *covs))
    return Counter(tuple(int(v) for v in row) for row in rows)


def covariate_table(filters: Filters, lists: tuple[SourceList, ...] = LISTS) -> CovariateTable:
    """The table for :mod:`vangnet.estimation.covariates`; lists nobody is on and covariates with one level
    are left out.  Raises ``TableError`` when there is nobody."""
    counts = covariate_rows(filters, lists)
    k = len(lists)
    used = [j for j in range(k) if any(row[j] for row in counts)]
    people: list[tuple[tuple[int, ...], tuple[str, ...], int]] = []
    for row, n in counts.items():
        history = tuple(row[j] for j in used)
        year, minor, female, sexual = row[k:]
        if any(history):
            levels: tuple[str, ...] = (str(year), LEVELS["age"][minor], LEVELS["gender"][female],
                                       LEVELS["form"][sexual])
            people.append((history, levels, n))
    keep = [i for i in range(len(COVARIATES)) if len({lv[i] for _h, lv, _n in people}) > 1]
    merged: Counter[tuple[tuple[int, ...], tuple[str, ...]]] = Counter()
    for history, person_levels, n in people:
        merged[(history, tuple(person_levels[i] for i in keep))] += n
    names = [lists[j].code for j in used]
    covs = [COVARIATES[i] for i in keep]
    records = [dict(zip([*names, *covs, "count"], [*h, *lv, n], strict=True)) for (h, lv), n in merged.items()]
    order = {"year": [str(y) for y in filters.years], **{c: list(v) for c, v in LEVELS.items()}}
    return CovariateTable.from_records(records, names, covs, levels={c: order[c] for c in covs},
                                       name=f"{filters.year_from}-{filters.year_to}")


@lru_cache(maxsize=16)
def _latent(lists: tuple[str, ...], counts: bytes) -> LatentClassResult:
    """The latent-class estimate of a table, cached by its content (the sampler takes seconds; the same
    table gives the same seeded result anyway).  Two chains, so that the page can say when they disagree."""
    from vangnet.estimation.table import CaptureTable

    table = CaptureTable(lists, np.frombuffer(counts, dtype=np.int64).copy())
    return latent_class_estimate(table, burnin=2000, samples=500, thin=4, chains=2, seed=LATENT_SEED)


@dataclass
class LiveEstimate:
    table: CovariateTable
    estimate: CovariateEstimate
    sensitivity: Sensitivity
    plain: SensitivityRow | None  # the stepwise estimate without covariates, for comparison
    latent: LatentClassResult | None


def live_estimate(filters: Filters, lists: tuple[SourceList, ...] = LISTS) -> LiveEstimate:
    """Estimate with covariates (stepwise by BIC, Wald intervals per year and in total), the credible models
    and, beside them, the estimates without covariates (log-linear stepwise and latent-class).

    Raises :class:`EstimationError` (with a readable message) when no estimate exists.
    """
    from vangnet.estimation.api import estimate as plain_estimate

    table = covariate_table(filters, lists)
    family = default_family(table)
    est = estimate_covariates(table, "stepwise", family=family, criterion="bic", ci="wald",
                              by=["year"] if "year" in table.covariates else [])
    sens = covariate_sensitivity(table, family=family, top=4, search="stepwise",
                                 stepwise_selection=est.selection)
    collapsed = table.collapse([])
    from vangnet.estimation.table import CaptureTable

    plain_table = CaptureTable(collapsed.lists, collapsed.counts.astype("int64"), collapsed.name)
    plain: SensitivityRow | None = None
    latent: LatentClassResult | None = None
    try:
        p = plain_estimate(plain_table, "stepwise")
        plain = SensitivityRow(("plain",), "", p.model.spec, float("nan"), float("nan"), p.total, p.ci_low,
                               p.ci_high)
    except EstimationError:
        plain = None
    try:
        latent = _latent(plain_table.lists, plain_table.counts.tobytes())
    except EstimationError:
        latent = None
    return LiveEstimate(table, est, sens, plain, latent)
