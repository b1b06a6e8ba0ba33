"""Maximum-likelihood fits checked against closed forms and an independent optimiser."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from vangnet.estimation import CaptureTable, Model, fit_model, parse_model
from vangnet.estimation.fitting import design_matrix, newton_batch


def test_two_lists_is_lincoln_petersen():
    # main effects on two lists: dark = n10 * n01 / n11 (Petersen estimator)
    t = CaptureTable.from_rows([[1, 0], [0, 1], [1, 1]], [60, 45, 15], ["A", "B"])
    f = fit_model(t, Model.main_effects(2))
    assert f.dark_figure == pytest.approx(60 * 45 / 15, rel=1e-9)
    assert f.total == pytest.approx((60 + 15) * (45 + 15) / 15, rel=1e-9)


def test_three_lists_all_two_way_closed_form():
    # saturated-but-one model: dark = y100 y010 y001 y111 / (y110 y101 y011)
    t = CaptureTable.from_rows(
        [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 1, 1]],
        [40, 30, 50, 12, 9, 14, 5],
        ["A", "B", "C"],
    )
    f = fit_model(t, parse_model("[12,13,23]", 3))
    assert f.dark_figure == pytest.approx(40 * 30 * 50 * 5 / (12 * 9 * 14), rel=1e-9)
    assert f.deviance == pytest.approx(0.0, abs=1e-8)  # saturated on the observable cells


def _scipy_fit(y: np.ndarray, k: int, terms: np.ndarray) -> np.ndarray:
    x = design_matrix(k, terms)[1:]
    yy = y[1:].astype(float)

    def nll(b):
        eta = x @ b
        return float(np.sum(np.exp(eta) - yy * eta))

    def grad(b):
        return x.T @ (np.exp(x @ b) - yy)

    b0 = np.zeros(len(terms))
    b0[0] = math.log(yy.mean() + 1)
    res = minimize(nll, b0, jac=grad, method="BFGS", options={"gtol": 1e-10, "maxiter": 10_000})
    return res.x


@pytest.mark.parametrize(
    ("name", "spec"),
    [
        ("Kosovo", "[12,13,14,23,34]"),
        ("UKdat_5", "[12,13,24,25,35,45]"),
        ("Western", "[15,2,3,4]"),
        ("Rcapture_lesbian", "[12,34]"),
    ],
)
def test_newton_matches_an_independent_optimiser(load, name, spec):
    t = load(name)
    m = parse_model(spec, t.n_lists)
    f = fit_model(t, m)
    ref = _scipy_fit(t.counts, t.n_lists, m.terms)
    assert f.coefficients == pytest.approx(ref, rel=1e-5, abs=1e-5)
    assert f.total == pytest.approx(t.observed + math.exp(ref[0]), rel=1e-6)


def test_fitted_margins_match_observed_margins(load):
    # likelihood equations: the fitted counts reproduce the sufficient statistics X'y
    t = load("UKdat_5")
    m = parse_model("[12,13,24,25,35,45]", 5)
    f = fit_model(t, m)
    x = design_matrix(5, m.terms)[1:]
    assert x.T @ f.fitted[1:] == pytest.approx(x.T @ t.counts[1:], rel=1e-9)


def test_batch_fit_equals_single_fits(load):
    t = load("Kosovo")
    models = [
        parse_model(s, 4) for s in ["[1,2,3,4]", "[12,3,4]", "[12,34]", "[123,4]", "[12,13,14,23,24,34]"]
    ]
    universe = parse_model("[123,14,24,34]", 4).terms
    index = {int(v): i for i, v in enumerate(universe)}
    active = np.zeros((len(models), universe.size), dtype=bool)
    for r, m in enumerate(models):
        for term in m.terms:
            active[r, index[int(term)]] = True
    bf = newton_batch(np.repeat(t.counts[None, :], len(models), axis=0), 4, universe, active)
    for r, m in enumerate(models):
        f = fit_model(t, m)
        assert bf.converged[r]
        assert t.observed + math.exp(bf.beta[r, 0]) == pytest.approx(f.total, rel=1e-9)
        assert bf.loglik[r] == pytest.approx(f.loglik, rel=1e-9)


def test_information_criteria_definitions(load):
    t = load("Korea")
    f = fit_model(t, parse_model("[12,23]", 3))
    assert f.n_params == 6
    assert f.bic == pytest.approx(6 * math.log(123) - 2 * f.loglik)
    assert f.aic == pytest.approx(12 - 2 * f.loglik)
    assert f.total == pytest.approx(157.16667, rel=1e-6)  # also reported by MultipleSystemsEstimation's tests
