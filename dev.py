#!/usr/bin/env python3
"""Vangnet's two commands, needing nothing but Python 3.11+ and git:

    python3 dev.py demo     # SQLite demo with synthetic data on http://127.0.0.1:8000 (--port N, --help)
    python3 dev.py test     # the whole test suite (pytest; extra arguments are passed on)

and a few more for developers:

    python3 dev.py bench [NAME]   # benchmarks (see benchmarks/README.md)
    python3 dev.py manage ARGS    # any Django management command
    python3 dev.py shell          # a shell with the virtualenv on PATH

The first run makes a virtualenv in .venv and installs the project into it. Django 6 needs Python
3.12 or newer: when such a Python is on the machine it is used, otherwise the venv uses this Python
with Django 5.2 LTS (see docs/adr/0001-stack.md).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
MARKER = VENV / ".vangnet-install"
MIN_VERSION = (3, 11)


def say(message: str) -> None:
    print(f"[vangnet] {message}", flush=True)


def python_version(executable: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [executable, "-c", "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout.strip()
        major, minor = out.split(".")
        return int(major), int(minor)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def choose_python() -> str:
    """Prefer a Python that Django 6 supports (3.12, 3.13); fall back to the one running this script."""
    candidates = [os.environ.get("VANGNET_PYTHON", "")]
    candidates += [shutil.which(name) or "" for name in ("python3.12", "python3.13")]
    candidates += sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.1[23]*/bin/python3"))
    for candidate in filter(None, candidates):
        version = python_version(candidate)
        if version and (3, 12) <= version < (3, 14):
            return candidate
    return sys.executable


def install_fingerprint(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(extras.encode())
    return digest.hexdigest()


def ensure_venv(extras: str = "dev") -> None:
    if sys.version_info < MIN_VERSION:
        sys.exit(f"Vangnet needs Python {MIN_VERSION[0]}.{MIN_VERSION[1]} or newer; this is {sys.version}")
    if not PYTHON.exists():
        base = choose_python()
        say(f"creating the virtualenv in .venv with {base}")
        if base == sys.executable:
            venv.EnvBuilder(with_pip=True).create(VENV)
        else:
            subprocess.run([base, "-m", "venv", str(VENV)], check=True)
    wanted = install_fingerprint(extras)
    installed = MARKER.read_text().split() if MARKER.exists() else []
    if wanted in installed:
        return
    say(f"installing Vangnet and its dependencies ({extras}); this takes a minute the first time")
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f".[{extras}]"], check=True, cwd=ROOT)
    MARKER.write_text("\n".join([*installed, wanted]))


def run(*args: str, env: dict[str, str] | None = None) -> int:
    return subprocess.call(list(args), cwd=ROOT, env={**os.environ, **(env or {})})


def manage(*args: str, env: dict[str, str] | None = None) -> int:
    return run(str(PYTHON), "manage.py", *args, env=env)


def demo_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 dev.py demo",
        description="Start Vangnet with synthetic demo data (SQLite in var/) on http://HOST:PORT. "
                    "The first run creates the database and the demo users.")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--signals", type=int, help="how many synthetic signals to generate on the first run "
                                                      "(default 600)")
    parser.add_argument("--seed", type=int, help="seed of the synthetic data (default 2026)")
    return parser


def cmd_demo(args: list[str]) -> int:
    options = demo_parser().parse_args(args)  # --help prints the help and exits here, before anything starts
    if not 0 < options.port < 65536:
        sys.exit(f"--port must be between 1 and 65535, not {options.port}")
    ensure_venv()
    (ROOT / "var").mkdir(exist_ok=True)
    env = {"VANGNET_ENV": os.environ.get("VANGNET_ENV", "development")}
    if manage("migrate", "--no-input", "-v", "0", env=env):
        return 1
    extra = [*(["--signals", str(options.signals)] if options.signals else []),
             *(["--seed", str(options.seed)] if options.seed is not None else [])]
    if manage("load_demo", "--if-empty", *extra, env=env):
        return 1
    worker = subprocess.Popen([str(PYTHON), "manage.py", "db_worker", "--interval", "2"], cwd=ROOT,
                              env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the worker too when we are stopped
    address = f"{options.host}:{options.port}"
    say(f"open http://{address} and log in with one of the demo users above (Ctrl+C stops)")
    try:
        return manage("runserver", address, "--noreload", env=env)
    except KeyboardInterrupt:
        return 0
    finally:
        worker.terminate()


def cmd_test(args: list[str]) -> int:
    ensure_venv()
    return run(str(PYTHON), "-m", "pytest", *args, env={"VANGNET_ENV": "test"})


def cmd_bench(args: list[str]) -> int:
    ensure_venv("dev,bench")
    return run(str(PYTHON), "benchmarks/run.py", *args)


def cmd_manage(args: list[str]) -> int:
    ensure_venv()
    return manage(*args)


def cmd_shell(args: list[str]) -> int:
    ensure_venv()
    shell = os.environ.get("SHELL", "/bin/sh")
    return run(shell, env={"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "VIRTUAL_ENV": str(VENV)})


COMMANDS = {"demo": cmd_demo, "test": cmd_test, "bench": cmd_bench, "manage": cmd_manage, "shell": cmd_shell}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 0 if not argv else 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
