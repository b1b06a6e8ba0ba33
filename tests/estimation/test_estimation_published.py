"""Reproduce shared/data/mse/published.csv.

Every row is either reproduced here or listed in ``OUT_OF_SCOPE`` with the reason; a test checks
that the two together cover the file exactly, so a new published row cannot be ignored silently.

Tolerances (from the issue): point estimates within 0.1 %; deterministic intervals (Wald, profile)
within 2 % at each end; bootstrap intervals within 10 % at each end, because our random stream
differs from R's.  The bootstrap rows come from SparseMSE / MultipleSystemsEstimation, whose model
checks accept interactions at minus infinity in the re-selected models, so they are reproduced with
``extended=True`` (the point estimates are the same either way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest

from vangnet.estimation import Estimate, Model, estimate, parse_model, read_table
from vangnet.estimation.intervals import bca_interval


@dataclass(frozen=True)
class Recipe:
    dataset: str
    kwargs: tuple[tuple[str, object], ...]
    bootstrap: bool = False
    why: str = ""


BOOT = (("ci", "bootstrap"), ("nboot", 1000), ("seed", 1234), ("extended", True))

RECIPES: dict[int, Recipe] = {
    0: Recipe("UKdat_5.csv", (("method", "stepwise"), ("ci", "profile"))),
    1: Recipe("UKdat_5.csv", (("method", "fixed"), ("model", "[12,13,24,25,35,45]"), ("ci", "wald"))),
    2: Recipe("UKdat_5.csv", (("method", "stepwise"), *BOOT), bootstrap=True),
    # ntop=Inf in the publication; the R package's own default for five lists (100 best models) keeps the
    # test fast and gives the same interval within the tolerance (see docs/estimation.md for ntop=Inf).
    3: Recipe("UKdat_5.csv", (("method", "bic"), ("max_order", 2), ("top", 100), *BOOT), bootstrap=True),
    4: Recipe("UKdat_5.csv", (("method", "bic"), ("max_order", 3), ("top", 100), *BOOT), bootstrap=True),
    7: Recipe("SparseMSE_NewOrl.csv", (("method", "stepwise"), *BOOT), bootstrap=True),
    8: Recipe("SparseMSE_NewOrl.csv", (("method", "fixed"), ("model", "[]"), ("ci", "wald"))),
    9: Recipe("Western.csv", (("method", "stepwise"), *BOOT), bootstrap=True),
    10: Recipe("Korea.csv", (("method", "bic"), ("max_order", 2), ("top", 6), *BOOT), bootstrap=True),
    11: Recipe("Korea.csv", (("method", "stepwise"), *BOOT), bootstrap=True),
    12: Recipe("Rcapture_HIV.csv", (("method", "fixed"), ("model", "[12,3,4]"), ("ci", "profile"))),
}

OUT_OF_SCOPE: dict[int, str] = {
    5: "downhill BIC search with several random starts (MultipleSystemsEstimation::downhill_fit): "
    "a heuristic "
    "search whose result depends on R's random starts; our BIC search is exhaustive instead (rows 3 and 4).",
    6: "LCMCR latent-class Bayesian model (Manrique-Vallier): not a log-linear model, estimated by MCMC; "
    "out of "
    "scope for a log-linear library.",
}

# Bootstrap ends that R put at an extreme order statistic: the BCa-adjusted level is below 0.1 %, so the
# published value is essentially the smallest of R's 1000 replicates, whose Monte Carlo error exceeds 10 %.
# For these we check that the published value lies among our own most extreme replicates instead.
EXTREME_ENDS: dict[tuple[int, str], str] = {
    (7, "low"): "New Orleans: z0 = -1.08, the 2.5 % BCa end is at level 0.0005 % (the sample minimum)",
}


@cache
def _reproduce(data_dir: str, row: int) -> Estimate:
    recipe = RECIPES[row]
    table = read_table(f"{data_dir}/{recipe.dataset}")
    return estimate(table, **dict(recipe.kwargs))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def reproduce(mse_dir):
    return lambda row: _reproduce(str(mse_dir), row)


def test_every_published_row_is_reproduced_or_explained(published):
    rows = set(range(len(published)))
    assert set(RECIPES) | set(OUT_OF_SCOPE) == rows
    assert not set(RECIPES) & set(OUT_OF_SCOPE)
    for i, recipe in RECIPES.items():
        assert published[i]["dataset_csv"] == recipe.dataset
    assert "downhill" in published[5]["method"] and "LCMCR" in published[6]["method"]
    print("\nreproduced rows:", sorted(RECIPES))
    for i, why in OUT_OF_SCOPE.items():
        print(f"not reproduced: row {i} ({published[i]['method'][:40]}...): {why}")


@pytest.mark.parametrize("row", sorted(RECIPES))
def test_point_estimate_within_0_1_percent(published, reproduce, row):
    pub = published[row]
    ours = reproduce(row)
    assert ours.total == pytest.approx(float(pub["point"]), rel=1e-3)
    assert ours.observed == int(pub["n_obs"])


@pytest.mark.parametrize("row", sorted(RECIPES))
def test_selected_model_is_the_published_one(published, reproduce, row):
    text = published[row]["model"]
    ours = reproduce(row)
    k = ours.table.n_lists
    if text.startswith("[1,...,"):  # main effects of all lists
        expected = Model.main_effects(k)
    else:
        match = re.match(r"\s*(\[[0-9,]*\])", text)
        assert match is not None, text
        expected = parse_model(match.group(1), k)
    assert ours.model == expected


@pytest.mark.parametrize("row", [r for r in sorted(RECIPES) if not RECIPES[r].bootstrap])
def test_deterministic_interval_within_2_percent(published, reproduce, row):
    pub = published[row]
    ours = reproduce(row)
    assert ours.ci_low == pytest.approx(float(pub["ci_low"]), rel=0.02)
    assert ours.ci_high == pytest.approx(float(pub["ci_high"]), rel=0.02)


def test_profile_interval_multinomial_mle_matches_rcapture(published, reproduce):
    for row, mle in [(0, 11303.9), (12, 12308.0)]:
        assert f"multinomial MLE {mle}" in published[row]["ci_type"]
        prof = reproduce(row).profile
        assert prof is not None
        assert prof.mle == pytest.approx(mle, rel=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("row", [r for r in sorted(RECIPES) if RECIPES[r].bootstrap])
def test_bootstrap_interval_within_10_percent(published, reproduce, row):
    pub = published[row]
    ours = reproduce(row)
    boot = ours.bootstrap
    assert boot is not None and boot.replicates.size == 1000
    for end, value in (("low", ours.ci_low), ("high", ours.ci_high)):
        target = float(pub[f"ci_{end}"])
        if (row, end) in EXTREME_ENDS:
            reps = boot.replicates[np.isfinite(boot.replicates)]
            assert np.min(reps) <= target <= np.quantile(reps, 0.01), EXTREME_ENDS[(row, end)]
        else:
            assert value == pytest.approx(target, rel=0.10), f"{end} end"


@pytest.mark.slow
@pytest.mark.parametrize(("row", "low", "high"), [(2, 9623.9, 12531.1), (10, 135.0, 290.5)])
def test_published_80_percent_bca_within_10_percent(published, reproduce, row, low, high):
    assert f"80%: {low}" in published[row]["ci_type"]
    ours = reproduce(row)
    boot = ours.bootstrap
    assert boot is not None
    (lo, hi), _ = bca_interval(boot.replicates, ours.total, boot.acceleration, level=0.80)
    assert lo == pytest.approx(low, rel=0.10)
    assert hi == pytest.approx(high, rel=0.10)
