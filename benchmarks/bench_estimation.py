"""Benchmark of vangnet.estimation (run: .venv/bin/python benchmarks/bench_estimation.py).

Prints wall-clock and CPU seconds for: a stepwise fit and a full BIC search on 5, 6 and 8 lists,
and 1,000 bootstrap replicates with model re-selection on the UK 5-list table.  Targets (issue 4):
BIC search on 6 lists < 2 s; 1,000 bootstrap replicates < 30 s on 2 cores.

Options:
  --published        also print our estimates next to shared/data/mse/published.csv
  --coverage N       also run N coverage simulations (interval coverage of a known population)
  --workers W        processes for the bootstrap (default 1)
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from vangnet.estimation import CaptureTable, estimate, parse_model, read_table, select_by_ic, stepwise
from vangnet.estimation.fitting import fit_model
from vangnet.estimation.intervals import bootstrap, profile_interval, wald_interval

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("VANGNET_SHARED_DIR", ROOT / ".." / "shared")).resolve() / "data" / "mse"


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, float, object]:
    """Best wall and CPU seconds over ``repeat`` runs, and the last result."""
    best_wall = best_cpu = math.inf
    result: object = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu, result


def synthetic(k: int = 6, n: int = 5000, seed: int = 1) -> CaptureTable:
    """A dense table on k independent lists (every pair overlaps: the largest model space)."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.1, 0.4, k)
    cells = np.arange(1 << k)
    on = (cells[:, None] >> np.arange(k)) & 1
    prob = np.prod(np.where(on == 1, p, 1 - p), axis=1)
    y = rng.poisson(n * prob)
    y[0] = 0
    return CaptureTable.from_counts(y, [f"L{j + 1}" for j in range(k)], name=f"synthetic-{k}")


def line(label: str, wall: float, cpu: float, extra: str = "") -> None:
    print(f"  {label:<58} {wall:8.3f} s wall {cpu:8.3f} s cpu  {extra}")


def bench_fits() -> None:
    print("Model selection (point estimate only)")
    cases = [
        (read_table(DATA / "UKdat_5.csv"), 5),
        (read_table(DATA / "UKdat.csv"), 6),
        (synthetic(6), 6),
        (read_table(DATA / "SparseMSE_NewOrl.csv"), 8),
    ]
    for table, k in cases:
        name = table.name or "table"
        w, c, sel = timed(lambda t=table: stepwise(t), repeat=3)
        line(f"stepwise, {k} lists ({name})", w, c, f"N = {sel.fit.total:,.1f} {sel.model.spec}")  # type: ignore[attr-defined]
        w, c, sel = timed(lambda t=table: select_by_ic(t, "bic", 2), repeat=2)
        line(
            f"BIC, all models up to order 2, {k} lists ({name})",
            w,
            c,
            f"{sel.n_models:,} models, N = {sel.fit.total:,.1f} {sel.model.spec}",
        )  # type: ignore[attr-defined]
    uk5 = read_table(DATA / "UKdat_5.csv")
    w, c, sel = timed(lambda: select_by_ic(uk5, "bic", 3), repeat=2)
    line(
        "BIC, all models up to order 3, 5 lists (UKdat_5)",
        w,
        c,
        f"{sel.n_models:,} models, N = {sel.fit.total:,.1f} {sel.model.spec}",
    )  # type: ignore[attr-defined]


def bench_bootstrap(workers: int) -> None:
    print(f"Bootstrap, 1,000 replicates with model re-selection, UKdat_5 (workers={workers})")
    uk5 = read_table(DATA / "UKdat_5.csv")
    for extended in (False, True):
        sel = stepwise(uk5, extended=extended)
        w, c, b = timed(lambda s=sel: bootstrap(s, 1000, seed=1234, workers=workers))
        line(
            f"stepwise re-selection{' (extended, as SparseMSE)' if extended else ''}",
            w,
            c,
            f"BCa {b.bca[0]:,.0f}-{b.bca[1]:,.0f}",
        )  # type: ignore[attr-defined]
    for max_order, top in ((2, 100), (2, None), (3, 100)):
        sel = select_by_ic(uk5, "bic", max_order, extended=True)
        w, c, b = timed(lambda s=sel, t=top: bootstrap(s, 1000, seed=1234, top=t, workers=workers))
        line(
            f"BIC order {max_order} re-selection among {'all' if top is None else top} models (extended)",
            w,
            c,
            f"BCa {b.bca[0]:,.0f}-{b.bca[1]:,.0f}",
        )  # type: ignore[attr-defined]


