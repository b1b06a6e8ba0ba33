"""The command line starts without importing numpy, scipy or Django (issue 14: start under 0.3 s)."""

from __future__ import annotations

import subprocess
import sys

from vangnet.cli import COMMANDS, main
from vangnet.estimation import api
from vangnet.estimation import cli as estimation_cli


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sys.modules))"],
        check=True,
        capture_output=True,
        text=True,
    )
    return set(out.stdout.split())


def test_help_imports_no_heavy_module() -> None:
    mods = _modules_after(
        "import contextlib, io; from vangnet.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['estimate', '--help'])"
    )
    assert "vangnet.estimation.cli" in mods
    assert not {"numpy", "scipy", "django"} & {m.split(".")[0] for m in mods}


def test_package_import_is_lazy_but_complete() -> None:
    mods = _modules_after("import vangnet.estimation")
    assert "numpy" not in mods
    mods = _modules_after("from vangnet.estimation import estimate, read_table")
    assert "vangnet.estimation.api" in mods
    import vangnet.estimation as pkg

    for name in pkg.__all__:
        assert getattr(pkg, name) is not None


def test_cli_choices_match_the_library() -> None:
    assert estimation_cli.METHODS == api.METHODS
    assert estimation_cli.CI_METHODS == api.CI_METHODS


def test_dispatcher(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out
    assert main(["nonsense"]) == 2
    assert "unknown command 'nonsense'" in capsys.readouterr().err
