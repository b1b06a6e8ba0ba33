"""The committed OpenAPI document must match what the code generates (CI fails on drift)."""

from __future__ import annotations

from django.core.management import call_command

from vangnet.api.openapi import drift


def test_committed_openapi_matches_the_code(db):
    diff = drift()
    assert diff is None, f"openapi.yaml is out of date: run `python3 dev.py manage openapi`\n{diff}"


def test_schema_is_valid_and_has_no_warnings(tmp_path, db):
    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--validate", "--fail-on-warn",
                 "--lang", "en")
