"""Property tests: estimates are never below the number observed, fits are invariant under relabelling
the lists, and intervals cover a known population at about their nominal rate."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from vangnet.estimation import (
    CaptureTable,
    EstimationError,
    Model,
    estimate,
    fit_model,
    parse_model,
    profile_interval,
    wald_interval,
)


@st.composite
def tables(draw, min_lists=2, max_lists=5):
    k = draw(st.integers(min_lists, max_lists))
    counts = draw(
        st.lists(st.integers(0, 60), min_size=(1 << k) - 1, max_size=(1 << k) - 1).filter(
            lambda c: sum(c) > 0
        )
    )
    return CaptureTable.from_counts(np.array([0, *counts]), [f"L{j}" for j in range(k)])


@given(tables(), st.sampled_from(["stepwise", "aic", "bic"]))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_estimate_never_below_observed(table, method):
    try:
        est = estimate(table, method, ci="wald")
    except EstimationError:
        return  # e.g. a list nobody is on: reported as an error, never as a number
    assert np.isfinite(est.total)
    assert est.total >= table.observed
    assert table.observed <= est.ci_low <= est.total <= est.ci_high


@given(tables(min_lists=3, max_lists=4), st.data())
@settings(max_examples=25, deadline=None)
def test_profile_interval_never_below_observed(table, data):
    model = Model.main_effects(table.n_lists)
    try:
        fit = fit_model(table, model)
    except EstimationError:
        return
    assume(fit.dark_figure < 1e6)
    prof = profile_interval(fit)
    assert table.observed <= prof.low <= prof.mle <= prof.high


@given(tables(min_lists=3, max_lists=5), st.permutations(range(5)), st.data())
@settings(max_examples=30, deadline=None)
def test_relabelling_lists_does_not_change_the_estimate(table, perm, data):
    k = table.n_lists
    order = [p for p in perm if p < k]
    gens = data.draw(st.lists(st.sets(st.integers(0, k - 1), min_size=2, max_size=2), max_size=3))
    model = Model.from_lists(k, gens)
    # permuted table: new list j is old list order[j]
    new_counts = np.zeros_like(table.counts)
    for cell in range(1, 1 << k):
        new_cell = sum(1 << j for j in range(k) if cell >> order[j] & 1)
        new_counts[new_cell] = table.counts[cell]
    inverse = {old: new for new, old in enumerate(order)}
    new_model = Model.from_lists(k, [{inverse[j] for j in g} for g in gens])
    new_table = CaptureTable.from_counts(new_counts, [table.lists[o] for o in order])
    try:
        a = fit_model(table, model)
    except EstimationError:
        with pytest.raises(EstimationError):
            fit_model(new_table, new_model)
        return
    b = fit_model(new_table, new_model)
    assert b.total == pytest.approx(a.total, rel=1e-7)


# ---------------------------------------------------------------- coverage
TRUE_N = 2000
TRUE_MODEL = "[12,3,4]"


def _cell_probabilities() -> np.ndarray:
    """Four lists with capture probabilities 0.15, 0.2, 0.1, 0.25 and a positive 1:2 dependence."""
    k = 4
    logit = np.log(np.array([0.15, 0.2, 0.1, 0.25]) / (1 - np.array([0.15, 0.2, 0.1, 0.25])))
    cells = np.arange(1 << k)
    on = (cells[:, None] >> np.arange(k)) & 1
    eta = on @ logit + 0.8 * (on[:, 0] & on[:, 1])
    p = np.exp(eta)
    return p / p.sum()


def simulate_coverage(n_sim: int, seed: int) -> dict[str, float]:
    """Share of simulated tables whose interval contains the true population size."""
    rng = np.random.default_rng(seed)
    prob = _cell_probabilities()
    model = parse_model(TRUE_MODEL, 4)
    hits = {"wald": 0, "profile": 0}
    for _ in range(n_sim):
        full = rng.multinomial(TRUE_N, prob)
        table = CaptureTable.from_counts(np.concatenate([[0], full[1:]]), ["A", "B", "C", "D"])
        fit = fit_model(table, model)
        lo, hi = wald_interval(fit)
        hits["wald"] += lo <= TRUE_N <= hi
        prof = profile_interval(fit)
        hits["profile"] += prof.low <= TRUE_N <= prof.high
    return {k: v / n_sim for k, v in hits.items()}


@pytest.mark.slow
def test_intervals_cover_the_truth_at_about_the_nominal_rate():
    rates = simulate_coverage(200, seed=20240601)
    print(f"\ncoverage of nominal 95% intervals over 200 simulated tables: {rates}")
    # 200 Bernoulli(0.95) trials: standard error 1.5 points
    assert 0.90 <= rates["wald"] <= 0.99
    assert 0.90 <= rates["profile"] <= 0.99
