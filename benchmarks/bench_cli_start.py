"""CLI start time: `vangnet estimate` (and every registered command) against `python -c pass`.

Target (issue 14): a command starts in under 0.3 s, measured as the time to print its ``--help``
(everything up to the point where the command begins its work), as the median of ``--repeat`` runs.
Also reported: a whole ``vangnet estimate`` run (stepwise fit with a Wald interval on UKdat_5), which
adds importing numpy and scipy.special and the fit itself.  Run: ``.venv/bin/python
benchmarks/run.py cli_start``.  The machine is shared; the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("VANGNET_SHARED_DIR", ROOT / ".." / "shared")).resolve() / "data" / "mse"
TARGET = 0.3
TARGETED = {"estimate", "deadline"}  # the commands issue 14 sets the target for


def wall(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="bench_cli_start")
    p.add_argument("--repeat", type=int, default=7)
    args = p.parse_args(argv)
    py = sys.executable
    sys.path.insert(0, str(ROOT / "src"))
    from vangnet.cli import COMMANDS

    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; median of {args.repeat} runs")
    base = wall([py, "-c", "pass"], args.repeat)
    print(f"  {'python -c pass':<44} {base:7.3f} s")
    ok = True
    for name in COMMANDS:
        t = wall([py, "-m", "vangnet.cli", name, "--help"], args.repeat)
        flag = "ok" if t < TARGET else f"OVER {TARGET} s"
        if name in TARGETED:
            ok &= t < TARGET
        else:
            flag = f"(no target: {flag})"
        print(f"  {'vangnet ' + name + ' --help':<44} {t:7.3f} s  (+{t - base:.3f} s over python)  {flag}")
    table = DATA / "UKdat_5.csv"
    if table.is_file():
        t = wall([py, "-m", "vangnet.cli", "estimate", str(table)], args.repeat)
        print(f"  {'vangnet estimate UKdat_5.csv (whole run)':<44} {t:7.3f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
