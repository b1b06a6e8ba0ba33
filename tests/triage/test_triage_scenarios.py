"""The scenario file: at least 40 realistic cases, each giving exactly the outcome a specialist expects.

A rule change that alters a scenario's outcome fails here until the scenario is updated with a review entry
(rules version, fingerprint of the new expected outcome, reason).
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pytest
import yaml

from vangnet.triage import scenarios as sc
from vangnet.triage.rules import RULES_FILE, current_rules, load, parse

SCENARIOS = sc.load()


def test_there_are_at_least_40_varied_scenarios() -> None:
    assert len(SCENARIOS) >= 40
    facts = [s.facts for s in SCENARIOS]
    forms = Counter(f for fs in facts for f in fs.get("forms", []))
    assert {"sexual", "labour", "criminal", "other"} <= set(forms)
    assert {fs.get("citizenship", "unknown") for fs in facts} == {"dutch", "eu_eea_ch", "third_country", "unknown"}
    assert {fs.get("residence_status", "unknown") for fs in facts} >= {"none", "lawful", "asylum", "dublin", "unknown"}
    assert sum(bool(fs.get("minor")) for fs in facts) >= 5
    urgencies = Counter(s.expected["urgency"] for s in SCENARIOS)
    assert set(urgencies) == {"acute", "urgent", "regular"}
    assert {s.expected["shelter_type"] for s in SCENARIOS} == {"cosm", "omm", "minor"}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario_gives_the_expected_outcome(scenario: sc.Scenario) -> None:
    (outcome,) = sc.run([scenario])
    assert outcome.passes, (
        f"{scenario.id}: the rules now give {outcome.actual}, the scenario expects {dict(scenario.expected)}. "
        f"If the new outcome is right, update `expected` and add a review entry with fingerprint "
        f"{sc.fingerprint(outcome.actual)!r} and the reason.")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_expected_outcome_is_covered_by_a_review_with_a_reason(scenario: sc.Scenario) -> None:
    assert sc.review_problem(scenario) == ""


def _raw() -> dict[str, Any]:
    return yaml.safe_load(sc.SCENARIOS_FILE.read_text(encoding="utf-8"))


def test_a_rule_change_that_alters_an_outcome_is_caught() -> None:
    """Plant a change in the rules (the violence rule no longer raises urgency): some scenarios now fail."""
    raw = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    for rule in raw["rules"]:
        if rule["id"] == "violence":
            rule["then"].pop("urgency")
    changed = parse(raw)
    failing = [o.scenario.id for o in sc.run(SCENARIOS, changed) if not o.passes]
    assert "ro-woman-window" in failing


def test_editing_an_expectation_without_a_review_is_caught() -> None:
    raw = _raw()
    edited = copy.deepcopy(raw)
    edited["scenarios"][0]["expected"]["urgency"] = "regular"
    scenario = sc.parse(edited, current_rules())[0]
    assert "without a review" in sc.review_problem(scenario)
    edited["scenarios"][0]["reviews"].append({"rules_version": "x", "fingerprint": sc.fingerprint(
        scenario.expected), "reason": "Violence alone no longer raises urgency (planted in a test)."})
    assert sc.review_problem(sc.parse(edited, current_rules())[0]) == ""


@pytest.mark.parametrize("mutation, message", [
    (lambda d: d["scenarios"][0]["facts"].__setitem__("region", "AM"), "unknown facts"),
    (lambda d: d["scenarios"][0].__setitem__("sources", ["hearsay"]), "sources"),
    (lambda d: d["scenarios"][0]["expected"].pop("needs"), "exactly"),
    (lambda d: d["scenarios"][0]["reviews"][0].__setitem__("reason", ""), "reason"),
    (lambda d: d["scenarios"][1].__setitem__("id", d["scenarios"][0]["id"]), "unique"),
])
def test_invalid_scenario_files_are_refused(mutation: Any, message: str) -> None:
    raw = _raw()
    mutation(raw)
    with pytest.raises(sc.ScenarioFileError, match=message):
        sc.parse(raw, load())


def test_fingerprint_ignores_order_but_not_content() -> None:
    a = {"urgency": "urgent", "shelter_type": "cosm", "needs": ["medical", "interpreter"], "route": ["x", "y"]}
    b = {**a, "needs": ["interpreter", "medical"]}
    assert sc.fingerprint(a) == sc.fingerprint(b)
    assert sc.fingerprint(a) != sc.fingerprint({**a, "urgency": "acute"})
