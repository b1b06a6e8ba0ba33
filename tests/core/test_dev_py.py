"""``dev.py demo``: ``--help`` only helps (starts nothing), ``--port N`` serves on that port."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dev(monkeypatch):
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(module, "ensure_venv", lambda *a: calls.append(("ensure_venv",)))
    monkeypatch.setattr(module, "manage", lambda *args, env=None: calls.append(args) or 0)

    class Worker:
        def __init__(self, *a, **k):
            calls.append(("worker",))

        def terminate(self):
            calls.append(("worker stopped",))

    monkeypatch.setattr(module.subprocess, "Popen", Worker)
    monkeypatch.setattr(module.signal, "signal", lambda *a: None)
    module.calls = calls
    return module


def test_demo_help_prints_help_and_starts_nothing(dev, capsys):
    with pytest.raises(SystemExit) as exit_info:
        dev.main(["demo", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--port" in out and "usage: python3 dev.py demo" in out
    assert dev.calls == []


def test_demo_port_is_used_for_the_server(dev):
    assert dev.main(["demo", "--port", "8123"]) == 0
    assert ("runserver", "127.0.0.1:8123", "--noreload") in dev.calls
    assert ("load_demo", "--if-empty") in dev.calls


def test_demo_rejects_a_bad_port_before_starting(dev):
    with pytest.raises(SystemExit):
        dev.main(["demo", "--port", "0"])
    with pytest.raises(SystemExit):
        dev.main(["demo", "--port", "abc"])
    assert dev.calls == []


def test_demo_help_in_a_real_process_returns_quickly():
    result = subprocess.run([sys.executable, str(ROOT / "dev.py"), "demo", "--help"], capture_output=True,  # noqa: S603
                            text=True, timeout=30, check=False)
    assert result.returncode == 0 and "--port" in result.stdout
