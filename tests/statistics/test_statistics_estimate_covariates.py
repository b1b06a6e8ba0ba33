"""The live estimate with covariates (year, age group, gender, form) on /figures/estimate/."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from tests.statistics.conftest import Y1, Y2
from vangnet.audit.models import ProcessingLogEntry
from vangnet.estimation.covariates import CovariateTable
from vangnet.estimation.simulate import simulate_covariate_table
from vangnet.statistics import estimate as live_module
from vangnet.statistics import views
from vangnet.statistics.capture import LISTS
from vangnet.statistics.estimate import covariate_rows, covariate_table, live_estimate


def test_covariates_per_person_are_counted_in_the_database(registry: Any) -> None:
    rows = covariate_rows(registry.filters)
    # (police, kmar, labour, asylum/justice, care/other, year, minor, female, sexual) -> persons
    codes = [lst.code for lst in LISTS]
    assert codes[0] == "police" and codes[2] == "labour_inspectorate" and codes[4] == "care_other"
    assert rows == {
        (1, 0, 0, 0, 1, Y1, 0, 1, 1): 1,  # A: police and an NGO in Y1, woman, sexual exploitation
        (0, 0, 1, 0, 0, Y2, 0, 0, 0): 1,  # B: labour inspectorate in Y2, man of 45, labour exploitation
        (1, 0, 0, 0, 0, Y2, 1, 1, 0): 1,  # C: police in Y2, 16 years old, criminal exploitation
    }
    table = covariate_table(registry.filters)
    assert table.lists == ("police", "labour_inspectorate", "care_other")  # nobody on KMar or asylum/justice
    assert table.covariates == ("year", "age", "gender", "form")
    assert table.levels[0] == (str(Y1), str(Y2))
    assert table.observed == 3


def _simulated_live(filters: Any) -> live_module.LiveEstimate:
    sim, _, _ = simulate_covariate_table(np.random.default_rng(5), n_lists=3, levels=(3, 2), stratum_size=300)
    table = CovariateTable(("police", "kmar", "care_other"), ("year", "gender"),
                           (("2023", "2024", "2025"), ("other_or_unknown", "female")), sim.counts, "sim")
    original = live_module.covariate_table
    live_module.covariate_table = lambda f, lists=LISTS: table  # type: ignore[assignment]
    try:
        return live_estimate(filters)
    finally:
        live_module.covariate_table = original  # type: ignore[assignment]


def test_live_estimate_has_years_sensitivity_and_both_other_estimates(registry: Any) -> None:
    live = _simulated_live(registry.filters)
    years = live.estimate.by("year")
    assert [r.level for r in years] == ["2023", "2024", "2025"]
    assert sum(r.estimate for r in years) == pytest.approx(live.estimate.total.estimate, rel=1e-9)
    assert live.sensitivity.rows[0].sources[0] == "stepwise"
    assert live.plain is not None and live.plain.estimate > live.table.observed
    assert live.latent is not None and live.latent.seed == live_module.LATENT_SEED


def test_estimate_page_shows_years_and_sensitivity_in_dutch(monkeypatch: Any, cast: Any, logged_in: Any,
                                                            registry: Any) -> None:
    live = _simulated_live(registry.filters)
    monkeypatch.setattr(views, "live_estimate", lambda filters: live)
    response = logged_in(cast.analyst).get("/figures/estimate/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    content = response.content.decode()
    ctx = response.context["live"]
    assert ctx is not None and not response.context["live_error"]
    assert "Schatting per jaar, met kenmerken" in content
    assert "Hoeveel hangt het getal af van het model?" in content
    assert [row["year"] for row in ctx["years"]] == ["2023", "2024", "2025"]
    assert "latente klassen (Bayesiaans)" in content and "zonder kenmerken (stap voor stap)" in content
    # Dutch number formatting in the tables, but SVG coordinates always with a dot.
    assert ctx["total"] in content and "." in ctx["total"]
    svg = str(ctx["year_chart"])
    assert 'cx="' in svg and not re.search(r'(?:cx|x1|x2|width)="\d+,\d', svg)
    entry = ProcessingLogEntry.objects.filter(activity__code="statistics_anonymised").latest("pk")
    assert "gender" in str(entry.fields) and "age_at_signal" in str(entry.fields)


def test_estimate_page_explains_when_no_covariate_estimate_exists(cast: Any, logged_in: Any, registry: Any) -> None:
    params = f"?year_from={Y1}&year_to={Y2}"
    response = logged_in(cast.analyst).get("/figures/estimate/" + params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Traceback" not in content
    assert response.context["live"] is None
    assert response.context["live_error"]
    assert "No estimate with covariates can be made for this choice." in content


def test_other_roles_still_get_404(cast: Any, logged_in: Any) -> None:
    assert logged_in(cast.reporter).get("/figures/estimate/").status_code == 404
