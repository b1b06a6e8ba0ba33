"""Confidence intervals for the population size.

*Wald (model-conditional).*  The dark figure is ``exp(beta_0)``; with ``se`` the standard error of
the intercept (inverse Fisher information), the interval is ``n + exp(beta_0 +/- z se)`` — a Wald
interval on the log of the dark figure, as in SparseMSE's ``estimatepopulation.0``.  It treats the
model as known.

*Profile likelihood (model-conditional).*  As in Rcapture's ``closedpCI.t`` (Cormack 1992): for a
candidate population size ``N`` the dark cell is given the count ``N - n`` and the model is fitted to
the complete ``2**k`` table; the multinomial profile log-likelihood is
``-(D(N) - 2 c(N)) / 2`` with ``D`` that fit's Poisson deviance and
``c(N) = log(n0^n0 N! / (N^N n0!))``, ``n0 = N - n``.  Its maximiser is the multinomial MLE (close
to, but not equal to, the Poisson estimate), and the interval is the set of ``N`` within
``chi2_1(level)/2`` of the maximum, searched between ``n`` and ``3`` times the point estimate.

*Bootstrap.*  Replicate tables are drawn either nonparametrically (the ``n`` observed people
resampled: a multinomial draw with the observed history proportions, as SparseMSE and Silverman,
Chan & Vincent 2024) or parametrically (independent Poisson counts with the fitted means).  The
model selection is repeated on each replicate, so the interval includes model-selection
uncertainty.  Percentile and BCa intervals (Efron 1987; DiCiccio & Efron 1996) are given; BCa uses
the bias correction ``z0 = Phi^-1(share of replicates below the estimate)`` and an acceleration from
the delete-one-person jackknife, each distinct history weighted by its count.  Quantiles are
Hyndman-Fan type 8, as R's ``quantile(type = 8)`` used by SparseMSE.  All random numbers are drawn
up front from one seeded generator, so results do not depend on the number of worker processes.
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.special import chdtri, gammaln, ndtr, ndtri

from vangnet.estimation.errors import EstimationError
from vangnet.estimation.fitting import FitResult, newton_compact
from vangnet.estimation.selection import Selection, Selector, selector_for


# ====================================================================== Wald
def wald_interval(fit: FitResult, level: float = 0.95) -> tuple[float, float]:
    """Wald interval on ``log(dark figure)``, transformed back to the population size."""
    z = float(ndtri(0.5 + level / 2.0))
    b0 = float(fit.coefficients[0])
    se = fit.se_log_dark
    n = fit.table.observed
    return n + math.exp(b0 - z * se), n + math.exp(b0 + z * se)


# ====================================================================== profile likelihood
@dataclass(frozen=True)
class ProfileResult:
    """Profile-likelihood interval; ``high`` is ``inf`` if the likelihood does not drop enough below
    ``upper_factor`` times the point estimate."""

    low: float
    high: float
    mle: float
    level: float


def _profile_values(
    fit: FitResult, sizes: np.ndarray, beta0: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Profile log-likelihood at several population sizes at once (one batched fit); also returns the
    fitted coefficients, usable as warm starts."""
    table = fit.table
    k = table.n_lists
    n = float(table.observed)
    terms, excl = fit.terms, fit.excluded_cells()
    sizes = np.asarray(sizes, dtype=float)
    n0 = np.maximum(sizes - n, 0.0)
    y = np.repeat(table.counts.astype(float)[None, :], sizes.size, axis=0)
    y[:, 0] = n0
    start = np.repeat(
        np.asarray(fit.coefficients if beta0 is None else beta0, dtype=float)[None, :], sizes.size, 0
    )
    beta, mu, _, conv, _ = newton_compact(
        y,
        k,
        terms,
        start,
        include_dark=True,
        excluded=None if excl is None else np.repeat(excl[None, :], sizes.size, 0),
    )
    if not conv.all():
        bad = ~conv
        beta_b, mu_b, _, _, _ = newton_compact(
            y[bad],
            k,
            terms,
            None,
            include_dark=True,
            excluded=None if excl is None else np.repeat(excl[None, :], int(bad.sum()), 0),
        )
        beta[bad] = beta_b
        mu[bad] = mu_b
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    dev = 2.0 * np.sum(term - (y - mu), axis=1)
    total = n + n0
    ct = np.where(n0 > 0, n0 * np.log(np.where(n0 > 0, n0, 1.0)), 0.0) + gammaln(total + 1.0)
    ct = ct - total * np.log(total) - gammaln(n0 + 1.0)
    return -(dev - 2.0 * ct) / 2.0, beta


