"""Simulated populations with a known size, to check estimators (tests, benchmarks, docs).

:func:`simulate_covariate_table` draws a population per stratum (covariate combination) and lets
each person be caught by each list independently, with a catch probability that depends on the
list and on the person's covariates (``logit p = base_j + effect_jc(z_c)``).  Given the covariates
the lists are independent, so the log-linear model with every list-by-covariate interaction (and no
list pairs) is the true model.  :func:`simulate_heterogeneous_table` draws people from latent
classes with different catch probabilities (the situation latent-class MSE is made for).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vangnet.estimation.covariates import CovariateTable
from vangnet.estimation.table import CaptureTable


def simulate_covariate_table(
    rng: np.random.Generator,
    *,
    n_lists: int = 3,
    levels: Sequence[int] = (2, 3),
    stratum_size: float = 400.0,
    base: float = -1.2,
    spread: float = 0.6,
    effects: np.ndarray | None = None,
) -> tuple[CovariateTable, np.ndarray, np.ndarray]:
    """Return the table of people seen, the true stratum sizes and the catch probabilities.

    Stratum sizes are Poisson(``stratum_size`` times a random factor in 0.5..1.5) with the factors drawn
    once from ``rng``; ``effects`` (``n_lists`` by ``sum(levels)``) may fix the covariate effects.
    """
    lists = tuple("ABCDEFGHIJ"[:n_lists])
    covs = tuple(f"z{c + 1}" for c in range(len(levels)))
    lv = tuple(tuple(str(i) for i in range(n)) for n in levels)
    shape = tuple(levels)
    n_strata = int(np.prod(shape)) if shape else 1
    sizes_mean = stratum_size * rng.uniform(0.5, 1.5, size=n_strata)
    if effects is None:
        effects = rng.normal(0.0, spread, size=(n_lists, int(sum(levels))))
    grid = np.indices(shape).reshape(len(shape), -1).T if shape else np.zeros((1, 0), dtype=int)
    offsets = np.cumsum([0, *levels[:-1]]) if levels else np.zeros(0, dtype=int)
    logit = np.full((n_strata, n_lists), base)
    for c in range(len(levels)):
        logit += effects[:, offsets[c] + grid[:, c]].T
    prob = 1.0 / (1.0 + np.exp(-logit))
    sizes = rng.poisson(sizes_mean)
    counts = np.zeros((1 << n_lists, n_strata), dtype=np.int64)
    weights = 1 << np.arange(n_lists)
    for s in range(n_strata):
        caught = rng.random((int(sizes[s]), n_lists)) < prob[s]
        hist = caught.astype(np.int64) @ weights
        counts[:, s] = np.bincount(hist, minlength=1 << n_lists)
    counts[0, :] = 0
    table = CovariateTable(lists, covs, lv, counts.reshape((1 << n_lists, *shape)), "simulated")
    return table, sizes.reshape(shape), prob


def simulate_heterogeneous_table(
    rng: np.random.Generator,
    size: int,
    class_shares: Sequence[float],
    catch: np.ndarray,
) -> CaptureTable:
    """People from latent classes (``class_shares``) with catch probabilities ``catch[class, list]``."""
    catch = np.asarray(catch, dtype=float)
    n_lists = catch.shape[1]
    cls = rng.choice(len(class_shares), size=size, p=np.asarray(class_shares) / np.sum(class_shares))
    caught = rng.random((size, n_lists)) < catch[cls]
    hist = caught.astype(np.int64) @ (1 << np.arange(n_lists))
    counts = np.bincount(hist, minlength=1 << n_lists)
    counts[0] = 0
    return CaptureTable.from_counts(counts, tuple("ABCDEFGHIJ"[:n_lists]), "simulated")
