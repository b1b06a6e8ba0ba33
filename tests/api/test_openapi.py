"""The committed OpenAPI document must match what the code generates (CI fails on drift)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.yaml"


def test_committed_openapi_matches_the_code(tmp_path, db):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    assert yaml.safe_load(generated.read_text()) == yaml.safe_load(COMMITTED.read_text()), (
        "openapi.yaml is out of date: run `python3 dev.py manage spectacular --file openapi.yaml`"
    )
