"""Bayesian latent-class multiple systems estimation (in the manner of LCMCR).

Log-linear models explain the overlap between lists by interaction terms, and the answer can depend
strongly on which terms are chosen.  The latent-class model of Manrique-Vallier (2016, *Biometrics*
72:1246) starts elsewhere: people differ in how *catchable* they are, and within a latent class the
lists catch people independently.  The number of classes is not fixed: the class shares follow a
Dirichlet process (truncated at ``K`` classes, stick-breaking).  Heterogeneity between people, the
main reason why lists overlap more than independence predicts, is then modelled directly, without a
model choice.

The model, for ``N`` people with capture histories ``x_i`` on ``J`` lists::

    z_i ~ Categorical(pi),            pi ~ stick-breaking(alpha),   alpha ~ Gamma(a, b)
    x_ij | z_i = k ~ Bernoulli(lambda_jk),                          lambda_jk ~ Beta(1, 1)
    p(N) proportional to 1/N

The Gibbs sampler below (written from the model, with counts aggregated per history so that a step
costs ``O(2^J K)``) alternates: classes of the people seen (multinomial per history), the number not
seen ``n0 ~ NegBin(n, 1 - p0)`` with ``p0 = sum_k pi_k prod_j (1 - lambda_jk)``, their classes, the
catch probabilities (Beta), the stick-breaking weights (Beta) and ``alpha`` (Gamma).  Everything is
drawn from one seeded ``numpy`` generator, so a seed gives the same chain.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from vangnet.estimation.errors import EstimationError
from vangnet.estimation.table import CaptureTable


@dataclass(frozen=True, eq=False)
class LatentClassResult:
    """Posterior draws of the population size and their summary."""

    table: CaptureTable
    draws: np.ndarray = field(repr=False)  # posterior draws of N (after burn-in and thinning)
    level: float
    seed: int | None
    classes: int
    burnin: int
    thin: int
    occupied: np.ndarray = field(repr=False)  # classes with people in them, per kept draw

    @property
    def observed(self) -> int:
        return self.table.observed

    @property
    def estimate(self) -> float:
        """Posterior median of the population size."""
        return float(np.median(self.draws))

    @property
    def mean(self) -> float:
        return float(np.mean(self.draws))

    @property
    def ci_low(self) -> float:
        return float(np.quantile(self.draws, 0.5 - self.level / 2.0))

    @property
    def ci_high(self) -> float:
        return float(np.quantile(self.draws, 0.5 + self.level / 2.0))

    def to_dict(self) -> dict[str, object]:
        return {
            "method": "latent-class (Dirichlet process mixture, Gibbs sampler)",
            "observed": self.observed,
            "estimate": self.estimate,
            "posterior_mean": self.mean,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "ci_level": self.level,
            "ci_method": "posterior quantiles",
            "draws": int(self.draws.size),
            "burnin": self.burnin,
            "thin": self.thin,
            "max_classes": self.classes,
            "classes_used_median": float(np.median(self.occupied)),
            "seed": self.seed,
        }

    def summary(self) -> str:
        pct = round(self.level * 100)
        return (
            f"Latent-class estimate (Bayesian, {self.classes} classes at most, {self.draws.size:,} draws): "
            f"{self.estimate:,.0f}, {pct}% credible interval {self.ci_low:,.0f} to {self.ci_high:,.0f}; "
            f"median {np.median(self.occupied):.0f} classes in use. (seed {self.seed})"
        )


def latent_class_estimate(
    table: CaptureTable,
    *,
    classes: int = 10,
    burnin: int = 2000,
    samples: int = 2000,
    thin: int = 5,
    seed: int | None = None,
    level: float = 0.95,
    alpha_prior: tuple[float, float] = (0.25, 0.25),
    progress: Callable[[int, int], None] | None = None,
) -> LatentClassResult:
    """Run the Gibbs sampler and return ``samples`` posterior draws of the population size.

    ``classes`` is the truncation of the Dirichlet process; ``burnin`` iterations are discarded and
    every ``thin``-th iteration after that is kept.
    """
    if classes < 1 or burnin < 0 or samples < 1 or thin < 1:
        raise EstimationError("classes, samples and thin must be at least 1 and burnin at least 0.")
    if not 0.0 < level < 1.0:
        raise EstimationError(f"The credible level must be between 0 and 1, got {level}.")
    k_lists = table.n_lists
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    rng = np.random.default_rng(seed)
    cells = np.nonzero(table.counts)[0]
    counts = table.counts[cells].astype(np.int64)
    x = ((cells[:, None] >> np.arange(k_lists)) & 1).astype(float)  # (H, J)
    n = int(counts.sum())
    a_alpha, b_alpha = alpha_prior
    kk = classes
    lam = rng.beta(1.0, 1.0, size=(k_lists, kk))
    alpha = 1.0
    v = rng.beta(1.0, alpha, size=kk)
    v[-1] = 1.0
    pi = _weights(v)
    total_iter = burnin + samples * thin
    draws = np.empty(samples)
    occupied = np.empty(samples)
    kept = 0
    tiny = 1e-300
    for it in range(total_iter):
        # 1. classes of the people seen, per history.
        loglam = np.log(np.maximum(lam, tiny))
        log1m = np.log(np.maximum(1.0 - lam, tiny))
        logp = np.log(np.maximum(pi, tiny))[None, :] + x @ loglam + (1.0 - x) @ log1m  # (H, K)
        logp -= logp.max(axis=1, keepdims=True)
        q = np.exp(logp)
        q /= q.sum(axis=1, keepdims=True)
        seen = rng.multinomial(counts, q)  # (H, K)
        # 2. the number not seen and their classes.
        p0k = np.exp(log1m.sum(axis=0))
        p0 = float(np.clip(pi @ p0k, 0.0, 1.0 - 1e-12))
        n0 = int(rng.negative_binomial(n, 1.0 - p0)) if p0 > 0 else 0
        share0 = pi * p0k
        unseen = rng.multinomial(n0, share0 / share0.sum()) if n0 > 0 and share0.sum() > 0 else np.zeros(kk, int)
        # 3. catch probabilities.
        m = seen.sum(axis=0) + unseen
        s = x.T @ seen  # (J, K): people of class k on list j
        lam = rng.beta(1.0 + s, 1.0 + m[None, :] - s)
        # 4. stick-breaking weights and alpha.
        tail = np.concatenate([np.cumsum(m[::-1])[::-1][1:], [0]])
        v = rng.beta(1.0 + m, alpha + tail)
        v[-1] = 1.0
        v[:-1] = np.minimum(v[:-1], 1.0 - 1e-12)
        pi = _weights(v)
        alpha = float(rng.gamma(a_alpha + kk - 1, 1.0 / (b_alpha - np.log1p(-v[:-1]).sum())))
        if it >= burnin and (it - burnin) % thin == thin - 1:
            draws[kept] = n + n0
            occupied[kept] = int(np.count_nonzero(m))
            kept += 1
        if progress is not None and (it + 1) % 500 == 0:
            progress(it + 1, total_iter)
    if not np.isfinite(draws).all() or math.isnan(float(draws.mean())):  # pragma: no cover - defensive
        raise EstimationError("The latent-class sampler failed to produce valid draws.")
    return LatentClassResult(table, draws, level, seed, kk, burnin, thin, occupied)


def _weights(v: np.ndarray) -> np.ndarray:
    """Stick-breaking: pi_k = v_k prod_{l<k} (1 - v_l)."""
    rest = np.concatenate([[1.0], np.cumprod(1.0 - v[:-1])])
    return v * rest
