"""Triage scenarios: realistic cases with the outcome a specialist expects, kept as data (data/scenarios.yaml).

Each scenario holds the facts (in the rule file's terms), the expected urgency, needs, route and shelter type,
the sources it was written from, and a review history. The last review entry carries a fingerprint of the
expected outcome: editing an expectation without adding a review entry (with the rules version and a reason)
is refused, so a rule change that alters a scenario's outcome fails the tests until someone states why the
new outcome is right. Pure Python over the rule engine: no database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from vangnet.triage.rules import PRACTICE, Result, RuleSet, current_rules, evaluate

SCENARIOS_FILE = Path(__file__).resolve().parent / "data" / "scenarios.yaml"
SHELTER_TYPE_GROUP = "shelter_type"
EXPECTED_KEYS = ("urgency", "shelter_type", "needs", "route")


class ScenarioFileError(ValueError):
    """The scenario file is not valid; the message says where."""


@dataclass(frozen=True)
class Scenario:
    id: str
    title: Mapping[str, str]
    story: Mapping[str, str]
    sources: tuple[str, ...]
    facts: Mapping[str, Any]
    expected: Mapping[str, Any]
    reviews: tuple[Mapping[str, str], ...]


@dataclass
class Outcome:
    scenario: Scenario
    actual: dict[str, Any]
    result: Result

    @property
    def differences(self) -> list[str]:
        """The expected keys whose actual value differs."""
        return [k for k in EXPECTED_KEYS if _normal(self.actual[k]) != _normal(self.scenario.expected[k])]

    @property
    def passes(self) -> bool:
        return not self.differences


def _normal(value: Any) -> Any:
    return sorted(value) if isinstance(value, list | tuple) else value


def fingerprint(expected: Mapping[str, Any]) -> str:
    """A short, stable hash of an expected outcome (order of needs and steps does not matter)."""
    canonical = json.dumps({k: _normal(expected[k]) for k in EXPECTED_KEYS}, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def shelter_type(rs: RuleSet, route: list[str]) -> str:
    for code in route:
        step = rs.steps[code]
        if step.exclusive_group == SHELTER_TYPE_GROUP:
            return step.track
    return ""


def outcome_of(rs: RuleSet, facts: Mapping[str, Any]) -> tuple[dict[str, Any], Result]:
    result = evaluate(facts, rs)
    route = [o.code for o in result.route]
    return ({"urgency": result.urgency.code, "shelter_type": shelter_type(rs, route),
             "needs": [o.code for o in result.needs], "route": route}, result)


def _text(value: Any, where: str) -> dict[str, str]:
    if not (isinstance(value, dict) and str(value.get("nl", "")).strip() and str(value.get("en", "")).strip()):
        raise ScenarioFileError(f"{where}: needs a Dutch and an English text")
    return {"nl": str(value["nl"]), "en": str(value["en"])}


def parse(data: Any, rs: RuleSet) -> list[Scenario]:
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), list):
        raise ScenarioFileError("the scenario file holds a list `scenarios`")
    shelter_tracks = {s.track for s in rs.steps.values() if s.exclusive_group == SHELTER_TYPE_GROUP} | {""}
    seen: set[str] = set()
    scenarios = []
    for i, raw in enumerate(data["scenarios"]):
        sid = raw.get("id")
        where = f"scenarios[{i}] ({sid})"
        if not sid or sid in seen:
            raise ScenarioFileError(f"{where}: every scenario needs a unique id")
        seen.add(sid)
        facts = dict(raw.get("facts") or {})
        try:
            rs.normalise_facts(facts)
        except ValueError as exc:
            raise ScenarioFileError(f"{where}: {exc}") from exc
        sources = tuple(raw.get("sources") or ())
        unknown = [s for s in sources if s != PRACTICE and s not in rs.sources]
        if not sources or unknown:
            raise ScenarioFileError(f"{where}: name the sources it was written from (unknown: {unknown})")
        expected = raw.get("expected") or {}
        if set(expected) != set(EXPECTED_KEYS):
            raise ScenarioFileError(f"{where}: `expected` holds exactly {EXPECTED_KEYS}")
        if expected["urgency"] not in rs.urgency_levels or expected["shelter_type"] not in shelter_tracks:
            raise ScenarioFileError(f"{where}: unknown urgency or shelter type")
        for key, catalogue in (("needs", rs.needs), ("route", rs.steps)):
            bad = [c for c in expected[key] if c not in catalogue]
            if bad:
                raise ScenarioFileError(f"{where}: unknown {key} codes {bad}")
        reviews = tuple(raw.get("reviews") or ())
        for j, review in enumerate(reviews):
            complete = review.get("rules_version") and review.get("fingerprint")
            if not (complete and len(str(review.get("reason", ""))) >= 10):
                raise ScenarioFileError(f"{where}.reviews[{j}]: give rules_version, fingerprint and a reason")
        scenarios.append(Scenario(sid, _text(raw.get("title"), f"{where}.title"),
                                  _text(raw.get("story"), f"{where}.story"), sources, facts, dict(expected), reviews))
    return scenarios


def load(path: Path = SCENARIOS_FILE, rs: RuleSet | None = None) -> list[Scenario]:
    with path.open(encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle), rs or current_rules())


@lru_cache(maxsize=1)
def current_scenarios() -> tuple[Scenario, ...]:
    return tuple(load())


def run(scenarios: list[Scenario] | tuple[Scenario, ...], rs: RuleSet | None = None) -> list[Outcome]:
    rs = rs or current_rules()
    outcomes = []
    for scenario in scenarios:
        actual, result = outcome_of(rs, scenario.facts)
        outcomes.append(Outcome(scenario, actual, result))
    return outcomes


def review_problem(scenario: Scenario) -> str:
    """Why the review history does not cover the expected outcome ("" when it does)."""
    if not scenario.reviews:
        return "no review entry"
    last = scenario.reviews[-1]
    wanted = fingerprint(scenario.expected)
    if last["fingerprint"] != wanted:
        return (f"the expected outcome changed without a review: add a review entry with rules_version, "
                f"fingerprint {wanted!r} and the reason")
    return ""
