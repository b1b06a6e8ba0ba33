"""The rule file: valid, every rule reachable, no contradictions, every outcome explained, deterministic.

Contradiction (docs/triage.md): two rules that can fire for the same facts while recommending route steps
of the same ``exclusive`` group with different tracks (e.g. the reflection period [B8/3] and the Dublin
route; COSM, OMM and youth care as the shelter type). Urgency floors and needs merge (most urgent wins,
union), so they cannot contradict.
"""

from __future__ import annotations

import copy
import itertools
import random
from typing import Any

import pytest
import yaml

from vangnet.triage import rules as engine
from vangnet.triage.rules import RULES_FILE, RuleFileError, contradictions, evaluate, load, witness


@pytest.fixture(scope="module")
def rs() -> engine.RuleSet:
    return load()


@pytest.fixture
def raw() -> dict[str, Any]:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


def test_file_loads_with_version_and_sources(rs: engine.RuleSet) -> None:
    assert rs.version
    assert len(rs.rules) >= 20
    for rule in rs.rules:
        assert rule.source in rs.sources or (rule.source == engine.PRACTICE and rule.reason), rule.id
        assert rule.description["nl"] and rule.description["en"]
    # practice is the exception, not the rule: most rules cite a document
    assert sum(r.source == engine.PRACTICE for r in rs.rules) <= 4


def test_a_practice_rule_without_a_reason_is_refused(raw: dict[str, Any]) -> None:
    raw["rules"][1]["source"] = "practice"
    raw["rules"][1].pop("reason", None)
    with pytest.raises(RuleFileError, match="why practice"):
        engine.parse(raw)


def test_indicator_facts_name_indicators_of_the_signal_catalogue(rs: engine.RuleSet) -> None:
    catalogue = yaml.safe_load((RULES_FILE.parents[2] / "signals" / "data" / "indicators.yaml").read_text("utf-8"))
    known = {i["code"] for g in catalogue["indicator_groups"] for i in g["indicators"]}
    for name, codes in rs.indicator_facts.items():
        assert codes and codes <= known, (name, codes - known)


def test_citizenship_groups_hold_the_eu_eea_and_switzerland(rs: engine.RuleSet) -> None:
    assert len(rs.citizenship_groups["eu_eea_ch"]) == 26 + 3 + 1  # the EU without NL, IS/LI/NO, CH
    assert rs.citizenship("RO") == rs.citizenship("no") == "eu_eea_ch"  # Norway survives YAML
    assert rs.citizenship("NL") == "dutch"
    assert rs.citizenship("NG") == "third_country" and rs.citizenship(None) == "unknown"


def test_eu_citizen_gets_no_reflection_period_dublin_or_residence_question() -> None:
    for residence in ("unknown", "none", "dublin", "asylum"):
        steps = _route({"citizenship": "eu_eea_ch", "residence_status": residence})
        assert "eu_free_movement" in steps
        assert not {"reflection_period", "dublin_assessment", "clarify_residence", "asylum_reception"} & set(steps)
    dutch = _route({"citizenship": "dutch"})
    assert not {"reflection_period", "dublin_assessment", "clarify_residence", "eu_free_movement"} & set(dutch)


def test_third_country_national_routes_follow_residence() -> None:
    base = {"citizenship": "third_country"}
    assert "clarify_residence" in _route(base)
    assert "reflection_period" in _route({**base, "residence_status": "none"})
    assert "dublin_assessment" in _route({**base, "residence_status": "dublin"})
    assert "asylum_reception" in _route({**base, "residence_status": "asylum"})
    lawful = _route({**base, "residence_status": "lawful"})
    assert not {"reflection_period", "dublin_assessment", "clarify_residence"} & set(lawful)


def test_violence_and_confinement_raise_urgency_and_risk() -> None:
    violence = evaluate({"violence": True})
    assert violence.urgency.code == "urgent" and "violence" in [o.code for o in violence.risk_factors]
    confined = evaluate({"deprivation_of_liberty": True})
    assert confined.urgency.code == "urgent"
    both = evaluate({"violence": True, "deprivation_of_liberty": True})
    assert both.urgency.code == "acute" and "safety_now" in [o.code for o in both.route]


