"""High-level entry points: :func:`estimate` and :func:`estimate_stratified`."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from vangnet.estimation.errors import EstimationError, ModelError
from vangnet.estimation.intervals import (
    BootstrapResult,
    ProfileResult,
    bca_interval,
    bootstrap,
    jackknife_acceleration,
    profile_interval,
    type8_quantile,
    wald_interval,
)
from vangnet.estimation.models import Model, bits, parse_model
from vangnet.estimation.selection import Selection, select_by_ic, select_fixed, stepwise
from vangnet.estimation.table import CaptureTable, tables_from_mapping

METHODS = ("stepwise", "aic", "bic", "fixed")
CI_METHODS = ("wald", "profile", "bootstrap", "none")
INTERVALS = ("bca", "percentile")

SeedLike = int | np.random.SeedSequence | None


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if math.isfinite(x) else "unbounded"


def _finite_or_none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


@dataclass(frozen=True, eq=False)
class Estimate:
    """A population estimate with its model and confidence interval.

    ``ci_method`` is ``"wald"``, ``"profile"``, ``"bootstrap"`` or ``"none"``; for a bootstrap the
    interval type (``"bca"`` or ``"percentile"``) is in ``interval``.
    """

    selection: Selection
    ci_method: str
    ci_low: float
    ci_high: float
    level: float
    interval: str = ""
    bootstrap: BootstrapResult | None = None
    profile: ProfileResult | None = None

    @property
    def table(self) -> CaptureTable:
        """The input table."""
        return self.selection.fit.table

    @property
    def model(self) -> Model:
        """The model used for the point estimate."""
        return self.selection.model

    @property
    def method(self) -> str:
        """How the model was chosen: stepwise, aic, bic or fixed."""
        return self.selection.method

    @property
    def observed(self) -> int:
        """People observed on at least one list."""
        return self.table.observed

    @property
    def dark_figure(self) -> float:
        """Estimated number of people on no list."""
        return self.selection.fit.dark_figure

    @property
    def total(self) -> float:
        """Estimated total population."""
        return self.selection.fit.total

    @property
    def ci_label(self) -> str:
        """Short name of the interval, e.g. ``bootstrap-bca``."""
        return f"bootstrap-{self.interval}" if self.ci_method == "bootstrap" else self.ci_method

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary (infinite interval ends become ``None``)."""
        fit = self.selection.fit
        names = list(self.table.lists)
        out: dict[str, object] = {
            "table": self.table.name,
            "lists": names,
            "observed": self.observed,
            "dark_figure": self.dark_figure,
            "estimate": self.total,
            "ci_low": _finite_or_none(self.ci_low),
            "ci_high": _finite_or_none(self.ci_high),
            "ci_level": self.level,
            "ci_method": self.ci_label,
            "method": self.method,
            "model": self.model.interaction_labels(),
            "model_named": self.model.interaction_labels(names),
            "model_spec": self.model.spec,
            "terms_at_minus_infinity": [":".join(str(j + 1) for j in bits(t)) for t in fit.infinite_terms],
            "loglik": fit.loglik,
            "aic": fit.aic,
            "bic": fit.bic,
            "se_log_dark_figure": fit.se_log_dark,
            "options": dict(self.selection.options),
        }
        if self.selection.steps:
            out["steps"] = [
                {
                    "term": ":".join(str(j + 1) for j in bits(s.term)),
                    "p_value": s.p_value,
                    "observed_overlap": s.observed_overlap,
                    "expected_overlap": s.expected_overlap,
                }
                for s in self.selection.steps
            ]
        if self.selection.ranking:
            out["models_considered"] = self.selection.n_models
            out["models_skipped"] = self.selection.n_skipped
            out["top_models"] = [
                {"model": r.model.spec, "estimate": r.total, self.method: r.criterion}
                for r in self.selection.ranking[:5]
            ]
        if self.profile is not None:
            out["multinomial_mle"] = self.profile.mle
        if self.bootstrap is not None:
            b = self.bootstrap
            out["bootstrap"] = {
                "replicates": int(b.replicates.size),
                "failed": b.n_failed,
                "kind": b.kind,
                "seed": b.seed if isinstance(b.seed, int) else None,
                "percentile": [b.percentile[0], b.percentile[1]],
                "bca": [b.bca[0], b.bca[1]],
                "acceleration": b.acceleration,
                "bias_correction": b.bias_correction,
                "model_frequencies": [{"model": m, "share": f} for m, f in b.model_frequencies()[:10]],
            }
        return out

    def summary(self) -> str:
        """A plain-English report for a policy analyst."""
        names = self.table.lists
        fit = self.selection.fit
        pct = round(self.level * 100)
        head = f"Population estimate for {self.table.name}" if self.table.name else "Population estimate"
        lines = [
            f"{head} ({len(names)} lists: {', '.join(names)})",
            "",
            f"  People seen on at least one list:     {_fmt(self.observed)}",
            f"  Estimated number never seen:          {_fmt(self.dark_figure)}  (the 'dark figure')",
            f"  Estimated total population:           {_fmt(self.total)}",
        ]
        if self.ci_method != "none":
            lines.append(
                f"  {pct}% confidence interval:              {_fmt(self.ci_low)} to {_fmt(self.ci_high)}"
            )
        lines.append("")
        share = self.observed / self.total if self.total > 0 else 1.0
        lines.append(
            f"In words: about {_fmt(self.total)} people are estimated to be in this population, of whom the "
            f"lists together saw {_fmt(self.observed)} ({share:.0%})."
        )
        if self.ci_method != "none":
            lines.append(
                f"The true number is plausibly between {_fmt(self.ci_low)} and {_fmt(self.ci_high)} "
                f"({_ci_sentence(self)})."
            )
        lines.append("")
        how = {
            "stepwise": f"stepwise selection (SparseMSE rule, p-value threshold "
            f"{self.selection.options.get('pthresh', 0.02)})",
            "aic": f"lowest AIC among {self.selection.n_models - self.selection.n_skipped:,} models "
            f"(interactions up to order {self.selection.options.get('max_order')})",
            "bic": f"lowest BIC among {self.selection.n_models - self.selection.n_skipped:,} models "
            f"(interactions up to order {self.selection.options.get('max_order')})",
            "local": f"the lowest {self.method.upper()} found by a local search (one term added or dropped at "
            f"a time, starting from the stepwise model) among {self.selection.n_models:,} models fitted; "
            "there were too many models to fit them all",
            "fixed": "the model given by the user",
        }["local" if self.selection.options.get("search") == "local" else self.method]
        lines.append(f"Model {self.model.spec}: {self.model.describe(names)}; chosen by {how}.")
        if fit.infinite_terms:
            labels = ", ".join(":".join(names[j] for j in bits(t)) for t in fit.infinite_terms)
            lines.append(
                f"Lists never seen together ({labels}) are modelled as never overlapping (interaction at "
                "minus infinity)."
            )
        if self.bootstrap is not None:
            b = self.bootstrap
            freqs = b.model_frequencies()
            if freqs and self.method != "fixed":
                top, share_top = freqs[0]
                lines.append(
                    f"In the bootstrap the model choice was repeated {b.replicates.size:,} times; the most "
                    f"frequent choice was {top} ({share_top:.0%} of replicates)."
                )
            if b.n_failed:
                lines.append(f"{b.n_failed} bootstrap replicates could not be estimated and were left out.")
        lines.append(
            "Caveat: multiple systems estimation assumes a closed population, correctly linked records and "
            "that the chosen model describes how the lists depend on each other."
        )
        return "\n".join(lines)


