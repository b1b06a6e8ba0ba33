#!/usr/bin/env python3
"""Run Vangnet's benchmarks: every ``benchmarks/bench_<name>.py``, or the ones named.

    python benchmarks/run.py                 # all benchmarks, one after the other
    python benchmarks/run.py web linkage     # only these (bench_web.py, bench_linkage.py)
    python benchmarks/run.py web -- --requests 20   # arguments after -- go to each benchmark's main()
    python benchmarks/run.py --list          # what there is

A benchmark is a module exposing ``main(argv: list[str]) -> int``. Each runs in its own Python
process (so one benchmark's Django settings or environment cannot leak into the next), under a
header; at the end a summary lists each benchmark's exit code and wall time. The exit code is 0
when every benchmark returned 0.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PREFIX = "bench_"


def discover() -> dict[str, Path]:
    """name → file, for every bench_<name>.py next to this script (sorted by name)."""
    return {path.stem.removeprefix(PREFIX): path for path in sorted(HERE.glob(f"{PREFIX}*.py"))}


def summary_line(path: Path) -> str:
    """The first line of a benchmark's module docstring, read without importing it."""
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    except (OSError, SyntaxError):
        return ""
    return (doc or "").strip().splitlines()[0] if doc else ""


def normalise(name: str) -> str:
    name = Path(name).name
    return name.removesuffix(".py").removeprefix(PREFIX)


def run_child(name: str, argv: list[str]) -> int:
    """Inside the child process: import bench_<name> and call its main()."""
    for path in (str(ROOT / "src"), str(HERE)):
        if path not in sys.path:
            sys.path.insert(0, path)
    module = importlib.import_module(PREFIX + name)
    if inspect.signature(module.main).parameters:
        result = module.main(argv)
    else:  # tolerate a main() without argv: hand the arguments over as sys.argv
        sys.argv = [str(HERE / f"{PREFIX}{name}.py"), *argv]
        result = module.main()
    return int(result or 0)


def header(text: str, char: str = "=") -> None:
    line = char * max(78, len(text) + 4)
    print(f"\n{line}\n  {text}\n{line}", flush=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        return run_child(argv[1], argv[2:])
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    available = discover()
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        argv = ["--list"]
    if argv[:1] == ["--list"]:
        print("Benchmarks:")
        for name, path in available.items():
            print(f"  {name:<14} {summary_line(path)}")
        return 0
    names = [normalise(a) for a in argv] or list(available)
    unknown = [n for n in names if n not in available]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Available: {', '.join(available) or 'none'}",
              file=sys.stderr)
        return 2
    if not names:
        print("No benchmarks found (benchmarks/bench_*.py).", file=sys.stderr)
        return 2

    results: list[tuple[str, int, float]] = []
    for name in names:
        path = available[name]
        header(f"benchmark: {name}  ({path.relative_to(ROOT)})  {summary_line(path)}")
        started = time.perf_counter()
        try:
            code = subprocess.call([sys.executable, str(Path(__file__).resolve()), "--child", name, *extra],
                                   cwd=ROOT, env=os.environ.copy())
        except KeyboardInterrupt:
            code = 130
        results.append((name, code, time.perf_counter() - started))
        if code == 130:
            break

    header("summary", "-")
    for name, code, seconds in results:
        status = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"  {name:<14} {status:<18} {seconds:8.1f} s")
    return 0 if all(code == 0 for _, code, _ in results) and len(results) == len(names) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
