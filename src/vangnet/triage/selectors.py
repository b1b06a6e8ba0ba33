"""Reads of triage: the current triage of a case (for the case page, placement and worklists) and figures.

``current_triage(case)`` is the contract for the placement request (issue: shelters/placement): it gives
the decided urgency, needs, risk factors, route and the shelter type the rules suggest, so a placement
form can be pre-filled. See docs/triage.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import ngettext

from vangnet.accounts.models import OrganisationType
from vangnet.cases.models import Case, Urgency
from vangnet.core.i18n import active_language
from vangnet.triage.models import Triage, Trigger
from vangnet.triage.rules import RuleSet, current_rules

SHELTER_TYPE_GROUP = "shelter_type"



@dataclass(frozen=True)
class CurrentTriage:
    """The decision in force for a case (computed by the rules, possibly changed by a professional)."""

    triage_id: int
    urgency: str  # acute | urgent | regular (cases.Urgency)
    computed_urgency: str
    needs: tuple[str, ...]  # codes from rules.yaml `needs`
    risk_factors: tuple[str, ...]  # codes from rules.yaml `risk_factors`
    route: tuple[str, ...]  # step codes from rules.yaml `steps`
    shelter_type: str  # track of the shelter_type step in the route: cosm | omm | minor | "" (none)
    deadlines: dict[str, dict[str, int]]  # step code -> {"months": 3} / {"working_days": 20}
    rules_version: str
    triaged_at: Any
    overridden: bool
    facts: dict[str, Any] = field(default_factory=dict)


def current_triage(case: Case | int) -> CurrentTriage | None:
    case_id = case if isinstance(case, int) else case.pk
    row = Triage.objects.filter(case_id=case_id).order_by("-created_at", "-id").first()
    if row is None:
        return None
    rs = current_rules()
    shelter_type = ""
    deadlines = {}
    for code in row.route:
        step = rs.steps.get(code)
        if step is None:
            continue
        if step.exclusive_group == SHELTER_TYPE_GROUP:
            shelter_type = step.track
        if step.deadline:
            deadlines[code] = dict(step.deadline)
    return CurrentTriage(
        triage_id=row.pk, urgency=row.urgency, computed_urgency=row.computed_urgency, needs=tuple(row.needs),
        risk_factors=tuple(o["code"] for o in row.result.get("risk_factors", [])), route=tuple(row.route),
        shelter_type=shelter_type, deadlines=deadlines, rules_version=row.rules_version, triaged_at=row.created_at,
        overridden=row.overridden, facts=dict(row.result.get("facts", {})),
    )


def organisation_label(code: str) -> str:
    return str(OrganisationType(code).label) if code in OrganisationType.values else code


def deadline_text(deadline: dict[str, int] | Any) -> str:
    """{"months": 3} -> "within 3 months"; {"working_days": 20} -> "within 20 working days"."""
    if not deadline:
        return ""
    if "months" in deadline:
        n = deadline["months"]
        return ngettext("within %(n)s month", "within %(n)s months", n) % {"n": n}
    if "working_days" in deadline:
        n = deadline["working_days"]
        return ngettext("within %(n)s working day", "within %(n)s working days", n) % {"n": n}
    n = deadline.get("days", 0)
    return ngettext("within %(n)s day", "within %(n)s days", n) % {"n": n}


def _label(catalogue: Any, code: str, lang: str) -> str:
    item = catalogue.get(code)
    if item is None:
        return code
    return (item.label if hasattr(item, "label") else item)[lang]


def panel_context(row: Triage, rs: RuleSet | None = None) -> dict[str, Any]:
    """The current triage for display: every outcome with the rules (id, text, source) that led to it."""
    rs = rs or current_rules()
    lang = active_language()
    result = row.result
    explanations = result.get("explanations", {})

    def rules_of(outcome: dict[str, Any]) -> list[dict[str, str]]:
        out = []
        for rid in outcome["rules"]:
            exp = explanations.get(rid, {})
            source = rs.sources.get(exp.get("source", ""), {})
            out.append({"id": rid, "text": exp.get("description", {}).get(lang, rid),
                        "source": source.get("title", exp.get("source", ""))})
        return out

    def items(key: str, catalogue: Any, decided: list[str] | None = None) -> list[dict[str, Any]]:
        computed = {o["code"]: o for o in result.get(key, [])}
        codes = decided if decided is not None else list(computed)
        rows = []
        for code in codes:
            step = rs.steps.get(code) if key == "route" else None
            rows.append({
                "code": code, "label": _label(catalogue, code, lang),
                "rules": rules_of(computed[code]) if code in computed else [],
                "added_by_professional": code not in computed,
                "organisation": organisation_label(step.organisation) if step else "",
                "deadline": deadline_text(step.deadline) if step else "",
            })
        return rows

    removed_needs = [c for c in computed_codes(result, "needs") if c not in row.needs]
    removed_route = [c for c in computed_codes(result, "route") if c not in row.route]
    return {
        "triage": row,
        "urgency_rules": rules_of(result["urgency"]),
        "risk_factors": items("risk_factors", rs.risk_factors),
        "needs": items("needs", rs.needs, list(row.needs)),
        "route": items("route", rs.steps, list(row.route)),
        "removed_needs": [_label(rs.needs, c, lang) for c in removed_needs],
        "removed_route": [_label(rs.steps, c, lang) for c in removed_route],
        "rules_version": row.rules_version,
        "outdated": row.rules_version != rs.version,
        "facts": [
            {"name": name, "label": rs.facts[name].label[lang] if name in rs.facts else name,
             "value": display_value(rs, name, value, lang), "source": rs.facts[name].source if name in rs.facts else ""}
            for name, value in result.get("facts", {}).items()
        ],
    }


def computed_codes(result: dict[str, Any], key: str) -> list[str]:
    return [o["code"] for o in result.get(key, [])]


def display_value(rs: RuleSet, name: str, value: Any, lang: str) -> str:
    from vangnet.triage.rules import _value

    if name not in rs.facts:
        return str(value)
    if isinstance(value, list):
        return ", ".join(_value(rs, name, v, lang) for v in value) or ("geen" if lang == "nl" else "none")
    return _value(rs, name, value, lang)


@dataclass
class Statistics:
    by_version_urgency: list[dict[str, Any]]
    by_rule: list[dict[str, Any]]
    override_parts: dict[str, int]
    urgency_changes: list[dict[str, Any]]
    totals: dict[str, int]


def _rule_description(rule_id: str) -> str:
    """The rule's description in the reader's language (current rules), or "" for a rule no longer in use."""
    from vangnet.core.i18n import active_language
    from vangnet.triage.rules import current_rules

    try:
        return str(current_rules().rule(rule_id).description[active_language()])
    except (KeyError, LookupError, AttributeError):
        return ""


def statistics() -> Statistics:
    """Triage results and overrides, by rule-file version and urgency, and per rule. No case data."""
    computed: Counter[tuple[str, str]] = Counter()
    overrides: Counter[tuple[str, str]] = Counter()
    fired: Counter[tuple[str, str]] = Counter()
    overridden_rules: Counter[tuple[str, str]] = Counter()
    parts: Counter[str] = Counter()
    changes: Counter[tuple[str, str]] = Counter()
    cases_overridden: dict[str, set[int]] = defaultdict(set)
    rows = Triage.objects.values_list("rules_version", "computed_urgency", "urgency", "trigger", "overridden_parts",
                                      "result", "case_id")
    for version, computed_urgency, urgency, trigger, over_parts, result, case_id in rows.iterator():
        key = (version, computed_urgency)
        if trigger == Trigger.OVERRIDE:
            overrides[key] += 1
            parts.update(over_parts)
            cases_overridden[version].add(case_id)
            if urgency != computed_urgency:
                changes[(computed_urgency, urgency)] += 1
            for rid in result.get("fired", []):
                overridden_rules[(version, rid)] += 1
        else:
            computed[key] += 1
            for rid in result.get("fired", []):
                fired[(version, rid)] += 1
    order = {u: i for i, u in enumerate(Urgency.values)}
    by_version_urgency = [
        {"version": v, "urgency": u, "urgency_label": Urgency(u).label, "triages": computed[(v, u)],
         "overrides": overrides[(v, u)]}
        for v, u in sorted(set(computed) | set(overrides), key=lambda k: (k[0], order.get(k[1], 9)))
    ]
    by_rule = [{"version": v, "rule": r, "fired": n, "overridden": overridden_rules[(v, r)],
                "description": _rule_description(r)} for (v, r), n in sorted(fired.items())]
    return Statistics(
        by_version_urgency=by_version_urgency, by_rule=by_rule, override_parts=dict(parts),
        urgency_changes=[{"from": Urgency(a).label, "to": Urgency(b).label, "count": n}
                         for (a, b), n in sorted(changes.items())],
        totals={"triages": sum(computed.values()), "overrides": sum(overrides.values()),
                "cases_overridden": sum(len(s) for s in cases_overridden.values())},
    )
