"""The case's access rules own their interface to the apps that work on a case (ARCHITECTURE.md): ``sharing``
registers which sections a handover purpose shows; ``cases.access`` never imports it."""

from __future__ import annotations

import ast
from pathlib import Path

from vangnet.cases import access

WORK_ON_A_CASE = ("vangnet.signals", "vangnet.triage", "vangnet.procedures", "vangnet.shelters",
                  "vangnet.sharing", "vangnet.persons")


def test_case_access_imports_none_of_the_apps_that_work_on_a_case() -> None:
    tree = ast.parse(Path(access.__file__).read_text())
    for node in ast.walk(tree):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        assert not any(n.startswith(WORK_ON_A_CASE) for n in names), names


def test_handover_sections_come_from_the_registered_policies() -> None:
    from vangnet.sharing.policies import sections_for

    assert access._handover_sections == [sections_for]  # registered by SharingConfig.ready()
    purpose, org_type = "shelter", "shelter_provider"
    assert access.sections_for(purpose, org_type) == sections_for(purpose, org_type) != frozenset()
    assert access.sections_for("no-such-purpose", org_type) == frozenset()