def test_psychiatric_needs_set_need_and_omm() -> None:
    result = evaluate({"psychiatric": "yes"})
    assert "psychiatric_care" in [o.code for o in result.needs]
    assert "shelter_omm" in [o.code for o in result.route]


@pytest.mark.parametrize("rule_id", [r.id for r in load().rules])
def test_every_rule_is_reachable(rs: engine.RuleSet, rule_id: str) -> None:
    rule = rs.rule(rule_id)
    facts = witness(rs, rule)
    assert facts is not None, f"no fact set fires {rule_id}"
    assert rule_id in evaluate(facts, rs).fired


def test_no_two_rules_contradict(rs: engine.RuleSet) -> None:
    assert contradictions(rs) == []


def test_contradiction_check_over_the_joint_space_of_exclusive_rules(rs: engine.RuleSet) -> None:
    """Belt and braces: enumerate every combination of the facts used by rules with exclusive steps."""
    exclusive_rules = [r for r in rs.rules if any(rs.steps[s].exclusive_group for s in r.route)]
    names = sorted({n for r in exclusive_rules for n in r.facts_used()})
    checked = 0
    for partial in engine.assignments(rs, names):
        result = evaluate(partial, rs)
        assert rs.conflicting_steps([o.code for o in result.route]) == [], partial
        checked += 1
    assert checked >= 100  # the space is real, not trivially small


def test_the_contradiction_check_finds_a_planted_contradiction(raw: dict[str, Any]) -> None:
    bad = copy.deepcopy(raw)
    bad["rules"].append({
        "id": "planted", "description": {"nl": "x", "en": "x"}, "source": "vc-b8-3",
        "when": {"fact": "forms", "contains": "labour"}, "then": {"route": ["dublin_assessment"]},
    })
    rs = engine.parse(bad)
    found = contradictions(rs)
    assert any({"planted", "no-lawful-residence"} == {a, b} for a, b, _ in found), found


def test_a_rule_with_exclusive_steps_of_its_own_is_refused(raw: dict[str, Any]) -> None:
    bad = copy.deepcopy(raw)
    bad["rules"][0]["then"]["route"] = ["reflection_period", "dublin_assessment"]
    with pytest.raises(RuleFileError, match="mutually exclusive"):
        engine.parse(bad)


@pytest.mark.parametrize("mutation, message", [
    (lambda d: d["rules"][1].__setitem__("when", {"fact": "region", "is": "AM"}), "unknown fact"),
    (lambda d: d["rules"][1].__setitem__("when", {"fact": "pursued", "is": "maybe"}), "not a value"),
    (lambda d: d["rules"][1].__setitem__("when", {"python": "__import__('os')"}), "unknown condition"),
    (lambda d: d["rules"][1]["then"].__setitem__("needs", ["spa_weekend"]), "unknown needs"),
    (lambda d: d["rules"][1].__setitem__("source", "hearsay"), "unknown source"),
    (lambda d: d["rules"][2].__setitem__("id", d["rules"][1]["id"]), "unique id"),
    (lambda d: d["rules"][1]["description"].pop("en"), "English"),
])
def test_invalid_files_are_refused(raw: dict[str, Any], mutation: Any, message: str) -> None:
    mutation(raw)
    with pytest.raises(RuleFileError, match=message):
        engine.parse(raw)


def test_every_outcome_carries_its_rules_and_their_text(rs: engine.RuleSet) -> None:
    rng = random.Random(7)
    names = list(rs.facts)
    for _ in range(300):
        facts = {n: rng.choice(rs.facts[n].domain()) for n in names}
        result = evaluate(facts, rs)
        for outcome in result.outcomes():
            assert outcome.rules, f"{outcome.kind} {outcome.code} has no rule"
            for rid in outcome.rules:
                assert rid in result.fired
                text = result.explanations[rid]["description"]
                assert text["nl"] and text["en"]
                rule = rs.rule(rid)
                if outcome.kind == "urgency":
                    assert rule.urgency == outcome.code
                else:
                    attr = {"risk_factor": "risk_factors", "need": "needs", "step": "route"}[outcome.kind]
                    assert outcome.code in getattr(rule, attr)
        assert result.as_json()["version"] == rs.version


