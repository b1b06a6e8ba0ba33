"""Bootstrap machinery: reproducibility, BCa ingredients, parallel workers."""

from __future__ import annotations

import numpy as np
import pytest

from vangnet.estimation import bootstrap, estimate, parse_model, stepwise
from vangnet.estimation.intervals import (
    bca_interval,
    jackknife_acceleration,
    jackknife_counts,
    type8_quantile,
)
from vangnet.estimation.selection import select_fixed


def _r_type8(x: np.ndarray, p: float) -> float:
    """Hyndman & Fan (1996) definition 8, written out."""
    x = np.sort(x)
    n = x.size
    m = (p + 1) / 3
    j = int(np.floor(n * p + m))
    g = n * p + m - j
    lo = x[min(max(j, 1), n) - 1]
    hi = x[min(max(j + 1, 1), n) - 1]
    return (1 - g) * lo + g * hi


@pytest.mark.parametrize("p", [0.001, 0.025, 0.1, 0.5, 0.8, 0.975, 0.999])
def test_type8_quantile_matches_definition(p):
    x = np.random.default_rng(3).gamma(2.0, size=57)
    assert type8_quantile(x, p) == pytest.approx(_r_type8(x, p), rel=1e-12)


def test_acceleration_for_the_mean_is_skewness_over_six_root_n():
    x = np.random.default_rng(5).exponential(size=40)
    n = x.size
    jack = (x.sum() - x) / (n - 1)
    d = x - x.mean()
    skew = np.mean(d**3) / np.mean(d**2) ** 1.5
    assert jackknife_acceleration(jack, np.ones(n)) == pytest.approx(skew / (6 * np.sqrt(n)), rel=1e-10)


def test_bca_reduces_to_percentile_without_bias_or_acceleration():
    reps = np.random.default_rng(1).normal(100, 10, size=2001)
    est = float(np.median(reps))
    (lo, hi), z0 = bca_interval(reps, est + 1e-9, 0.0, 0.9)
    assert abs(z0) < 0.01
    assert lo == pytest.approx(type8_quantile(reps, 0.05), rel=2e-3)
    assert hi == pytest.approx(type8_quantile(reps, 0.95), rel=2e-3)


def test_jackknife_tables_delete_one_person_per_observed_history(load):
    t = load("Korea")
    tables, weights = jackknife_counts(t.counts)
    assert tables.shape[0] == 6  # seven listed histories, one with count 0
    assert weights.sum() == t.observed
    assert np.all(tables.sum(axis=1) == t.observed - 1)


def test_bootstrap_is_reproducible_with_a_seed(load):
    sel = stepwise(load("Western"))
    a = bootstrap(sel, 200, seed=11)
    b = bootstrap(sel, 200, seed=11)
    c = bootstrap(sel, 200, seed=12)
    assert np.array_equal(a.replicates, b.replicates)
    assert a.bca == b.bca
    assert not np.array_equal(a.replicates, c.replicates)


def test_parametric_bootstrap_of_a_fixed_model(load):
    t = load("Kosovo")
    sel = select_fixed(t, parse_model("[12,13,14,23,34]", 4))
    boot = bootstrap(sel, 300, seed=2, kind="parametric")
    assert boot.n_failed == 0
    assert boot.kind == "parametric"
    assert np.median(boot.replicates) == pytest.approx(sel.fit.total, rel=0.05)
    assert boot.bca[0] < sel.fit.total < boot.bca[1]


def test_model_frequencies_sum_to_one(load):
    boot = bootstrap(stepwise(load("UKdat_5")), 100, seed=4)
    freqs = boot.model_frequencies()
    assert sum(f for _, f in freqs) == pytest.approx(1.0)
    assert len({m for m, _ in freqs}) == len(freqs)


def test_bootstrap_needs_enough_replicates(load):
    from vangnet.estimation import EstimationError

    with pytest.raises(EstimationError, match="at least 10"):
        bootstrap(stepwise(load("Korea")), 5)


@pytest.mark.slow
def test_two_workers_give_the_same_answer_as_one(load):
    t = load("UKdat_5")
    one = estimate(t, "stepwise", ci="bootstrap", nboot=600, seed=9, workers=1)
    two = estimate(t, "stepwise", ci="bootstrap", nboot=600, seed=9, workers=2)
    assert one.bootstrap is not None and two.bootstrap is not None
    assert np.allclose(one.bootstrap.replicates, two.bootstrap.replicates, rtol=1e-9, equal_nan=True)
    assert (one.ci_low, one.ci_high) == pytest.approx((two.ci_low, two.ci_high), rel=1e-9)
