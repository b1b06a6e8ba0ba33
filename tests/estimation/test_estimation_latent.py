"""Bayesian latent-class MSE (vangnet.estimation.latent) against populations of known size."""

from __future__ import annotations

import numpy as np
import pytest

from vangnet.estimation import CaptureTable, EstimationError, estimate
from vangnet.estimation.latent import gelman_rubin, latent_class_estimate
from vangnet.estimation.simulate import simulate_heterogeneous_table


def test_seeded_chain_is_reproducible(load) -> None:  # type: ignore[no-untyped-def]
    table = load("Kosovo")
    a = latent_class_estimate(table, seed=4, burnin=200, samples=100, thin=1)
    b = latent_class_estimate(table, seed=4, burnin=200, samples=100, thin=1)
    c = latent_class_estimate(table, seed=5, burnin=200, samples=100, thin=1)
    assert np.array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, c.draws)
    assert (a.draws >= table.observed).all()
    assert a.ci_low <= a.estimate <= a.ci_high
    d = a.to_dict()
    assert d["seed"] == 4 and d["draws"] == 200 and d["chains"] == 2 and d["observed"] == table.observed
    assert d["rhat"] is not None


def test_gelman_rubin_flags_chains_that_disagree() -> None:
    rng = np.random.default_rng(0)
    same = rng.normal(0.0, 1.0, size=(2, 2000))
    assert gelman_rubin(same) < 1.01
    apart = same + np.array([[0.0], [2.0]])
    assert gelman_rubin(apart) > 1.1


def test_progress_and_bad_arguments() -> None:
    table = CaptureTable.from_counts([0, 30, 20, 5, 25, 6, 4, 1], ["A", "B", "C"])
    calls: list[tuple[int, int]] = []
    latent_class_estimate(
        table, seed=1, burnin=500, samples=250, thin=2, chains=2, progress=lambda i, n: calls.append((i, n))
    )
    assert calls == [(500, 2000), (1000, 2000), (1500, 2000), (2000, 2000)]
    with pytest.raises(EstimationError, match="at least"):
        latent_class_estimate(table, classes=0)
    with pytest.raises(EstimationError, match="credible level"):
        latent_class_estimate(table, level=2.0)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("shares", "catch", "min_hits", "max_bias"),
    [
        # One class: the lists are independent, the log-linear independence model is right too.
        ([1.0], [[0.3, 0.25, 0.35, 0.2, 0.3]], 10, 0.03),
        # Two classes (30 % easy to find, 70 % hard): independence underestimates, the mixture does not.
        ([0.3, 0.7], [[0.5, 0.45, 0.55, 0.4, 0.5], [0.2, 0.15, 0.25, 0.2, 0.15]], 9, 0.06),
    ],
)
def test_known_truth(shares: list[float], catch: list[list[float]], min_hits: int, max_bias: float) -> None:
    """12 populations of 2,000 people: the 95 % credible interval covers 2,000 in most runs and the
    posterior median is close to it on average."""
    rng = np.random.default_rng(11)
    truth, runs = 2000, 12
    hits, medians, independence = 0, [], []
    for r in range(runs):
        table = simulate_heterogeneous_table(rng, truth, shares, np.array(catch))
        res = latent_class_estimate(table, seed=r, burnin=1000, samples=1000, thin=2, chains=1)
        hits += res.ci_low <= truth <= res.ci_high
        medians.append(res.estimate)
        independence.append(estimate(table, "fixed", model="[]", ci="none").total)
    assert hits >= min_hits
    assert abs(np.mean(medians) / truth - 1.0) < max_bias
    if len(shares) > 1:
        assert abs(np.mean(medians) - truth) < abs(np.mean(independence) - truth)
