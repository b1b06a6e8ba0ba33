"""Write the covariate tables used by the R reference fits (run once; the CSVs are committed).

.venv/bin/python tests/estimation/r/make_tables.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from vangnet.estimation.covariates import CovariateTable
from vangnet.estimation.simulate import simulate_covariate_table

OUT = Path(__file__).resolve().parents[1] / "data"


def write(table: CovariateTable, path: Path, names: dict[str, str]) -> None:
    cols = list(table.lists) + [names.get(c, c) for c in table.covariates] + ["count"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for row in table.to_rows():
            w.writerow([row[c] for c in table.lists] + [row[c] for c in table.covariates] + [row["count"]])


def main() -> None:
    rng = np.random.default_rng(20261204)
    t, _, _ = simulate_covariate_table(rng, n_lists=3, levels=(2, 3), stratum_size=300)
    write(t, OUT / "cov_small.csv", {})
    # A multi-year table in the Dutch shape: 4 lists, year, age group and gender; small strata, so
    # some cells are empty.
    t, _, _ = simulate_covariate_table(rng, n_lists=4, levels=(4, 2, 2), stratum_size=90, base=-1.6)
    lv = (("2016", "2017", "2018", "2019"), ("adult", "minor"), ("female", "male"))
    t = CovariateTable(("P", "K", "R", "Z"), ("year", "age", "gender"), lv, t.counts, "years")
    write(t, OUT / "cov_years.csv", {})


if __name__ == "__main__":
    main()