RECIPES: dict[int, tuple[str, dict[str, object]]] = {
    0: ("UKdat_5.csv", {"method": "stepwise", "ci": "profile"}),
    1: ("UKdat_5.csv", {"method": "fixed", "model": "[12,13,24,25,35,45]", "ci": "wald"}),
    2: ("UKdat_5.csv", {"method": "stepwise", "ci": "bootstrap"}),
    3: ("UKdat_5.csv", {"method": "bic", "max_order": 2, "ci": "bootstrap"}),
    4: ("UKdat_5.csv", {"method": "bic", "max_order": 3, "ci": "bootstrap"}),
    7: ("SparseMSE_NewOrl.csv", {"method": "stepwise", "ci": "bootstrap"}),
    8: ("SparseMSE_NewOrl.csv", {"method": "fixed", "model": "[]", "ci": "wald"}),
    9: ("Western.csv", {"method": "stepwise", "ci": "bootstrap"}),
    10: ("Korea.csv", {"method": "bic", "max_order": 2, "ci": "bootstrap", "top": 6}),
    11: ("Korea.csv", {"method": "stepwise", "ci": "bootstrap"}),
    12: ("Rcapture_HIV.csv", {"method": "fixed", "model": "[12,3,4]", "ci": "profile"}),
}


def bench_published(workers: int) -> None:
    print(
        "Published results (shared/data/mse/published.csv) and ours; bootstrap: 1,000 replicates, seed 1234"
    )
    with (DATA / "published.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    print("| row | data | method | published point | ours | published CI | ours | ours, default (strict) |")
    print("|---|---|---|---|---|---|---|---|")
    for i, row in enumerate(rows):
        if i not in RECIPES:
            print(
                f"| {i} | {row['dataset_csv']} | {row['method'][:45]} | {row['point']} | out of scope | "
                f"{row['ci_low']}-{row['ci_high']} | - | - |"
            )
            continue
        name, kwargs = RECIPES[i]
        table = read_table(DATA / name)
        boot = kwargs.get("ci") == "bootstrap"
        opts: dict[str, object] = dict(kwargs)
        if boot:
            opts.update(nboot=1000, seed=1234, workers=workers)
        ours = estimate(table, extended=boot, **opts)  # type: ignore[arg-type]
        strict = estimate(table, **opts) if boot else ours  # type: ignore[arg-type]
        print(
            f"| {i} | {name} | {row['method'][:45]} | {float(row['point']):,.2f} | {ours.total:,.2f} | "
            f"{float(row['ci_low']):,.1f}-{float(row['ci_high']):,.1f} | "
            f"{ours.ci_low:,.1f}-{ours.ci_high:,.1f} | "
            f"{strict.ci_low:,.1f}-{strict.ci_high:,.1f} |"
        )


def bench_coverage(n_sim: int) -> None:
    """Coverage of nominal 95% intervals for a known population (N = 2000, 4 lists, model [12,3,4])."""
    print(f"Coverage over {n_sim} simulated tables (true N = 2000, model [12,3,4])")
    rng = np.random.default_rng(20240601)
    k = 4
    p = np.array([0.15, 0.2, 0.1, 0.25])
    cells = np.arange(1 << k)
    on = (cells[:, None] >> np.arange(k)) & 1
    eta = on @ np.log(p / (1 - p)) + 0.8 * (on[:, 0] & on[:, 1])
    prob = np.exp(eta) / np.exp(eta).sum()
    model = parse_model("[12,3,4]", 4)
    hits = {"wald (true model)": 0, "profile (true model)": 0, "bootstrap BCa, stepwise re-selection": 0}
    n_boot_sims = min(n_sim, 200)
    w0 = time.perf_counter()
    for s in range(n_sim):
        full = rng.multinomial(2000, prob)
        table = CaptureTable.from_counts(np.concatenate([[0], full[1:]]), ["A", "B", "C", "D"])
        fit = fit_model(table, model)
        lo, hi = wald_interval(fit)
        hits["wald (true model)"] += lo <= 2000 <= hi
        prof = profile_interval(fit)
        hits["profile (true model)"] += prof.low <= 2000 <= prof.high
        if s < n_boot_sims:
            b = bootstrap(stepwise(table), 500, seed=s)
            hits["bootstrap BCa, stepwise re-selection"] += b.bca[0] <= 2000 <= b.bca[1]
    for key, v in hits.items():
        n = n_boot_sims if key.startswith("bootstrap") else n_sim
        rate = v / n
        se = math.sqrt(rate * (1 - rate) / n)
        print(f"  {key:<40} {rate:6.1%}  (+/- {se:.1%}, {n} tables)")
    print(f"  ({time.perf_counter() - w0:.1f} s)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--published", action="store_true")
    parser.add_argument("--coverage", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    print(
        f"vangnet.estimation benchmark: {os.cpu_count()} cpus, python {sys.version.split()[0]}, "
        f"numpy {np.__version__}"
    )
    bench_fits()
    bench_bootstrap(args.workers)
    if args.published:
        bench_published(args.workers)
    if args.coverage:
        bench_coverage(args.coverage)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
