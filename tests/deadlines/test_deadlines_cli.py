"""``vangnet deadline RULE DATE [DATE ...] [--format json]``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from vangnet.cli import main as vangnet_main
from vangnet.deadlines.cli import main


def run(argv, capsys):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_lists_rule_start_and_due(capsys):
    code, out, err = run(["reflection-period", "2026-01-27", "2026-02-05", "--format", "json"], capsys)
    assert code == 0 and err == ""
    assert json.loads(out) == [
        {"rule": "reflection-period", "start": "2026-01-27", "due": "2026-04-28"},
        {"rule": "reflection-period", "start": "2026-02-05", "due": "2026-05-06"},
    ]


def test_text_is_one_line_per_date(capsys):
    code, out, _ = run(["dublin-report-assessment", "2026-04-20"], capsys)
    assert code == 0
    assert out == "dublin-report-assessment\t2026-04-20\t2026-05-21\n"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["no-such-rule", "2026-01-01"], "unknown rule 'no-such-rule'"),
        (["reflection-period", "2026-02-30"], "bad date '2026-02-30'"),
        (["reflection-period", "27-01-2026"], "bad date '27-01-2026'"),
        (["reflection-period", "20260127"], "bad date '20260127'"),
        (["reflection-period"], "required"),
        (["reflection-period", "2026-01-01", "--format", "xml"], "invalid choice"),
    ],
)
def test_errors_exit_2_with_one_clear_line(argv, fragment, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err


def test_reflection_period_near_year_9999_is_a_clear_error(capsys):
    code, _, err = run(["reflection-period", "9999-11-01"], capsys)
    assert code == 2 and "error" in err


def test_dispatched_from_vangnet(capsys):
    assert vangnet_main(["deadline", "reflection-period", "2026-01-06"]) == 0
    assert capsys.readouterr().out == "reflection-period\t2026-01-06\t2026-04-07\n"


def test_the_console_script_does_not_import_django():
    code = (
        "import sys; from vangnet.cli import main; rc = main(['deadline', 'reflection-period', '2026-01-06']); "
        "assert 'django' not in sys.modules, 'django imported'; sys.exit(rc)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("2026-04-07")
