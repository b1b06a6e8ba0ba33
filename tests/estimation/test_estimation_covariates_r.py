"""Covariate models against R's glm (Poisson): fits of our own tables, written by
tests/estimation/r/reference_fits.R into tests/estimation/data/r_reference.csv (R is not needed here)."""

from __future__ import annotations

import csv
import itertools
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from vangnet.estimation.covariates import CovariateTable, fit_covariate_model, read_covariate_table

DATA = Path(__file__).resolve().parent / "data"
COVARIATES = {"cov_small": ("z1", "z2"), "cov_years": ("year", "age", "gender")}


def _reference() -> dict[tuple[str, str], dict[str, dict[str, float]]]:
    out: dict[tuple[str, str], dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    with (DATA / "r_reference.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[(row["table"], row["model"])][row["quantity"]][row["name"]] = float(row["value"])
    return out


REFERENCE = _reference()


def _table(name: str) -> CovariateTable:
    return read_covariate_table(DATA / f"{name}.csv", COVARIATES[name])


def _strata(table: CovariateTable) -> list[str]:
    return [
        ";".join(f"{c}={lv}" for c, lv in zip(table.covariates, combo, strict=True))
        for combo in itertools.product(*table.levels)
    ]


@pytest.mark.parametrize(("name", "model"), sorted(REFERENCE))
def test_fit_matches_glm(name: str, model: str) -> None:
    ref = REFERENCE[(name, model)]
    table = _table(name)
    fit = fit_covariate_model(table, model)
    assert fit.loglik == pytest.approx(ref["loglik"][""], abs=1e-6)
    assert fit.deviance == pytest.approx(ref["deviance"][""], abs=1e-6)
    ours = dict(zip(fit.names, fit.beta, strict=True))
    se = dict(zip(fit.names, np.sqrt(np.diag(fit.cov)), strict=True))
    assert set(ours) == set(ref["coef"]), "same parameters as R (treatment coding, same names)"
    for key, value in ref["coef"].items():
        assert ours[key] == pytest.approx(value, rel=1e-6, abs=1e-6), key
        assert se[key] == pytest.approx(ref["se"][key], rel=1e-5), key
    dark = dict(zip(_strata(table), fit.dark_by_stratum().reshape(-1), strict=True))
    assert set(dark) == set(ref["dark"])
    for key, value in ref["dark"].items():
        assert dark[key] == pytest.approx(value, rel=1e-7), key
    assert fit.total == pytest.approx(table.observed + math.fsum(ref["dark"].values()), rel=1e-9)


def test_reference_covers_both_tables() -> None:
    assert {name for name, _ in REFERENCE} == set(COVARIATES)
    assert len(REFERENCE) >= 7
