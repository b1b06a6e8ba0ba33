"""How much does the estimate depend on the model?  The spread over the credible models, shown honestly.

A single number hides that several log-linear models fit the same lists about equally well and can
give very different dark figures (Ned_5: 48,013 by BIC, 148,789 by a neighbouring model).  For a
table, :func:`sensitivity` collects

* the best ``top`` models by BIC,
* the model the stepwise rule chooses, and the best model by AIC,
* each of these in *strict* mode (terms nobody exhibits are not allowed) and in *extended* mode
  (such terms at minus infinity, as SparseMSE and MultipleSystemsEstimation do),

each with its estimate and a 95 % Wald interval, and says in plain words when the estimates differ by
more than a factor (2 by default).  :func:`covariate_sensitivity` does the same for models with
covariates.  :func:`sensitivity_svg` draws the rows as dots with interval lines; numbers in the SVG
are written with a dot as decimal separator whatever the language of the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from vangnet.estimation.errors import EstimationError
from vangnet.estimation.plot import nice_max, plain_number, svg_open

DEFAULT_FACTOR = 2.0


@dataclass(frozen=True)
class SensitivityRow:
    """One credible model: how it was found, its estimate and interval."""

    sources: tuple[str, ...]  # how it was found: "stepwise", "bic-1".."bic-N", "aic" (one or more)
    mode: str  # "strict" or "extended" ("" for covariate models)
    model: str
    criterion: float  # BIC of the model (nan when not computed)
    delta: float  # BIC minus the lowest BIC in the same mode
    estimate: float
    ci_low: float
    ci_high: float

    @property
    def label(self) -> str:
        how = " = ".join(
            {"stepwise": "stepwise", "aic": "best AIC"}.get(s, s.replace("bic-", "BIC #")) for s in self.sources
        )
        return f"{how} ({self.mode})" if self.mode else how


@dataclass(frozen=True)
class Sensitivity:
    """The credible models of one estimate, and how far apart they are."""

    rows: tuple[SensitivityRow, ...]
    observed: int
    factor: float = DEFAULT_FACTOR
    skipped: tuple[str, ...] = ()

    @property
    def low(self) -> float:
        return min(r.estimate for r in self.rows)

    @property
    def high(self) -> float:
        return max(r.estimate for r in self.rows)

    @property
    def ratio(self) -> float:
        return self.high / self.low if self.low > 0 else math.inf

    @property
    def disagree(self) -> bool:
        return self.ratio > self.factor

    def strict_vs_extended(self) -> list[tuple[str, SensitivityRow, SensitivityRow]]:
        """The choices of the stepwise rule, of BIC and of AIC in strict and in extended mode, where the
        two differ (estimates more than 0.5 % apart): (choice, strict row, extended row)."""
        out = []
        for source in ("stepwise", "bic-1", "aic"):
            s = next((r for r in self.rows if r.mode == "strict" and source in r.sources), None)
            e = next((r for r in self.rows if r.mode == "extended" and source in r.sources), None)
            if s is not None and e is not None and abs(e.estimate - s.estimate) > 0.005 * s.estimate:
                out.append((source, s, e))
        return out

    def warning(self) -> str | None:
        """A plain-English warning when the credible models disagree by more than ``factor``."""
        if not self.disagree:
            return None
        lo = min(self.rows, key=lambda r: r.estimate)
        hi = max(self.rows, key=lambda r: r.estimate)
        return (
            f"Warning: models that fit these lists about equally well give very different answers, from "
            f"{lo.estimate:,.0f} ({lo.label}) to {hi.estimate:,.0f} ({hi.label}), a factor {self.ratio:.1f}. "
            "The data cannot tell which is right; do not report one of these numbers on its own."
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "observed": self.observed,
            "factor": self.factor,
            "ratio": self.ratio,
            "disagree": self.disagree,
            "warning": self.warning(),
            "models": [
                {
                    "found_by": list(r.sources),
                    "mode": r.mode,
                    "model": r.model,
                    "bic": _num(r.criterion),
                    "delta_bic": _num(r.delta),
                    "estimate": r.estimate,
                    "ci_low": _num(r.ci_low),
                    "ci_high": _num(r.ci_high),
                }
                for r in self.rows
            ],
            "skipped": list(self.skipped),
        }

    def table(self) -> str:
        """A plain-text table (for the command line)."""
        lines = [f"{'how found':<34}{'model':<34}{'dBIC':>8}{'estimate':>12}   95% interval"]
        for r in self.rows:
            d = f"{r.delta:.1f}" if math.isfinite(r.delta) else "-"
            model = r.model if len(r.model) <= 32 else r.model[:29] + "..."
            lines.append(f"{r.label:<34}{model:<34}{d:>8}{r.estimate:>12,.0f}   {_fmt(r.ci_low)} to {_fmt(r.ci_high)}")
        lines.append(
            f"Spread: {self.low:,.0f} to {self.high:,.0f} (factor {self.ratio:.2f}); {self.observed:,} people seen."
        )
        for source, s, e in self.strict_vs_extended():
            how = {"stepwise": "the stepwise choice", "bic-1": "the BIC choice", "aic": "the AIC choice"}[source]
            lines.append(
                f"Strict and extended differ for {how}: {s.estimate:,.0f} ({s.model}) vs {e.estimate:,.0f} ({e.model})."
            )
        for note in self.skipped:
            lines.append(f"Not shown: {note}")
        warning = self.warning()
        if warning:
            lines.append(warning)
        return "\n".join(lines)


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if math.isfinite(x) else "unbounded"


def _dedupe(rows: list[SensitivityRow]) -> tuple[SensitivityRow, ...]:
    """One row per (mode, model); a model found several ways keeps all its sources."""
    out: dict[tuple[str, str], SensitivityRow] = {}
    for r in rows:
        key = (r.mode, r.model)
        if key in out:
            old = out[key]
            out[key] = SensitivityRow(
                old.sources + r.sources,
                old.mode,
                old.model,
                old.criterion,
                old.delta,
                old.estimate,
                old.ci_low,
                old.ci_high,
            )
        else:
            out[key] = r
    return tuple(out.values())


def sensitivity(
    table: object,
    *,
    top: int = 5,
    factor: float = DEFAULT_FACTOR,
    max_order: int = 2,
    pthresh: float = 0.02,
    level: float = 0.95,
    modes: tuple[str, ...] = ("strict", "extended"),
) -> Sensitivity:
    """The credible models of a capture-history table (see the module docstring)."""
    from vangnet.estimation.fitting import fit_model
    from vangnet.estimation.intervals import wald_interval
    from vangnet.estimation.selection import select_by_ic, stepwise
    from vangnet.estimation.table import CaptureTable

    if not isinstance(table, CaptureTable):
        raise EstimationError("sensitivity() needs a CaptureTable.")
    if top < 1:
        raise EstimationError("top must be at least 1.")
    rows: list[SensitivityRow] = []
    skipped: list[str] = []
    for mode in modes:
        extended = mode == "extended"
        try:
            bic = select_by_ic(table, "bic", max_order, extended=extended)
        except EstimationError as exc:
            skipped.append(f"BIC search ({mode}): {exc}")
            bic = None
        best_bic = bic.ranking[0].criterion if bic is not None else math.nan
        bic_of = {r.model.spec: r.criterion for r in bic.ranking} if bic is not None else {}
        candidates: list[tuple[str, object]] = []
        if bic is not None:
            candidates += [(f"bic-{i + 1}", r.model) for i, r in enumerate(bic.ranking[:top])]
        try:
            candidates.insert(0, ("stepwise", stepwise(table, pthresh, extended=extended).model))
        except EstimationError as exc:
            skipped.append(f"stepwise ({mode}): {exc}")
        try:
            aic = select_by_ic(table, "aic", max_order, extended=extended)
            candidates.append(("aic", aic.model))
        except EstimationError as exc:
            skipped.append(f"AIC search ({mode}): {exc}")
        for source, model in candidates:
            fit = fit_model(table, model, check=False, extended=extended)  # type: ignore[arg-type]
            low, high = wald_interval(fit, level)
            crit = bic_of.get(fit.model.spec, fit.bic)
            rows.append(SensitivityRow((source,), mode, fit.model.spec, crit, crit - best_bic, fit.total, low, high))
    if not rows:
        raise EstimationError("No model could be fitted to this table. " + " ".join(skipped))
    return Sensitivity(_dedupe(rows), table.observed, factor, tuple(skipped))


def covariate_sensitivity(
    table: object,
    *,
    family: object | None = None,
    top: int = 5,
    factor: float = DEFAULT_FACTOR,
    level: float = 0.95,
    group: tuple[str, str] | None = None,
    search: str = "auto",
    stepwise_selection: object | None = None,
) -> Sensitivity:
    """The credible covariate models: the best ``top`` by BIC and the stepwise one.

    ``search="all"`` ranks every model of the family; ``"stepwise"`` ranks the models the stepwise
    search fitted on its way (cheap when the family is large); ``"auto"``: all when the family has at
    most 4,096 models.  ``group`` (covariate, level) restricts the estimates to one stratum group,
    e.g. one year.  ``stepwise_selection`` reuses a stepwise selection already made.
    """
    from threadpoolctl import threadpool_limits

    from vangnet.estimation.covariates import CovariateTable

    if not isinstance(table, CovariateTable):
        raise EstimationError("covariate_sensitivity() needs a CovariateTable.")

    with threadpool_limits(limits=1, user_api="blas"):
        return _covariate_sensitivity(table, family, top, factor, level, group, search, stepwise_selection)


def _covariate_sensitivity(
    table: object,
    family: object | None,
    top: int,
    factor: float,
    level: float,
    group: tuple[str, str] | None,
    search: str,
    stepwise_selection: object | None,
) -> Sensitivity:
    import numpy as np

    from vangnet.estimation.covariates import (
        CovariateSelection,
        CovariateTable,
        Family,
        default_family,
        fit_covariate_model,
        select_covariate_model,
        wald_group,
    )

    assert isinstance(table, CovariateTable)
    fam = family if isinstance(family, Family) else default_family(table)
    step = stepwise_selection if isinstance(stepwise_selection, CovariateSelection) else None
    if step is None or step.criterion != "bic":
        step = select_covariate_model(table, "stepwise", family=fam, criterion="bic")
    if search == "all" or (search == "auto" and fam.size <= 4096):
        bic = select_covariate_model(table, "bic", family=fam)
    else:
        bic = step
    best = bic.ranking[0].criterion
    crit_of = {r.model: r.criterion for r in bic.ranking}
    rows: list[SensitivityRow] = []
    mask = np.ones(table.n_strata, dtype=bool)
    models = [("stepwise", step.fit.model)] + [(f"bic-{i + 1}", r.model) for i, r in enumerate(bic.ranking[:top])]
    observed = table.observed
    for source, model in models:
        fit = fit_covariate_model(table, model, check=False)
        m = mask if group is None else fit.groups(group[0])[group[1]]
        obs, est, lo, hi = wald_group(fit, m, level)
        observed = round(obs)
        crit = crit_of.get(model, fit.bic)
        rows.append(SensitivityRow((source,), "", model.spec(table), crit, crit - best, est, lo, hi))
    return Sensitivity(_dedupe(rows), observed, factor)


def sensitivity_svg(
    sens: Sensitivity,
    *,
    title: str = "",
    labels: list[str] | None = None,
    observed_label: str = "seen",
    width: int = 640,
) -> str:
    """Dots (estimates) with lines (intervals) per credible model and a line at the number seen.

    ``labels`` overrides the row labels (e.g. translated), ``title`` becomes the accessible name.
    """
    rows = list(sens.rows)
    names = labels if labels is not None else [r.label for r in rows]
    if len(names) != len(rows):
        raise EstimationError("One label per row is needed.")
    items = [IntervalItem(n, r.estimate, r.ci_low, r.ci_high) for n, r in zip(names, rows, strict=True)]
    return interval_svg(items, title=title, observed=sens.observed, observed_label=observed_label, width=width)


@dataclass(frozen=True)
class IntervalItem:
    """One row of :func:`interval_svg`: a label, an estimate, its interval and optionally the number seen."""

    label: str
    estimate: float
    low: float
    high: float
    observed: float | None = None


def interval_svg(
    items: list[IntervalItem],
    *,
    title: str = "",
    observed: float | None = None,
    observed_label: str = "seen",
    width: int = 640,
) -> str:
    """A dot-and-interval chart, one row per item; a dashed line at ``observed`` (common to all rows) or a
    light bar per row for the item's own number seen.

    Every coordinate is formatted by Python with a dot as decimal separator, so the chart is the same
    whatever the language of the page (a Django template would write ``12,0`` in Dutch).
    """
    longest = max((len(i.label) for i in items), default=10)
    left, right, top, row_h = min(max(60, 12 + round(7.4 * longest)), width // 2), 24, 16, 26
    plot_w = width - left - right
    height = top + row_h * len(items) + 40
    finite = [i.high for i in items if math.isfinite(i.high)] + [i.estimate for i in items]
    vmax = nice_max(max(finite) * 1.05)

    def x(v: float) -> float:
        return left + plot_w * min(max(v, 0.0), vmax) / vmax

    out = [svg_open(width, height, label=title)]
    for t in range(5):
        v = vmax * t / 4
        out.append(
            f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{top - 4}" y2="{height - 30}" stroke="#ccc"/>'
            f'<text x="{x(v):.1f}" y="{height - 14}" text-anchor="middle" fill="#333">{plain_number(v)}</text>'
        )
    for i, item in enumerate(items):
        cy = top + row_h * i + row_h / 2
        if item.observed is not None:
            out.append(
                f'<rect x="{left}" y="{cy - 8:.1f}" width="{x(item.observed) - left:.1f}" height="16" '
                'fill="#d9e4f0"/>'
            )
        out.append(
            f'<text x="{left - 8}" y="{cy + 4:.1f}" text-anchor="end" fill="#222">{escape(item.label)}</text>'
        )
        if math.isfinite(item.low):
            hi = x(item.high) if math.isfinite(item.high) else x(vmax)
            out.append(
                f'<line x1="{x(item.low):.1f}" x2="{hi:.1f}" y1="{cy:.1f}" y2="{cy:.1f}" '
                'stroke="#1f4e79" stroke-width="2"/>'
            )
        out.append(f'<circle cx="{x(item.estimate):.1f}" cy="{cy:.1f}" r="5" fill="#1f4e79"/>')
    if observed is not None:
        ox = x(observed)
        out.append(
            f'<line x1="{ox:.1f}" x2="{ox:.1f}" y1="{top - 4}" y2="{height - 30}" stroke="#b3541e" '
            f'stroke-dasharray="4 3"/><text x="{ox + 4:.1f}" y="{top + 6}" fill="#8a3a12">'
            f"{escape(observed_label)}</text>"
        )
    out.append("</svg>")
    return "".join(out)

