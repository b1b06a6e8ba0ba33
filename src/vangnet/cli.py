"""The ``vangnet`` command line: a small dispatcher over the pure-Python cores.

``vangnet estimate ...`` runs population estimation (``vangnet.estimation``) and
``vangnet linkage ...`` runs privacy-preserving record linkage (``vangnet.linkage``).
Neither imports Django, so both work without a database or settings.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

USAGE = """usage: vangnet <command> [options]

commands:
  estimate   estimate the dark number by multiple systems estimation
  linkage    evaluate or run privacy-preserving record linkage
  deadline   compute statutory due dates (Algemene termijnenwet)

Run 'vangnet <command> --help' for the options of a command.
"""


def _estimate(argv: list[str]) -> int:
    from vangnet.estimation.cli import main

    return main(argv)


def _linkage(argv: list[str]) -> int:
    from vangnet.linkage.cli import main

    return main(argv)


def _deadline(argv: list[str]) -> int:
    from vangnet.deadlines.cli import main

    return main(argv)


COMMANDS: dict[str, Callable[[list[str]], int]] = {"estimate": _estimate, "linkage": _linkage, "deadline": _deadline}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        sys.stdout.write(USAGE)
        return 0
    command = COMMANDS.get(args[0])
    if command is None:
        sys.stderr.write(f"vangnet: unknown command {args[0]!r}\n\n{USAGE}")
        return 2
    return command(args[1:])


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