def _ci_sentence(est: Estimate) -> str:
    if est.ci_method == "wald":
        return "Wald interval on the log dark figure; it assumes the model is right and ignores model choice"
    if est.ci_method == "profile":
        return "profile-likelihood interval; it assumes the model is right and ignores model choice"
    b = est.bootstrap
    n = b.replicates.size if b is not None else 0
    kind = "BCa" if est.interval == "bca" else "percentile"
    return f"{kind} bootstrap interval from {n:,} replicates, with the model choice repeated in each"


def _select(
    table: CaptureTable,
    method: str,
    pthresh: float,
    max_order: int,
    model: Model | str | None,
    extended: bool,
    search: str = "auto",
) -> Selection:
    method = method.lower()
    if method not in METHODS:
        raise ModelError(f"Unknown method {method!r}; use one of {', '.join(METHODS)}.")
    if method == "fixed":
        if model is None:
            raise ModelError("The fixed method needs a model, e.g. [12,13,24].")
        mod = parse_model(model, table.n_lists, table.lists) if isinstance(model, str) else model
        return select_fixed(table, mod, extended=extended)
    if model is not None:
        raise ModelError(f"A model was given but the method is {method!r}; use method 'fixed' to fit it.")
    if method == "stepwise":
        return stepwise(table, pthresh, extended=extended)
    return select_by_ic(table, method, max_order, extended=extended, search=search)


