"""``vangnet deadline RULE DATE [DATE ...] [--format text|json]``: due dates by a named rule.

Prints, per date, the start and the due date; JSON is a list of ``{"rule", "start", "due"}`` with ISO dates.
An unknown rule or a bad date is a one-line error with exit status 2. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import NoReturn

from vangnet.deadlines.rules import RULES, UnknownRule, get_rule


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(message)


def _parser() -> _Parser:
    rules = "\n".join(f"  {code:<26} {rule.description}" for code, rule in sorted(RULES.items()))
    parser = _Parser(
        prog="vangnet deadline",
        description="Compute statutory due dates (Algemene termijnenwet: weekends and holidays).",
        epilog=f"rules:\n{rules}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("rule", help="the rule code, e.g. reflection-period")
    parser.add_argument("dates", nargs="+", metavar="DATE", help="start dates as YYYY-MM-DD")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _parse_date(text: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"bad date {text!r}: expected YYYY-MM-DD, e.g. 2026-04-27") from None


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        rule = get_rule(args.rule)
        starts = [_parse_date(text) for text in args.dates]
        rows = [{"rule": rule.code, "start": start.isoformat(), "due": rule.due(start).isoformat()}
                for start in starts]
    except (CliError, UnknownRule) as exc:
        message = exc.args[0] if exc.args else str(exc)
        sys.stderr.write(f"vangnet deadline: error: {message}\n")
        return 2
    except (OverflowError, ValueError) as exc:
        sys.stderr.write(f"vangnet deadline: error: {exc}\n")
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        for row in rows:
            sys.stdout.write(f"{row['rule']}\t{row['start']}\t{row['due']}\n")
    return 0
