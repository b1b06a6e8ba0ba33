"""The ``vangnet estimate`` command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vangnet.estimation import estimate, read_table
from vangnet.estimation.cli import main


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_output_has_the_documented_fields(mse_dir, capsys):
    code, out, err = run([mse_dir / "UKdat_5.csv", "--format", "json"], capsys)
    assert code == 0 and err == ""
    data = json.loads(out)
    for key in ("estimate", "observed", "dark_figure", "ci_low", "ci_high", "ci_method", "model", "method"):
        assert key in data
    assert data["method"] == "stepwise" and data["ci_method"] == "wald"
    assert data["model"] == ["1:2", "1:3", "2:4", "2:5", "3:5", "4:5"]
    assert data["model_named"][0] == "LA:NG"
    assert data["estimate"] == pytest.approx(11312.99, abs=0.01)
    assert data["estimate"] == pytest.approx(data["observed"] + data["dark_figure"])
    assert data["ci_low"] == pytest.approx(9884.4, abs=0.1)


def test_json_matches_the_library(mse_dir, capsys):
    code, out, _ = run(
        [mse_dir / "Korea.csv", "--method", "bic", "--ci", "profile", "--format", "json"], capsys
    )
    assert code == 0
    data = json.loads(out)
    lib = estimate(read_table(mse_dir / "Korea.csv"), "bic", ci="profile")
    assert data["estimate"] == pytest.approx(lib.total)
    assert (data["ci_low"], data["ci_high"]) == pytest.approx((lib.ci_low, lib.ci_high))
    assert data["model"] == ["1:2", "2:3"]


def test_fixed_model_is_implied_by_model_option(mse_dir, capsys):
    code, out, _ = run([mse_dir / "Rcapture_HIV.csv", "--model", "[12,3,4]", "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["method"] == "fixed" and data["estimate"] == pytest.approx(12318.47, abs=0.01)


def test_bootstrap_is_reproducible_from_the_command_line(mse_dir, capsys):
    args = [mse_dir / "Western.csv", "--ci", "bootstrap", "--nboot", "200", "--seed", "5", "--format", "json"]
    first = json.loads(run(args, capsys)[1])
    second = json.loads(run(args, capsys)[1])
    assert first == second
    assert first["ci_method"] == "bootstrap-bca"
    assert first["bootstrap"]["replicates"] == 200 and first["bootstrap"]["seed"] == 5
    assert first["ci_low"] < first["estimate"] < first["ci_high"]


def test_text_output_is_plain_english(mse_dir, capsys):
    code, out, _ = run([mse_dir / "UKdat_5.csv"], capsys)
    assert code == 0
    assert "Estimated total population:           11,313" in out
    assert "95% confidence interval:              9,884 to 13,027" in out
    assert "In words:" in out and "LA:NG" in out


def test_text_reports_the_seed_when_none_was_given(mse_dir, capsys):
    code, out, _ = run([mse_dir / "Korea.csv", "--ci", "bootstrap", "--nboot", "50"], capsys)
    assert code == 0 and "rerun with --seed" in out


def test_svg_plot(mse_dir, tmp_path, capsys):
    target = tmp_path / "chart.svg"
    code, out, _ = run([mse_dir / "UKdat_5.csv", "--ci", "profile", "--plot", target], capsys)
    assert code == 0 and f"Chart written to {target}" in out
    svg = target.read_text()
    assert svg.startswith("<svg") and "11,313" in svg and "observed 2,744" in svg


def test_png_plot_needs_matplotlib(mse_dir, tmp_path, capsys):
    target = tmp_path / "chart.png"
    code, _, err = run([mse_dir / "UKdat_5.csv", "--plot", target], capsys)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert code == 2 and "matplotlib" in err and err.count("\n") == 1
        assert not target.exists()
    else:  # pragma: no cover - depends on the environment
        assert code == 0 and target.stat().st_size > 0


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--method", "fixed"], "needs a model"),
        (["--model", "[19]"], "not between 1 and 5"),
        (["--model", "[15]"], "LA and GP"),
        (["--method", "bic", "--model", "[12]"], "use method 'fixed'"),
        (["--nboot", "3", "--ci", "bootstrap"], "at least 10"),
        (["--method", "nope"], "invalid choice"),
        (["--level", "1.5"], "between 0 and 1"),
        (["--plot", "x.pdf"], "Unsupported plot format"),
    ],
)
def test_errors_exit_2_with_one_line(mse_dir, capsys, extra, fragment):
    code, out, err = run([mse_dir / "UKdat_5.csv", *extra], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("vangnet estimate: error:") and err.count("\n") == 1
    assert fragment in err and "Traceback" not in err


def test_bad_table_and_missing_file(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,count\n1,0,3\n1,0,4\n")
    code, _, err = run([bad], capsys)
    assert code == 2 and "appears twice" in err
    code, _, err = run([tmp_path / "missing.csv"], capsys)
    assert code == 2 and "not found" in err


def test_help_exits_zero(capsys):
    assert main(["--help"]) == 0
    assert "vangnet estimate" in capsys.readouterr().out


def _stratified_csv(mse_dir: Path, tmp_path: Path) -> Path:
    uk = read_table(mse_dir / "UKdat_5.csv")
    lines = [",".join([*uk.lists, "year", "count"])]
    for year, scale in (("2013", 1.0), ("2014", 0.5)):
        for hist, count in uk.rows():
            c = round(count * scale)
            if c:
                lines.append(",".join([*hist, year, str(c)]))
    path = tmp_path / "strata.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_stratified_command(mse_dir, tmp_path, capsys):
    path = _stratified_csv(mse_dir, tmp_path)
    code, out, err = run(
        [path, "--stratum", "year", "--nboot", "100", "--seed", "3", "--format", "json"], capsys
    )
    assert code == 0, err
    data = json.loads(out)
    assert set(data["strata"]) == {"2013", "2014"}
    total = data["total"]
    assert total["estimate"] == pytest.approx(sum(s["estimate"] for s in data["strata"].values()))
    assert total["ci_low"] < total["estimate"] < total["ci_high"]
    code, out, _ = run([path, "--stratum", "year", "--nboot", "100", "--seed", "3"], capsys)
    assert code == 0 and "sum" in out and "2014" in out


def test_module_entry_point(mse_dir):
    proc = subprocess.run(  # noqa: S603 - fixed argument list, no shell
        [sys.executable, "-m", "vangnet.cli", "estimate", str(mse_dir / "Korea.csv"), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["estimate"] == pytest.approx(268.78, abs=0.01)
