"""Stratified estimates and the bootstrap interval for their sum."""

from __future__ import annotations

import numpy as np
import pytest

from vangnet.estimation import CaptureTable, EstimationError, TableError, estimate, estimate_stratified


def _renamed(table: CaptureTable, names: list[str]) -> CaptureTable:
    return CaptureTable.from_counts(table.counts, names)


def test_sum_of_strata_with_bootstrap_interval(load):
    names = ["L1", "L2", "L3", "L4"]
    strata = {"uk": _renamed(load("UKdat_4"), names), "kosovo": _renamed(load("Kosovo"), names)}
    res = estimate_stratified(strata, "stepwise", ci="wald", nboot=200, seed=8)
    singles = {k: estimate(t, "stepwise", ci="wald") for k, t in strata.items()}
    assert res.total == pytest.approx(sum(e.total for e in singles.values()))
    assert res.observed == sum(t.observed for t in strata.values())
    for key, est in res.strata.items():
        assert est.total == pytest.approx(singles[key].total)
        assert (est.ci_low, est.ci_high) == pytest.approx((singles[key].ci_low, singles[key].ci_high))
    assert res.ci_low < res.total < res.ci_high
    # the sum's interval is wider than either stratum's alone
    assert res.ci_high - res.ci_low > max(e.ci_high - e.ci_low for e in res.strata.values())
    assert res.replicates.size == 200
    text = res.summary()
    assert "sum" in text and "uk" in text


def test_stratified_is_reproducible_and_seed_dependent(load):
    strata = {"a": _renamed(load("Korea"), ["A", "B", "C"]), "b": load("Artificial_3")}
    a = estimate_stratified(strata, nboot=100, seed=1)
    b = estimate_stratified(strata, nboot=100, seed=1)
    c = estimate_stratified(strata, nboot=100, seed=2)
    assert np.array_equal(a.replicates, b.replicates)
    assert not np.array_equal(a.replicates, c.replicates)


def test_strata_must_share_lists(load):
    with pytest.raises(TableError, match="lists"):
        estimate_stratified({"a": load("Korea"), "b": load("UKdat_5")}, nboot=50)


def test_stratum_errors_name_the_stratum(load):
    empty_list = CaptureTable.from_rows([[1, 0, 0], [1, 1, 0]], [5, 2], ["b", "c", "d"])
    with pytest.raises(EstimationError, match="Stratum 'bad'"):
        estimate_stratified({"good": load("Korea"), "bad": empty_list}, nboot=50)