def test_determinism_same_facts_same_result(rs: engine.RuleSet) -> None:
    rng = random.Random(11)
    for _ in range(50):
        facts = {n: rng.choice(rs.facts[n].domain()) for n in rs.facts}
        shuffled = dict(sorted(facts.items(), key=lambda _kv: rng.random()))
        assert evaluate(facts, rs).as_json() == evaluate(shuffled, rs).as_json()


def test_no_region_specific_facts(rs: engine.RuleSet) -> None:
    """The same signal gives the same triage everywhere: the rules cannot see a region."""
    for name in rs.facts:
        assert not any(word in name for word in ("region", "municipality", "police_unit", "city"))


# --- the routes the letters describe -------------------------------------------------------------------

def _route(facts: dict[str, Any]) -> list[str]:
    return [o.code for o in evaluate(facts).route]


def test_no_lawful_residence_gets_the_reflection_period_of_three_months(rs: engine.RuleSet) -> None:
    result = evaluate({"residence_status": "none"})
    steps = [o.code for o in result.route]
    assert "reflection_period" in steps and "residence_b83" in steps and "dublin_assessment" not in steps
    assert rs.steps["reflection_period"].deadline == {"months": 3}
    assert "no_residence_status" in [o.code for o in result.risk_factors]


def test_dublin_claimant_gets_no_reflection_period_and_four_working_weeks(rs: engine.RuleSet) -> None:
    steps = _route({"residence_status": "dublin"})
    assert "dublin_assessment" in steps and "reflection_period" not in steps
    assert rs.steps["dublin_assessment"].deadline == {"working_days": 20}


def test_minor_goes_to_youth_care_with_a_guardian_when_foreign() -> None:
    result = evaluate({"minor": True, "residence_status": "none"})
    steps = [o.code for o in result.route]
    assert {"youth_care", "guardian"} <= set(steps)
    assert "shelter_cosm" not in steps and "shelter_omm" not in steps
    assert result.urgency.code == "urgent"


def test_labour_exploitation_goes_to_the_labour_inspectorate() -> None:
    assert "labour_inspectorate" in _route({"forms": {"labour"}})
    assert "labour_inspectorate" not in _route({"forms": {"sexual"}})


def test_criminal_exploitation_points_to_non_punishment() -> None:
    assert "non_punishment" in _route({"forms": {"criminal"}})


def test_danger_or_pursuit_is_acute_and_otherwise_regular() -> None:
    assert evaluate({"immediate_danger": True}).urgency.code == "acute"
    assert evaluate({"pursued": "yes"}).urgency.code == "acute"
    regular = evaluate({})
    assert regular.urgency.code == "regular"
    assert regular.urgency.rules == ["base-slightest-indication"]  # even the default is explained


def test_every_case_gets_shelter_and_care_without_proof() -> None:
    for combo in itertools.islice(engine.assignments(load(), ["minor", "residence_status"]), None):
        assert "care_coordination" in _route(combo)


def test_adult_shelter_type_follows_multiple_problems() -> None:
    assert "shelter_omm" in _route({"addiction": "yes"})
    assert "shelter_cosm" in _route({"addiction": "no"})
    assert "shelter_cosm" in _route({})  # unknown: the categorical shelter


def test_plain_language_description(rs: engine.RuleSet) -> None:
    heading, parts = engine.describe(rs, rs.rule("adult-shelter-omm").condition, "en")
    assert heading == "all of"
    assert "Minor is no" in parts
    heading, parts = engine.describe(rs, rs.rule("dublin-claimant").condition, "nl")
    assert heading == "alle volgende"
    assert parts == ["nationaliteit is een van: land buiten de EU, EER en Zwitserland, onbekend",
                     "verblijfsstatus is Dublinclaimant (ander EU-land is verantwoordelijk)"]
