"""The ``vangnet`` command line: a small dispatcher over the pure-Python cores.

``vangnet estimate ...`` runs population estimation (``vangnet.estimation``) and
``vangnet linkage ...`` runs privacy-preserving record linkage (``vangnet.linkage``).
Neither imports Django, so both work without a database or settings.

Start-up time matters for a command line: this module imports only ``sys`` and ``importlib``. Each
command is a ``"module:function"`` string, imported when (and only when) that command runs, and the
command's module in turn imports numpy, scipy or Django only once its arguments are parsed.
``benchmarks/bench_cli_start.py`` measures the start against ``python -c pass``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

# command -> ("module:function taking argv and returning an exit status", one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "estimate": ("vangnet.estimation.cli:main", "estimate the dark number by multiple systems estimation"),
    "linkage": ("vangnet.linkage.cli:main", "evaluate or run privacy-preserving record linkage"),
    "deadline": ("vangnet.deadlines.cli:main", "compute statutory due dates (Algemene termijnenwet)"),
}


def usage() -> str:
    width = max(len(name) for name in COMMANDS) + 3
    lines = ["usage: vangnet <command> [options]", "", "commands:"]
    lines += [f"  {name:<{width}}{text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "Run 'vangnet <command> --help' for the options of a command.", ""]
    return "\n".join(lines)


USAGE = usage()


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        sys.stdout.write(USAGE)
        return 0
    entry = COMMANDS.get(args[0])
    if entry is None:
        sys.stderr.write(f"vangnet: unknown command {args[0]!r}\n\n{USAGE}")
        return 2
    module, _, function = entry[0].partition(":")
    command = getattr(importlib.import_module(module), function)
    return int(command(args[1:]))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
