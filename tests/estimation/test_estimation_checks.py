"""Existence and identifiability checks (Chan, Silverman & Vincent 2021; Fienberg & Rinaldo 2012)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from vangnet.estimation import CaptureTable, Model, NotEstimableError, check_model, fit_model, parse_model
from vangnet.estimation.checks import ExistenceCache
from vangnet.estimation.cli import main as cli_main
from vangnet.estimation.fitting import design_matrix


# ---------------------------------------------------------------- Artificial_3 (JASA 2021, Table 2)
def test_artificial3_full_two_way_is_not_identifiable_even_when_extended(load):
    c = check_model(load("Artificial_3"), parse_model("[12,13,23]", 3))
    assert not c.ok
    assert not c.exists
    assert c.infinite_terms == (0b101, 0b110)  # A:C and B:C never overlap
    assert not c.extended_identifiable  # 5 parameters left for 4 histories
    msg = c.message()
    assert "A and C" in msg and "B and C" in msg and "not identifiable" in msg


def test_artificial3_ab_interaction_mle_does_not_exist(load):
    c = check_model(load("Artificial_3"), parse_model("[12,3]", 3))
    assert not c.exists and c.identifiable
    assert c.infinite_terms == ()  # every term is observed: only the linear program detects it
    assert sorted(c.boundary_cells) == [0b101, 0b110, 0b111]  # histories 101, 011, 111
    assert "011" in c.message() and "boundary" in c.message()


def test_artificial3_extended_estimate_exists_for_ac_bc(load):
    c = check_model(load("Artificial_3"), parse_model("[13,23]", 3))
    assert not c.ok  # ordinary MLE: two interactions at minus infinity
    assert c.extended_exists and c.extended_identifiable  # SparseMSE's checkident passes this model


def test_artificial3_main_effects_fit(load):
    t = load("Artificial_3")
    assert check_model(t, Model.main_effects(3)).ok
    assert fit_model(t, Model.main_effects(3)).total > t.observed


# ---------------------------------------------------------------- Korea
def test_korea_full_two_way_fails_existence(load):
    t = load("Korea")
    assert t.non_overlapping_pairs() == []
    c = check_model(t, parse_model("[12,13,23]", 3))
    assert not c.exists and c.identifiable and c.infinite_terms == ()
    assert c.boundary_cells == (0b110,)  # history 011 (c & d only) has count 0
    with pytest.raises(NotEstimableError, match="does not exist"):
        fit_model(t, parse_model("[12,13,23]", 3))


def test_korea_other_models(load):
    t = load("Korea")
    assert not check_model(t, parse_model("[12,13]", 3)).exists
    assert check_model(t, parse_model("[12,23]", 3)).ok
    assert check_model(t, parse_model("[12,3]", 3)).ok


# ---------------------------------------------------------------- non-overlapping pairs
@pytest.mark.parametrize(
    ("name", "spec", "pair"),
    [
        ("UKdat", "[15]", "LA and GP"),
        ("UKdat", "[16,23]", "LA and NCA"),
        ("UKdat_5", "[15,23]", "LA and GP"),
        ("Ned", "[12]", "I and K"),
        ("Ned", "[25,13]", "K and R"),
        ("Western", "[12]", "A and B"),
        ("Western", "[25,34]", "B and E"),
    ],
)
def test_interaction_of_non_overlapping_lists_is_refused(load, name, spec, pair):
    t = load(name)
    m = parse_model(spec, t.n_lists)
    c = check_model(t, m)
    assert not c.ok and not c.exists and c.infinite_terms
    assert pair in c.message() and "minus infinity" in c.message()
    with pytest.raises(NotEstimableError) as err:
        fit_model(t, m)
    assert err.value.check is not None and pair in str(err.value)


def test_cli_reports_non_existence_in_one_line(mse_dir, capsys):
    code = cli_main([str(mse_dir / "Western.csv"), "--model", "[12]"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "A and B" in err and "Traceback" not in err


def test_saturated_model_is_not_identifiable(load):
    c = check_model(load("Kosovo"), parse_model("[1234]", 4))
    assert not c.identifiable and c.rank == 15 and c.n_params == 16


# ---------------------------------------------------------------- independent cross-check
def _fienberg_rinaldo_exists(y: np.ndarray, k: int, terms: np.ndarray) -> bool:
    """Primal formulation: is there x > 0 with the same sufficient statistics X'x = X'y?"""
    x = design_matrix(k, terms)[1:]
    yy = y[1:].astype(float)
    n = x.shape[0]
    cost = np.zeros(n + 1)
    cost[-1] = -1.0
    a_eq = np.hstack([x.T, np.zeros((x.shape[1], 1))])
    a_ub = np.hstack([-np.eye(n), np.ones((n, 1))])  # s - x_i <= 0
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=np.zeros(n),
        A_eq=a_eq,
        b_eq=x.T @ yy,
        bounds=[(0, None)] * n + [(0, 1)],
        method="highs",
    )
    assert res.status == 0
    return -res.fun > 1e-7


@st.composite
def sparse_problems(draw):
    k = draw(st.integers(3, 4))
    counts = draw(st.lists(st.sampled_from([0, 0, 0, 1, 2, 5]), min_size=(1 << k) - 1, max_size=(1 << k) - 1))
    if sum(counts) == 0:
        counts[0] = 1
    gens = draw(st.lists(st.sets(st.integers(0, k - 1), min_size=2, max_size=3), max_size=4))
    return k, np.array([0, *counts]), Model.from_lists(k, gens)


@given(sparse_problems())
@settings(max_examples=120, deadline=None)
def test_existence_agrees_with_fienberg_rinaldo_primal(problem):
    k, y, m = problem
    table = CaptureTable.from_counts(y, [chr(65 + j) for j in range(k)])
    c = check_model(table, m)
    assert c.exists == _fienberg_rinaldo_exists(y, k, m.terms)
    cache = ExistenceCache(k)
    assert cache.ok(y > 0, tuple(int(t) for t in m.terms)) == c.ok
