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
    chains: int = 1
    rhat: float = math.nan  # Gelman-Rubin statistic of log N over the chains

    @property
    def converged(self) -> bool:
        """True when the chains agree (R-hat below 1.1), or when only one chain was run."""
        return not math.isfinite(self.rhat) or self.rhat < 1.1

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
            "chains": self.chains,
            "rhat": self.rhat if math.isfinite(self.rhat) else None,
            "converged": self.converged,
            "seed": self.seed,
        }

    def summary(self) -> str:
        pct = round(self.level * 100)
        text = (
            f"Latent-class estimate (Bayesian, {self.classes} classes at most, {self.chains} chains, "
            f"{self.draws.size:,} draws): {self.estimate:,.0f}, {pct}% credible interval {self.ci_low:,.0f} to "
            f"{self.ci_high:,.0f}; median {np.median(self.occupied):.0f} classes in use. (seed {self.seed})"
        )
        if not self.converged:
            text += (
                f"\nWarning: the chains disagree (R-hat {self.rhat:.2f}); the sampler has not settled and this "
                "number is not reliable. Run longer (--burnin) or with more chains."
            )
        return text


def latent_class_estimate(
    table: CaptureTable,
    *,
    classes: int = 10,
    burnin: int = 10000,
    samples: int = 1000,
    thin: int = 10,
    chains: int = 2,
    seed: int | None = None,
    level: float = 0.95,
    alpha_prior: tuple[float, float] = (0.25, 0.25),
    progress: Callable[[int, int], None] | None = None,
) -> LatentClassResult:
    """Run ``chains`` Gibbs chains and return their pooled posterior draws of the population size.

    ``classes`` is the truncation of the Dirichlet process; in every chain ``burnin`` iterations are
    discarded and every ``thin``-th iteration after that is kept, ``samples`` per chain (the defaults
    are those of the LCMCR examples).  The chains start from different random points; the
    Gelman-Rubin statistic ``rhat`` on log N tells whether they agree (see :attr:`converged`): this
    sampler can stay for a long time near one mode (on UKdat_5 one chain in three did, with 10,000
    burn-in iterations).
    """
    if classes < 1 or burnin < 0 or samples < 1 or thin < 1 or chains < 1:
        raise EstimationError("classes, samples, thin and chains must be at least 1 and burnin at least 0.")
    if not 0.0 < level < 1.0:
        raise EstimationError(f"The credible level must be between 0 and 1, got {level}.")
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    streams = np.random.SeedSequence(seed).spawn(chains)
    per_chain = burnin + samples * thin
    draws = np.empty((chains, samples))
    occupied = np.empty((chains, samples))
    for c, stream in enumerate(streams):
        def chain_progress(done: int, total: int, c: int = c) -> None:
            if progress is not None:
                progress(c * per_chain + done, chains * per_chain)

        draws[c], occupied[c] = _chain(
            table, np.random.default_rng(stream), classes, burnin, samples, thin, alpha_prior,
            chain_progress if progress is not None else None,
        )
    rhat = gelman_rubin(np.log(draws)) if chains > 1 else math.nan
    return LatentClassResult(
        table, draws.reshape(-1), level, seed, classes, burnin, thin, occupied.reshape(-1), chains, rhat
    )


def gelman_rubin(chains: np.ndarray) -> float:
    """Potential scale reduction factor of ``chains`` (rows = chains), Gelman & Rubin (1992)."""
    _m, n = chains.shape
    means = chains.mean(axis=1)
    within = float(chains.var(axis=1, ddof=1).mean())
    between = n * float(means.var(ddof=1))
    if within <= 0:
        return 1.0 if between <= 0 else math.inf
    var_hat = (n - 1) / n * within + between / n
    return math.sqrt(var_hat / within)


def _chain(
    table: CaptureTable,
    rng: np.random.Generator,
    classes: int,
    burnin: int,
    samples: int,
    thin: int,
    alpha_prior: tuple[float, float],
    progress: Callable[[int, int], None] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """One Gibbs chain: kept draws of N and the number of occupied classes."""
    k_lists = table.n_lists
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
    return draws, occupied


def _weights(v: np.ndarray) -> np.ndarray:
    """Stick-breaking: pi_k = v_k prod_{l<k} (1 - v_l)."""
    rest = np.concatenate([[1.0], np.cumprod(1.0 - v[:-1])])
    return v * rest