def profile_loglik(fit: FitResult) -> Callable[[float], float]:
    """The multinomial profile log-likelihood ``N -> l(N)`` of the fitted model (see module docstring)."""
    state = {"beta": np.array(fit.coefficients, dtype=float)}

    def loglik(big_n: float) -> float:
        values, beta = _profile_values(fit, np.array([big_n]), state["beta"])
        state["beta"] = beta[0]
        return float(values[0])

    return loglik


def profile_interval(fit: FitResult, level: float = 0.95, upper_factor: float = 3.0) -> ProfileResult:
    """Profile-likelihood interval for the population size (Rcapture ``closedpCI.t`` convention).

    The profile is first evaluated on a grid (one batched fit) to bracket the maximum and the two
    crossings, which are then refined by Brent's methods.
    """
    n = float(fit.table.observed)
    point = fit.total
    hi_search = upper_factor * point
    f = profile_loglik(fit)
    tol = max(1e-4, 1e-8 * point)
    grid = n + (hi_search - n) * np.concatenate([[0.0], np.geomspace(1e-6, 1.0, 48)])
    values, _ = _profile_values(fit, grid)
    i = int(np.argmax(values))
    lo_b = grid[max(i - 1, 0)]
    hi_b = grid[min(i + 1, grid.size - 1)]
    from scipy.optimize import brentq, minimize_scalar  # slow import: only when needed

    opt = minimize_scalar(lambda v: -f(v), bounds=(lo_b, hi_b), method="bounded", options={"xatol": tol})
    n_mle = float(opt.x)
    lmax = max(-float(opt.fun), float(values[i]))
    cut = lmax - float(chdtri(1.0, 1.0 - level)) / 2.0

    def g(v: float) -> float:
        return f(v) - cut

    low = n
    below = np.nonzero((grid < n_mle) & (values < cut))[0]
    if below.size:
        j = int(below[-1])
        upper_bracket = min((float(x) for x in grid[j + 1 :] if x <= n_mle), default=n_mle)
        low = float(brentq(g, grid[j], max(upper_bracket, grid[j] + tol), xtol=tol))
    high = math.inf
    above = np.nonzero((grid > n_mle) & (values < cut))[0]
    if above.size:
        j = int(above[0])
        lower_bracket = max((float(x) for x in grid[:j] if x >= n_mle), default=n_mle)
        high = float(brentq(g, min(lower_bracket, grid[j] - tol), grid[j], xtol=tol))
    return ProfileResult(low=low, high=high, mle=n_mle, level=level)


# ====================================================================== bootstrap
@dataclass(frozen=True, eq=False)
class BootstrapResult:
    """Bootstrap replicates and the intervals derived from them."""

    estimate: float
    replicates: np.ndarray
    models: tuple[str, ...]
    jackknife: np.ndarray
    jackknife_weights: np.ndarray
    acceleration: float
    bias_correction: float
    percentile: tuple[float, float]
    bca: tuple[float, float]
    level: float
    kind: str
    seed: int | np.random.SeedSequence | None

    @property
    def n_failed(self) -> int:
        """Replicates for which no model could be fitted (left out of the intervals)."""
        return int(np.sum(~np.isfinite(self.replicates)))

    def model_frequencies(self) -> list[tuple[str, float]]:
        """Share of replicates selecting each model, most frequent first."""
        specs = [m for m in self.models if m]
        if not specs:
            return []
        values, counts = np.unique(np.array(specs), return_counts=True)
        order = np.argsort(-counts, kind="stable")
        return [(str(values[i]), float(counts[i]) / len(self.models)) for i in order]


def type8_quantile(values: np.ndarray, probs: np.ndarray | float) -> np.ndarray:
    """Hyndman & Fan type-8 (median-unbiased) sample quantiles, as R's ``quantile(type = 8)``."""
    return np.quantile(np.asarray(values, dtype=float), probs, method="median_unbiased")


def bca_interval(
    replicates: np.ndarray, estimate: float, acceleration: float, level: float = 0.95
) -> tuple[tuple[float, float], float]:
    """BCa limits ``((low, high), z0)`` from finite bootstrap replicates."""
    reps = np.asarray(replicates, dtype=float)
    reps = reps[np.isfinite(reps)]
    b = reps.size
    if b == 0:
        raise EstimationError("No bootstrap replicate could be estimated, so no interval can be given.")
    share = float(np.mean(reps < estimate))
    share = min(max(share, 0.5 / b), 1.0 - 0.5 / b)
    z0 = float(ndtri(share))
    alpha = np.array([0.5 - level / 2.0, 0.5 + level / 2.0])
    za = ndtri(alpha)
    adj = ndtr(z0 + (z0 + za) / (1.0 - acceleration * (z0 + za)))
    q = type8_quantile(reps, adj)
    return (float(q[0]), float(q[1])), z0


