"""Sensitivity over credible models, --extended for fixed models, and the local search for large model spaces."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from vangnet.estimation import ModelError, NotEstimableError, estimate, select_by_ic
from vangnet.estimation.checks import ExistenceCache
from vangnet.estimation.cli import main
from vangnet.estimation.covariates import read_covariate_table
from vangnet.estimation.selection import _neighbours, _rank, pair_terms
from vangnet.estimation.sensitivity import (
    Sensitivity,
    SensitivityRow,
    covariate_sensitivity,
    sensitivity,
    sensitivity_svg,
)

DATA = Path(__file__).resolve().parent / "data"


# ---------------------------------------------------------------- --extended for fixed models
def test_fixed_extended_reproduces_the_r_stepwise_model_on_ned(load) -> None:  # type: ignore[no-untyped-def]
    table = load("Ned")
    model = "[12,16,23,25,34,36,45,46]"  # SparseMSE's stepwise choice on Ned (uses I:K and K:R)
    with pytest.raises(NotEstimableError, match="does not exist"):
        estimate(table, "fixed", model=model)
    est = estimate(table, "fixed", model=model, extended=True)
    assert est.total == pytest.approx(111_139, abs=1)  # SparseMSE/R: 111,139
    assert est.to_dict()["terms_at_minus_infinity"] == ["1:2", "2:5"]
    # The same number as the extended stepwise search, which picks this model.
    assert estimate(table, "stepwise", extended=True).total == pytest.approx(est.total, rel=1e-9)


def test_fixed_extended_bootstrap(load) -> None:  # type: ignore[no-untyped-def]
    table = load("UKdat_5")
    est = estimate(table, "fixed", model="[12,15]", extended=True, ci="bootstrap", nboot=40, seed=2)
    assert est.bootstrap is not None and est.bootstrap.n_failed == 0
    assert est.ci_low < est.total < est.ci_high


# ---------------------------------------------------------------- local search
def test_eight_list_extended_bic_uses_a_local_search(load) -> None:  # type: ignore[no-untyped-def]
    table = load("SparseMSE_NewOrl")
    with pytest.raises(ModelError, match="More than"):
        select_by_ic(table, "bic", extended=True, search="all")
    sel = select_by_ic(table, "bic", extended=True)
    assert sel.options["search"] == "local"
    # The result is a local minimum: no model one term away has a lower BIC.
    k = table.n_lists
    here = tuple(sel.model.interactions)
    nbrs = _neighbours(here, pair_terms(k))
    ranked = _rank(table, nbrs, "bic", True, ExistenceCache(k))
    assert len(ranked) > 20
    assert min(r.criterion for r in ranked) >= sel.ranking[0].criterion - 1e-9
    # ... and at least as good as the best strict model (all of which are extended models too).
    strict = select_by_ic(table, "bic")
    assert sel.ranking[0].criterion <= strict.ranking[0].criterion + 1e-9
    assert "local search" in estimate(table, "bic", extended=True).summary()


def test_local_search_finds_the_exhaustive_choice_on_five_lists(load) -> None:  # type: ignore[no-untyped-def]
    for name in ("UKdat_5", "Western", "NewOrl_5"):
        table = load(name)
        full = select_by_ic(table, "bic", search="all")
        local = select_by_ic(table, "bic", search="local")
        assert local.options["search"] == "local"
        assert local.ranking[0].criterion >= full.ranking[0].criterion - 1e-9
        assert local.n_models < full.n_models


# ---------------------------------------------------------------- sensitivity
def test_ned5_sensitivity_warns_and_shows_strict_vs_extended(load) -> None:  # type: ignore[no-untyped-def]
    sens = sensitivity(load("Ned_5"))
    estimates = {(r.mode, r.model): r.estimate for r in sens.rows}
    assert estimates[("extended", "[12,15,23,24,25,35,45]")] == pytest.approx(48_013, abs=1)  # R's BIC choice
    assert estimates[("strict", "[12,13,15,34,35]")] == pytest.approx(133_184, abs=1)
    assert sens.disagree and sens.ratio > 2
    warning = sens.warning()
    assert warning is not None and "factor" in warning and "do not report" in warning
    diffs = {source for source, _, _ in sens.strict_vs_extended()}
    assert {"bic-1", "stepwise"} <= diffs
    best = [r for r in sens.rows if "bic-1" in r.sources]
    assert all(r.delta == 0.0 for r in best)
    assert "Strict and extended differ for the BIC choice" in sens.table()


def test_sensitivity_without_disagreement_has_no_warning(load) -> None:  # type: ignore[no-untyped-def]
    sens = sensitivity(load("Kosovo"), factor=3.0)
    assert not sens.disagree and sens.warning() is None
    assert sens.strict_vs_extended() == []  # Kosovo has no empty overlap: both modes agree
    assert len({r.model for r in sens.rows if r.mode == "strict"}) == len([r for r in sens.rows if r.mode == "strict"])


def test_covariate_sensitivity() -> None:
    table = read_covariate_table(DATA / "cov_years.csv", ["year", "age", "gender"])
    sens = covariate_sensitivity(table, top=4)
    assert sens.rows[0].sources[0] == "stepwise"
    assert 2 <= len(sens.rows) <= 5
    assert sens.observed == table.observed
    one = covariate_sensitivity(table, top=3, group=("year", "2017"))
    assert one.observed == table.observed_by("year")["2017"]
    assert one.high < sens.low


def test_svg_is_locale_neutral_and_labelled() -> None:
    rows = (
        SensitivityRow(("stepwise",), "strict", "[12]", 10.5, 0.0, 1234.5, 1000.25, 1500.75),
        SensitivityRow(("bic-2",), "strict", "[13]", 12.5, 2.0, 2500.0, 2000.0, math.inf),
    )
    svg = sensitivity_svg(Sensitivity(rows, 900), title="Schattingen", labels=["stapsgewijs", "BIC #2"])
    assert svg.startswith("<svg") and 'aria-label="Schattingen"' in svg
    assert "stapsgewijs" in svg
    numbers = re.findall(r' (?:x1|x2|cx|cy|y1|y2|x|y)="([^"]+)"', svg)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers)
    assert "," not in "".join(re.findall(r">([^<]*)</text>", svg)).replace(" ", "")


# ---------------------------------------------------------------- command line
def test_cli_sensitivity_latent_and_plot(mse_dir, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    svg = tmp_path / "s.svg"
    code = main(
        [
            str(mse_dir / "Ned_5.csv"),
            "--sensitivity",
            "--latent-class",
            "--samples",
            "200",
            "--burnin",
            "200",
            "--seed",
            "3",
            "--sensitivity-plot",
            str(svg),
            "--format",
            "json",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sensitivity"]["disagree"] is True
    assert out["latent_class"]["draws"] == 400 and out["latent_class"]["seed"] == 3
    assert out["latent_class"]["chains"] == 2
    assert svg.read_text(encoding="utf-8").startswith("<svg")


def test_cli_covariates(capsys) -> None:  # type: ignore[no-untyped-def]
    code = main([str(DATA / "cov_years.csv"), "--covariates", "year,age,gender", "--by", "year", "--format", "json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    groups = [(e["group"], e["level"]) for e in out["estimates"]]
    assert groups == [("total", ""), ("year", "2016"), ("year", "2017"), ("year", "2018"), ("year", "2019")]
    code = main([str(DATA / "cov_years.csv"), "--covariates", "year,nope"])
    assert code == 2
    assert "covariate column 'nope'" in capsys.readouterr().err


def test_cli_fixed_extended_and_progress(mse_dir, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main([str(mse_dir / "Ned.csv"), "--model", "[12,16,23,25,34,36,45,46]", "--extended", "--format", "json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["estimate"] == pytest.approx(111_139, abs=1)
    code = main([str(mse_dir / "UKdat_5.csv"), "--ci", "bootstrap", "--nboot", "200", "--seed", "1", "--progress"])
    assert code == 0
    err = capsys.readouterr().err
    assert "bootstrap replicates 200/200 (100%)" in err


def test_cli_plot_must_be_svg(mse_dir, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([str(mse_dir / "Korea.csv"), "--sensitivity-plot", "x.png"]) == 2
    assert "SVG" in capsys.readouterr().err
