"""Covariate tables, models, searches and intervals (vangnet.estimation.covariates)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vangnet.estimation import EstimationError, ModelError, NotEstimableError, TableError
from vangnet.estimation.covariates import (
    CovariateTable,
    default_family,
    estimate_covariates,
    fit_covariate_model,
    parse_covariate_model,
    read_covariate_table,
    select_covariate_model,
)
from vangnet.estimation.simulate import simulate_covariate_table

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def years() -> CovariateTable:
    return read_covariate_table(DATA / "cov_years.csv", ["year", "age", "gender"])


def _records(rows: list[tuple[int, int, str, object]]) -> list[dict[str, object]]:
    return [{"A": a, "B": b, "year": y, "count": c} for a, b, y, c in rows]


# ---------------------------------------------------------------- table
def test_read_table_levels_and_counts(years: CovariateTable) -> None:
    assert years.lists == ("P", "K", "R", "Z")
    assert years.levels == (("2016", "2017", "2018", "2019"), ("adult", "minor"), ("female", "male"))
    assert years.counts.shape == (16, 4, 2, 2)
    assert years.counts[0].sum() == 0
    by_year = years.observed_by("year")
    assert sum(by_year.values()) == years.observed == 958
    assert years.collapse(["year"]).counts.shape == (16, 4)
    assert years.select("year", "2017").observed == by_year["2017"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(1, 0, "2019", 3), (1, 0, "2019", 4)], "line 2: the same history and covariates as line 1"),
        ([(1, 2, "2019", 3)], "list 'B' must be 0 or 1, found 2"),
        ([(1, 0, "2019", -1)], "cannot be negative"),
        ([(1, 0, "2019", "2.5")], "whole number of people"),
        ([(1, 0, "", 3)], "covariate 'year' is empty"),
        ([(0, 0, "2019", 3)], "people seen by nobody"),
        ([(1, 0, "2019", 0)], "Nobody is observed"),
    ],
)
def test_bad_rows_are_refused_with_the_line(rows: list[tuple[int, int, str, object]], message: str) -> None:
    with pytest.raises(TableError, match=message):
        CovariateTable.from_records(_records(rows), ["A", "B"], ["year"])


def test_numeric_levels_sort_as_numbers() -> None:
    t = CovariateTable.from_records(_records([(1, 0, "10", 1), (0, 1, "9", 2)]), ["A", "B"], ["year"])
    assert t.levels == (("9", "10"),)


def test_missing_covariate_column(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("A,B,count\n1,0,3\n", encoding="utf-8")
    with pytest.raises(TableError, match="covariate column 'year'"):
        read_covariate_table(p, ["year"])


# ---------------------------------------------------------------- models
def test_parse_model_shorthands(years: CovariateTable) -> None:
    m = parse_covariate_model("[P:K, *:year, R:*]", years)
    assert ("P", "K") in m.terms
    assert {("P", "year"), ("K", "year"), ("R", "year"), ("Z", "year")} <= m.terms
    assert {("R", "age"), ("R", "gender")} <= m.terms
    assert parse_covariate_model("[K:P]", years).terms == frozenset({("P", "K")})
    for bad, msg in [("[P:Q]", "Unknown name 'Q'"), ("[P]", "exactly two names"), ("[P:P]", "with itself")]:
        with pytest.raises(ModelError, match=msg):
            parse_covariate_model(bad, years)


def test_default_family(years: CovariateTable) -> None:
    fam = default_family(years)
    assert len(fam.blocks) == 6 + 3
    assert fam.required == frozenset({("year", "age"), ("year", "gender"), ("age", "gender")})
    each = default_family(years, list_covariate="each", covariate_pairs="block")
    assert len(each.blocks) == 6 + 12 + 3 and not each.required


def test_not_estimable_is_explained() -> None:
    # A and B never meet in 2019: the interaction A:B:year cannot be estimated there, and a model
    # with A:year, B:year and A:B then has an empty cell fitted as exactly 0.
    recs = _records([(1, 0, "2018", 10), (0, 1, "2018", 8), (1, 1, "2018", 3), (1, 0, "2019", 7), (0, 1, "2019", 9)])
    t = CovariateTable.from_records(recs, ["A", "B"], ["year"])
    with pytest.raises(NotEstimableError, match=r"not identifiable"):
        fit_covariate_model(t, "[A:B]")


# ---------------------------------------------------------------- search
def test_bic_search_ranks_every_model(years: CovariateTable) -> None:
    sel = select_covariate_model(years, "bic")
    assert sel.n_models == 2**9
    crits = [r.criterion for r in sel.ranking]
    assert crits == sorted(crits)
    assert sel.fit.bic == pytest.approx(crits[0], rel=1e-9)
    # A refit of the winner from scratch gives the same BIC as the warm-started search.
    assert fit_covariate_model(years, sel.fit.model).bic == pytest.approx(sel.ranking[0].criterion, rel=1e-9)


def test_stepwise_path_improves_the_criterion(years: CovariateTable) -> None:
    sel = select_covariate_model(years, "stepwise", criterion="aic")
    scores = [float(line.rsplit(" ", 1)[1]) for line in sel.path]
    assert scores == sorted(scores, reverse=True) and len(scores) >= 2
    assert sel.fit.aic == pytest.approx(scores[-1], abs=0.01)
    exhaustive = select_covariate_model(years, "aic")
    assert sel.fit.aic >= exhaustive.fit.aic - 1e-9


def test_family_too_large_is_refused(years: CovariateTable) -> None:
    big = default_family(years, list_covariate="each", covariate_pairs="block")
    assert big.size == 2**21
    with pytest.raises(ModelError, match="stepwise"):
        select_covariate_model(years, "bic", family=big)


# ---------------------------------------------------------------- estimates
def test_groups_add_up(years: CovariateTable) -> None:
    est = estimate_covariates(years, "fixed", model="[*:year, year:age, year:gender, age:gender]", ci="wald")
    total = est.total
    for cov in years.covariates:
        rows = est.by(cov)
        assert sum(r.estimate for r in rows) == pytest.approx(total.estimate, rel=1e-9)
        assert sum(r.observed for r in rows) == total.observed == years.observed
        for r in rows:
            assert r.observed < r.ci_low < r.estimate < r.ci_high
    assert est.to_dict()["estimates"][0]["group"] == "total"


def test_per_year_matches_a_stratified_fit(years: CovariateTable) -> None:
    """With every term interacting with year, the multi-year model is the union of one model per year."""
    by_year = years.collapse(["year"])
    est = estimate_covariates(by_year, "fixed", model="[*:year]", ci="none")
    assert len(est.by("year")) == 4
    for row in est.by("year"):
        # Every list effect differs by year: per year this is the independence model.
        alone = fit_covariate_model(by_year.select("year", row.level), "[]")
        assert alone.total == pytest.approx(row.estimate, rel=1e-7)
        assert alone.table.observed == row.observed


def test_profile_and_bootstrap_intervals(years: CovariateTable) -> None:
    model = "[*:year, year:age, year:gender, age:gender]"
    wald = estimate_covariates(years, "fixed", model=model, ci="wald", by=["year"])
    prof = estimate_covariates(years, "fixed", model=model, ci="profile", by=["year"])
    calls: list[tuple[int, int]] = []
    boot = estimate_covariates(
        years,
        "fixed",
        model=model,
        ci="bootstrap",
        nboot=60,
        seed=3,
        by=["year"],
        progress=lambda i, n: calls.append((i, n)),
    )
    assert calls[-1] == (60, 60)
    for w, p, b in zip(wald.rows, prof.rows, boot.rows, strict=True):
        assert p.ci_low < p.estimate < p.ci_high
        assert b.ci_low < b.estimate < b.ci_high
        # The profile and Wald (log scale) intervals are close for these sample sizes.
        assert p.ci_low == pytest.approx(w.ci_low, rel=0.05)
        assert p.ci_high == pytest.approx(w.ci_high, rel=0.05)
    again = estimate_covariates(years, "fixed", model=model, ci="bootstrap", nboot=60, seed=3, by=["year"])
    assert [r.ci_low for r in again.rows] == [r.ci_low for r in boot.rows]


def test_profile_interval_drops_the_likelihood_by_the_cut(years: CovariateTable) -> None:
    from scipy.stats import chi2

    from vangnet.estimation.covariates import profile_group

    fit = fit_covariate_model(years, "[*:year]")
    mask = np.ones(years.n_strata, dtype=bool)
    lo, hi = profile_group(fit, mask, 0.95)
    # Refit with the dark figure held at each end: the log-likelihood is chi2/2 below the maximum.
    lo80, hi80 = profile_group(fit, mask, 0.80)
    assert lo < lo80 < fit.total < hi80 < hi
    assert chi2.ppf(0.95, 1) > chi2.ppf(0.80, 1)


def test_bad_options() -> None:
    t, _, _ = simulate_covariate_table(np.random.default_rng(1), n_lists=3, levels=(2,))
    with pytest.raises(EstimationError, match="confidence level"):
        estimate_covariates(t, level=1.5)
    with pytest.raises(EstimationError, match="interval method"):
        estimate_covariates(t, ci="magic")
    with pytest.raises(ModelError, match="needs a model"):
        estimate_covariates(t, "fixed")
    with pytest.raises(ModelError, match="Unknown method"):
        estimate_covariates(t, "lasso")


# ---------------------------------------------------------------- simulation with known truth
@pytest.mark.slow
def test_coverage_of_95_percent_intervals_with_covariates() -> None:
    """200 populations of known size; lists independent given two covariates (the true model has
    every list-by-covariate term).  The Wald and profile intervals of the total cover the truth in
    about 95 % of runs: with 200 runs a true 95 % gives 184..197 hits with 99 % probability."""
    rng = np.random.default_rng(20261204)
    effects = np.random.default_rng(3).normal(0.0, 0.6, size=(3, 5))
    runs = 200
    hits = {"wald": 0, "profile": 0}
    ratios = []
    for _ in range(runs):
        t, sizes, _ = simulate_covariate_table(rng, n_lists=3, levels=(2, 3), stratum_size=150, effects=effects)
        truth = int(sizes.sum())
        for ci in hits:
            est = estimate_covariates(t, "fixed", model="[*:z1, *:z2]", ci=ci, by=())
            hits[ci] += est.total.ci_low <= truth <= est.total.ci_high
        ratios.append(est.total.estimate / truth)
    for ci, h in hits.items():
        assert 0.90 <= h / runs <= 0.99, (ci, h)
    # The MLE of a population size is biased upwards in small samples (strata of about 150 people);
    # a few per cent, not more.
    assert abs(float(np.mean(ratios)) - 1.0) < 0.05


def test_bic_bootstrap_reselects_among_the_top_models(years: CovariateTable) -> None:
    est = estimate_covariates(years, "bic", ci="bootstrap", nboot=12, seed=5, by=["year"])
    total = est.total
    assert total.ci_low < total.estimate < total.ci_high
    reps = est.replicates["total"]
    assert np.isfinite(reps).all() and reps.size == 12
    # Same draws (same seed), but the model is chosen again in each replicate: some replicates differ
    # from refitting the chosen model only.
    fixed = estimate_covariates(years, "fixed", model=est.fit.model, ci="bootstrap", nboot=12, seed=5, by=["year"])
    assert not np.allclose(reps, fixed.replicates["total"])


def test_list_empty_in_one_stratum_makes_its_covariate_term_not_estimable() -> None:
    recs = [
        {"A": a, "B": b, "C": c, "year": y, "count": n}
        for (a, b, c, y, n) in [
            (1, 0, 0, "2018", 20),
            (0, 1, 0, "2018", 15),
            (0, 0, 1, "2018", 12),
            (1, 1, 0, "2018", 6),
            (1, 0, 1, "2018", 4),
            (0, 1, 1, "2018", 3),
            (1, 1, 1, "2018", 1),
            (1, 0, 0, "2019", 22),
            (0, 1, 0, "2019", 17),
            (1, 1, 0, "2019", 5),
        ]
    ]  # nobody is on list C in 2019
    t = CovariateTable.from_records(recs, ["A", "B", "C"], ["year"])
    assert fit_covariate_model(t, "[A:year, B:year]").total > t.observed
    with pytest.raises(NotEstimableError, match="fitted as exactly 0"):
        fit_covariate_model(t, "[C:year]")
    # The search leaves that model out instead of failing.
    sel = select_covariate_model(t, "bic")
    assert ("C", "year") not in sel.fit.model.terms
    assert sel.n_skipped > 0