def jackknife_acceleration(jack: np.ndarray, weights: np.ndarray) -> float:
    """BCa acceleration from delete-one estimates ``jack`` with multiplicities ``weights``."""
    w = np.asarray(weights, dtype=float)
    j = np.asarray(jack, dtype=float)
    ok = np.isfinite(j) & (w > 0)
    if not ok.any():
        return 0.0
    w, j = w[ok], j[ok]
    d = np.sum(w * j) / np.sum(w) - j
    denom = np.sum(w * d**2)
    if denom <= 0:
        return 0.0
    return float(np.sum(w * d**3) / (6.0 * denom**1.5))


def draw_replicates(
    fit: FitResult, nboot: int, rng: np.random.Generator, kind: str = "nonparametric"
) -> np.ndarray:
    """Replicate count vectors ``(nboot, 2**k)`` (column 0 is 0)."""
    y = fit.table.counts.astype(float)
    n = int(y.sum())
    if kind == "nonparametric":
        reps = rng.multinomial(n, y / y.sum(), size=nboot).astype(float)
    elif kind == "parametric":
        mean = np.array(fit.fitted, dtype=float)
        mean[0] = 0.0
        reps = rng.poisson(mean, size=(nboot, mean.size)).astype(float)
    else:
        raise EstimationError(f"Unknown bootstrap kind {kind!r}; use 'nonparametric' or 'parametric'.")
    reps[:, 0] = 0.0
    return reps


def _select_chunk(args: tuple[Selector, np.ndarray]) -> tuple[np.ndarray, list[str]]:
    selector, counts = args
    return selector.select(counts)


def run_selector(
    selector: Selector,
    counts: np.ndarray,
    workers: int = 1,
    chunk: int = 250,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Apply ``selector`` to every row of ``counts``, optionally in ``workers`` processes.

    ``progress(done, total)`` is called after every chunk of rows.
    """
    rows = counts.shape[0]
    if workers <= 1 or rows < 2 * chunk:
        out: list[np.ndarray] = []
        specs: list[str] = []
        for lo in range(0, rows, chunk):
            t, s = selector.select(counts[lo : lo + chunk])
            out.append(t)
            specs.extend(s)
            if progress is not None:
                progress(min(lo + chunk, rows), rows)
        return (np.concatenate(out) if out else np.zeros(0)), specs
    parts = np.array_split(np.arange(rows), max(workers, math.ceil(rows / chunk)))
    ctx = multiprocessing.get_context("spawn")
    results = []
    done = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for part, res in zip(parts, pool.map(_select_chunk, [(selector, counts[p]) for p in parts]), strict=True):
            results.append(res)
            done += part.size
            if progress is not None:
                progress(done, rows)
    return np.concatenate([r[0] for r in results]), [s for r in results for s in r[1]]


def jackknife_counts(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Delete-one-person tables: one per history with a positive count, and their weights (the counts)."""
    y = np.asarray(counts, dtype=float)
    cells = np.nonzero(y > 0)[0]
    cells = cells[cells > 0]
    tables = np.repeat(y[None, :], cells.size, axis=0)
    tables[np.arange(cells.size), cells] -= 1.0
    return tables, y[cells]


def bootstrap(
    selection: Selection,
    nboot: int = 1000,
    *,
    seed: int | np.random.SeedSequence | None = None,
    kind: str = "nonparametric",
    level: float = 0.95,
    top: int | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> BootstrapResult:
    """Bootstrap the population estimate with the model selection repeated in every replicate.

    ``top`` limits an AIC/BIC re-selection to the ``top`` best models on the original data
    (``ntopmodels`` of Silverman, Chan & Vincent 2024); by default all models are candidates.
    """
    if nboot < 10:
        raise EstimationError("Use at least 10 bootstrap replicates (1,000 or more for a real interval).")
    fit = selection.fit
    rng = np.random.default_rng(seed)
    reps = draw_replicates(fit, nboot, rng, kind)
    selector = selector_for(selection, top)
    totals, specs = run_selector(selector, reps, workers, chunk=100 if progress is not None else 250, progress=progress)
    jack_tables, weights = jackknife_counts(fit.table.counts)
    jack, _ = selector.select(jack_tables)
    acc = jackknife_acceleration(jack, weights)
    est = fit.total
    finite = totals[np.isfinite(totals)]
    if finite.size == 0:
        raise EstimationError("No bootstrap replicate could be estimated, so no interval can be given.")
    (lo, hi), z0 = bca_interval(finite, est, acc, level)
    perc = type8_quantile(finite, np.array([0.5 - level / 2.0, 0.5 + level / 2.0]))
    return BootstrapResult(
        estimate=est,
        replicates=totals,
        models=tuple(specs),
        jackknife=jack,
        jackknife_weights=weights,
        acceleration=acc,
        bias_correction=z0,
        percentile=(float(perc[0]), float(perc[1])),
        bca=(lo, hi),
        level=level,
        kind=kind,
        seed=seed,
    )
