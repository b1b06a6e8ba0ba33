"""Covariate MSE: BIC over the declared family on 5 lists with 2 covariates of 4 levels (target < 5 s).

The table is simulated (``vangnet.estimation.simulate``, seed 1): 5 lists, covariates z1 and z2 with
4 levels each, 16 strata of about 300 people.  The declared family is the default one: every pair of
lists is an optional block (10), every covariate with all lists is one block (2), and z1:z2 is always
in: 2^12 = 4,096 models, every one fitted.  Also timed: the stepwise search over the same family,
and a Wald and a profile interval per level of z1.  Run: ``.venv/bin/python benchmarks/run.py
estimation_covariates``.  The machine is shared; the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

TARGET = 5.0


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="bench_estimation_covariates")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import numpy as np

    from vangnet.estimation.covariates import default_family, estimate_covariates
    from vangnet.estimation.simulate import simulate_covariate_table

    table, sizes, _ = simulate_covariate_table(np.random.default_rng(1), n_lists=5, levels=(4, 4), stratum_size=300)
    fam = default_family(table)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    print(f"  table: 5 lists, 2 covariates x 4 levels, {table.observed:,} seen of {int(sizes.sum()):,}")
    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        est = estimate_covariates(table, "bic", family=fam, ci="wald")
        best = min(best, time.perf_counter() - t0)
    sel = est.selection
    print(f"  BIC over {sel.n_models:,} models ({sel.n_skipped} not estimable): {best:.2f} s (best of {args.repeat})")
    print(f"    chosen {sel.fit.model.spec(table)}: {est.total.estimate:,.0f}")
    t0 = time.perf_counter()
    step = estimate_covariates(table, "stepwise", family=fam, ci="wald")
    print(f"  stepwise ({step.selection.n_models} models fitted): {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    estimate_covariates(table, "fixed", model=sel.fit.model, ci="profile", by=["z1"])
    print(f"  profile intervals for the total and 4 levels: {time.perf_counter() - t0:.2f} s")
    ok = best < TARGET
    print(f"  target BIC search < {TARGET} s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