def estimate(
    table: CaptureTable,
    method: str = "stepwise",
    *,
    pthresh: float = 0.02,
    max_order: int = 2,
    model: Model | str | None = None,
    ci: str = "wald",
    level: float = 0.95,
    nboot: int = 1000,
    seed: SeedLike = None,
    bootstrap_kind: str = "nonparametric",
    interval: str = "bca",
    top: int | None = None,
    workers: int = 1,
    extended: bool = False,
    search: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> Estimate:
    """Estimate the total population from a capture-history table.

    ``method``: ``"stepwise"`` (SparseMSE rule with ``pthresh``), ``"aic"`` / ``"bic"`` (all
    hierarchical models up to ``max_order``) or ``"fixed"`` (``model``, e.g. ``"[12,13,24]"``).
    ``ci``: ``"wald"``, ``"profile"``, ``"bootstrap"`` (``nboot`` replicates, ``interval`` ``"bca"`` or
    ``"percentile"``, reproducible with ``seed``, model re-selected in each replicate) or ``"none"``.
    ``extended=True`` lets the selection (and a fixed model) use terms at minus infinity as SparseMSE
    and MultipleSystemsEstimation do.  ``search`` (AIC/BIC): ``"all"``, ``"local"`` or ``"auto"``
    (see :func:`~vangnet.estimation.selection.select_by_ic`).  ``progress(done, total)`` is called
    during a bootstrap.
    """
    if not 0.0 < level < 1.0:
        raise EstimationError(f"The confidence level must be between 0 and 1, got {level}.")
    ci = ci.lower()
    if ci not in CI_METHODS:
        raise EstimationError(f"Unknown interval method {ci!r}; use one of {', '.join(CI_METHODS)}.")
    if interval not in INTERVALS:
        raise EstimationError(f"Unknown bootstrap interval {interval!r}; use 'bca' or 'percentile'.")
    selection = _select(table, method, pthresh, max_order, model, extended, search)
    fit = selection.fit
    if ci == "wald":
        low, high = wald_interval(fit, level)
        return Estimate(selection, "wald", low, high, level)
    if ci == "profile":
        prof = profile_interval(fit, level)
        return Estimate(selection, "profile", prof.low, prof.high, level, profile=prof)
    if ci == "none":
        return Estimate(selection, "none", math.nan, math.nan, level)
    boot = bootstrap(
        selection, nboot, seed=seed, kind=bootstrap_kind, level=level, top=top, workers=workers, progress=progress
    )
    low, high = boot.bca if interval == "bca" else boot.percentile
    return Estimate(selection, "bootstrap", low, high, level, interval=interval, bootstrap=boot)


# ====================================================================== strata
@dataclass(frozen=True, eq=False)
class StratifiedEstimate:
    """Estimates per stratum and for their sum; the interval for the sum is a bootstrap interval
    (strata resampled independently, the model re-selected in each stratum and replicate)."""

    strata: dict[str, Estimate]
    total: float
    observed: int
    ci_low: float
    ci_high: float
    level: float
    interval: str
    replicates: np.ndarray

    @property
    def dark_figure(self) -> float:
        """Estimated number never seen, summed over strata."""
        return self.total - self.observed

    @property
    def n_failed(self) -> int:
        """Bootstrap replicates left out because some stratum could not be estimated."""
        return int(np.sum(~np.isfinite(self.replicates)))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary: one entry per stratum plus the sum."""
        return {
            "strata": {k: v.to_dict() for k, v in self.strata.items()},
            "total": {
                "estimate": self.total,
                "observed": self.observed,
                "dark_figure": self.dark_figure,
                "ci_low": _finite_or_none(self.ci_low),
                "ci_high": _finite_or_none(self.ci_high),
                "ci_level": self.level,
                "ci_method": f"bootstrap-{self.interval}",
                "replicates": int(self.replicates.size),
                "failed": self.n_failed,
            },
        }

    def summary(self) -> str:
        """Plain-English report: a line per stratum, then the sum."""
        pct = round(self.level * 100)
        width = max(len(k) for k in self.strata) + 2
        lines = [f"{'stratum':<{width}}{'observed':>10}{'estimate':>12}   {pct}% interval"]
        for key, est in self.strata.items():
            lines.append(
                f"{key:<{width}}{est.observed:>10,}{est.total:>12,.0f}   "
                f"{_fmt(est.ci_low)} to {_fmt(est.ci_high)}"
                f" ({est.ci_label})"
            )
        lines.append(
            f"{'sum':<{width}}{self.observed:>10,}{self.total:>12,.0f}   {_fmt(self.ci_low)} to "
            f"{_fmt(self.ci_high)} (bootstrap-{self.interval})"
        )
        lines.append("")
        lines.append(
            f"In words: summed over the {len(self.strata)} strata about {_fmt(self.total)} people are "
            "estimated, "
            f"of whom {_fmt(self.observed)} were seen; the sum is plausibly between {_fmt(self.ci_low)} and "
            f"{_fmt(self.ci_high)}. Each stratum has its own model (see the per-stratum reports)."
        )
        if self.n_failed:
            lines.append(f"{self.n_failed} bootstrap replicates could not be estimated and were left out.")
        return "\n".join(lines)


def estimate_stratified(
    tables: Mapping[str, CaptureTable],
    method: str = "stepwise",
    *,
    pthresh: float = 0.02,
    max_order: int = 2,
    model: Model | str | None = None,
    ci: str = "wald",
    level: float = 0.95,
    nboot: int = 1000,
    seed: SeedLike = None,
    bootstrap_kind: str = "nonparametric",
    interval: str = "bca",
    top: int | None = None,
    workers: int = 1,
    extended: bool = False,
    search: str = "auto",
) -> StratifiedEstimate:
    """Estimate each stratum (e.g. form of exploitation, year) separately and their sum.

    ``ci`` is the interval reported for each stratum; the interval for the sum is always a bootstrap
    (``interval`` BCa or percentile) built from independent bootstraps of the strata, with the
    acceleration from the pooled delete-one jackknife.
    """
    strata = tables_from_mapping(tables)
    seeds = np.random.SeedSequence(seed if not isinstance(seed, np.random.SeedSequence) else seed.entropy)
    children = seeds.spawn(len(strata))
    estimates: dict[str, Estimate] = {}
    boots: list[BootstrapResult] = []
    for (key, tab), child in zip(strata.items(), children, strict=True):
        try:
            est = estimate(
                tab,
                method,
                pthresh=pthresh,
                max_order=max_order,
                model=model,
                ci=ci,
                level=level,
                nboot=nboot,
                seed=child,
                bootstrap_kind=bootstrap_kind,
                interval=interval,
                top=top,
                workers=workers,
                extended=extended,
                search=search,
            )
        except EstimationError as exc:
            raise type(exc)(f"Stratum {key!r}: {exc}") from None
        boot = est.bootstrap or bootstrap(
            est.selection, nboot, seed=child, kind=bootstrap_kind, level=level, top=top, workers=workers
        )
        estimates[key] = est
        boots.append(boot)
    total = float(sum(e.total for e in estimates.values()))
    observed = int(sum(e.observed for e in estimates.values()))
    reps = np.sum([b.replicates for b in boots], axis=0)
    finite = reps[np.isfinite(reps)]
    if finite.size == 0:
        raise EstimationError("No bootstrap replicate of the sum could be estimated.")
    jack = np.concatenate(
        [total - e.total + b.jackknife for e, b in zip(estimates.values(), boots, strict=True)]
    )
    weights = np.concatenate([b.jackknife_weights for b in boots])
    if interval == "bca":
        (low, high), _ = bca_interval(finite, total, jackknife_acceleration(jack, weights), level)
    else:
        q = type8_quantile(finite, np.array([0.5 - level / 2.0, 0.5 + level / 2.0]))
        low, high = float(q[0]), float(q[1])
    return StratifiedEstimate(estimates, total, observed, low, high, level, interval, reps)
