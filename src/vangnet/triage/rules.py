"""The triage rule engine: loads ``data/rules.yaml``, checks it, and evaluates it over a case's facts.

Pure Python (no database). Conditions are a small data language — ``always``, ``fact``/``is``,
``fact``/``in``, ``fact``/``contains``, ``all``, ``any``, ``not`` — compiled into a tree at load time and
interpreted here; nothing in the file is ever executed. Loading fails loudly (``RuleFileError``) on an
unknown fact, value, outcome code, source or condition form, so a bad file never reaches production.

Evaluation is deterministic: it depends only on the facts and the file (no region, no clock, no
randomness); outcomes are ordered by the order of the catalogues in the file.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.yaml"
TRISTATE = ("yes", "no", "unknown")
FACT_TYPES = ("bool", "tristate", "enum", "set")
OUTCOME_KEYS = ("urgency", "risk_factors", "needs", "route")
#: A rule that rests on working practice only names this instead of a source, and gives its ``reason``.
PRACTICE = "practice"


class RuleFileError(ValueError):
    """The rule file is not valid; the message says where."""


# --- the file ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    name: str
    type: str
    source: str  # "signal" or "triage"
    label: Mapping[str, str]
    values: tuple[Any, ...]
    value_labels: Mapping[str, Mapping[str, str]]
    default: Any

    def domain(self) -> list[Any]:
        """Every value this fact can take (for a set fact: every subset, as a frozenset)."""
        if self.type == "set":
            return [frozenset(c) for n in range(len(self.values) + 1)
                    for c in itertools.combinations(self.values, n)]
        return list(self.values)

    def coerce(self, value: Any, where: str) -> Any:
        if self.type == "tristate" and isinstance(value, bool):
            value = "yes" if value else "no"
        if value not in self.values:
            raise RuleFileError(f"{where}: {value!r} is not a value of fact {self.name!r} ({list(self.values)})")
        return value


#: ("always",) | ("is", fact, value) | ("in", fact, values) | ("contains", fact, value) | ("all"|"any", conds)
#: | ("not", cond)
Condition = tuple[Any, ...]


@dataclass(frozen=True)
class Step:
    code: str
    organisation: str
    label: Mapping[str, str]
    procedure: str = ""
    deadline: Mapping[str, int] = field(default_factory=dict)
    exclusive_group: str = ""
    track: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    description: Mapping[str, str]
    condition: Condition
    urgency: str | None
    risk_factors: tuple[str, ...]
    needs: tuple[str, ...]
    route: tuple[str, ...]
    source: str
    #: Why practice does this (only for ``source: practice``): {nl, en}.
    reason: Mapping[str, str] | None = None

    def facts_used(self) -> list[str]:
        return sorted(_facts_in(self.condition))


@dataclass(frozen=True)
class RuleSet:
    version: str
    valid_from: str
    sources: Mapping[str, Mapping[str, Any]]
    facts: Mapping[str, Fact]
    urgency_levels: tuple[str, ...]
    risk_factors: Mapping[str, Mapping[str, str]]
    needs: Mapping[str, Mapping[str, str]]
    steps: Mapping[str, Step]
    rules: tuple[Rule, ...]
    #: citizenship value -> the country codes (ISO 3166-1 alpha-2) it covers; any other known country is the
    #: remaining value (``third_country``).
    citizenship_groups: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: boolean signal fact -> the indicator codes that set it.
    indicator_facts: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def citizenship(self, country_code: str | None) -> str:
        """The ``citizenship`` fact value of a nationality (``unknown`` without one)."""
        if not country_code:
            return "unknown"
        for value, codes in self.citizenship_groups.items():
            if country_code.upper() in codes:
                return value
        return "third_country"

    def source_text(self, rule: Rule, lang: str) -> str:
        """The source of a rule in words: the document's title, or "practice" with the reason."""
        if rule.source == PRACTICE and rule.reason:
            prefix = "Werkwijze" if lang == "nl" else "Practice"
            return f"{prefix}: {rule.reason[lang]}"
        return str(self.sources[rule.source]["title"])

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def default_facts(self) -> dict[str, Any]:
        return {name: f.default for name, f in self.facts.items()}

    def normalise_facts(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """Complete and check a fact set: unknown names and values are errors; missing facts get defaults."""
        unknown = set(facts) - set(self.facts)
        if unknown:
            raise ValueError(f"unknown facts: {sorted(unknown)}")
        result = self.default_facts()
        for name, value in facts.items():
            fact = self.facts[name]
            if fact.type == "set":
                value = frozenset(value)
                if not value <= set(fact.values):
                    raise ValueError(f"fact {name}: unknown values {sorted(value - set(fact.values))}")
            elif fact.type == "tristate" and isinstance(value, bool):
                value = "yes" if value else "no"
            elif value not in fact.values:
                raise ValueError(f"fact {name}: {value!r} not in {list(fact.values)}")
            result[name] = value
        return result

    def conflicting_steps(self, steps: list[str] | tuple[str, ...] | set[str]) -> list[tuple[str, str]]:
        """Pairs of steps in the same exclusive group with different tracks (mutually exclusive)."""
        pairs = []
        ordered = [s for s in self.steps if s in set(steps)]
        for a, b in itertools.combinations(ordered, 2):
            sa, sb = self.steps[a], self.steps[b]
            if sa.exclusive_group and sa.exclusive_group == sb.exclusive_group and sa.track != sb.track:
                pairs.append((a, b))
        return pairs


def _text(value: Any, where: str) -> dict[str, str]:
    if not (isinstance(value, dict) and isinstance(value.get("nl"), str) and isinstance(value.get("en"), str)
            and value["nl"].strip() and value["en"].strip()):
        raise RuleFileError(f"{where}: needs a Dutch and an English text ({{nl: ..., en: ...}})")
    return {"nl": value["nl"], "en": value["en"]}


def _compile(raw: Any, facts: Mapping[str, Fact], where: str) -> Condition:
    if not isinstance(raw, dict):
        raise RuleFileError(f"{where}: a condition is a mapping, got {raw!r}")
    keys = set(raw)
    if keys == {"always"}:
        if raw["always"] is not True:
            raise RuleFileError(f"{where}: write `always: true`")
        return ("always",)
    if keys in ({"all"}, {"any"}):
        (op,) = keys
        items = raw[op]
        if not isinstance(items, list) or not items:
            raise RuleFileError(f"{where}: `{op}` needs a non-empty list of conditions")
        return (op, tuple(_compile(c, facts, f"{where}.{op}[{i}]") for i, c in enumerate(items)))
    if keys == {"not"}:
        return ("not", _compile(raw["not"], facts, f"{where}.not"))
    if "fact" in keys and len(keys) == 2:
        name = raw["fact"]
        if name not in facts:
            raise RuleFileError(f"{where}: unknown fact {name!r}")
        fact = facts[name]
        (op,) = keys - {"fact"}
        if op == "is" and fact.type != "set":
            value = raw["is"]
            if fact.type == "bool":
                if not isinstance(value, bool):
                    raise RuleFileError(f"{where}: fact {name!r} is true or false")
                return ("is", name, value)
            return ("is", name, fact.coerce(value, where))
        if op == "in" and fact.type in ("enum", "tristate"):
            if not isinstance(raw["in"], list) or not raw["in"]:
                raise RuleFileError(f"{where}: `in` needs a non-empty list")
            return ("in", name, tuple(fact.coerce(v, where) for v in raw["in"]))
        if op == "contains" and fact.type == "set":
            return ("contains", name, fact.coerce(raw["contains"], where))
        raise RuleFileError(f"{where}: `{op}` cannot be used with fact {name!r} of type {fact.type}")
    raise RuleFileError(
        f"{where}: unknown condition {raw!r} (use always, fact/is, fact/in, fact/contains, all, any, not)")


def _facts_in(condition: Condition) -> set[str]:
    op = condition[0]
    if op == "always":
        return set()
    if op in ("all", "any"):
        return set().union(*(_facts_in(c) for c in condition[1]))
    if op == "not":
        return _facts_in(condition[1])
    return {condition[1]}


def parse(data: Mapping[str, Any]) -> RuleSet:
    """Build and check a rule set from the parsed YAML."""
    if not isinstance(data, dict):
        raise RuleFileError("the rule file must be a mapping")
    for key in ("version", "sources", "facts", "urgency_levels", "risk_factors", "needs", "steps", "rules"):
        if key not in data:
            raise RuleFileError(f"missing top-level key {key!r}")
    sources = {}
    for code, src in data["sources"].items():
        if not isinstance(src, dict) or not src.get("title"):
            raise RuleFileError(f"sources.{code}: needs a title")
        sources[code] = {"title": src["title"], "says": _text(src.get("says"), f"sources.{code}.says")}
    facts: dict[str, Fact] = {}
    for name, f in data["facts"].items():
        where = f"facts.{name}"
        ftype = f.get("type")
        if ftype not in FACT_TYPES:
            raise RuleFileError(f"{where}: type must be one of {FACT_TYPES}")
        if f.get("from") not in ("signal", "triage"):
            raise RuleFileError(f"{where}: `from` is signal or triage")
        values: tuple[Any, ...]
        default: Any
        if ftype == "bool":
            values, default = (True, False), False
        elif ftype == "tristate":
            values, default = TRISTATE, "unknown"
        else:
            values = tuple(str(v) for v in f.get("values") or [])
            if not values:
                raise RuleFileError(f"{where}: list its values")
            default = frozenset() if ftype == "set" else f.get("default", values[-1])
            if ftype == "enum" and default not in values:
                raise RuleFileError(f"{where}: default {default!r} is not one of its values")
        value_labels = {str(k): _text(v, f"{where}.value_labels.{k}")
                        for k, v in (f.get("value_labels") or {}).items()}
        if ftype in ("enum", "set") and set(value_labels) != set(values):
            raise RuleFileError(f"{where}: give a label for every value")
        facts[name] = Fact(name, ftype, f["from"], _text(f.get("label"), f"{where}.label"), values, value_labels,
                           default)
    levels = tuple(data["urgency_levels"])
    risk_factors = {k: _text(v, f"risk_factors.{k}") for k, v in data["risk_factors"].items()}
    needs = {k: _text(v, f"needs.{k}") for k, v in data["needs"].items()}
    steps: dict[str, Step] = {}
    for code, s in data["steps"].items():
        where = f"steps.{code}"
        exclusive = s.get("exclusive") or {}
        if exclusive and not (exclusive.get("group") and exclusive.get("track")):
            raise RuleFileError(f"{where}: exclusive needs a group and a track")
        deadline = dict(s.get("deadline") or {})
        if set(deadline) - {"months", "working_days", "days"}:
            raise RuleFileError(f"{where}: a deadline is given in months, working_days or days")
        if not s.get("organisation"):
            raise RuleFileError(f"{where}: name the organisation type")
        steps[code] = Step(code, s["organisation"], _text(s.get("label"), f"{where}.label"), s.get("procedure", ""),
                           deadline, exclusive.get("group", ""), exclusive.get("track", ""))
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, r in enumerate(data["rules"]):
        rid = r.get("id")
        where = f"rules[{i}] ({rid})"
        if not rid or rid in seen:
            raise RuleFileError(f"{where}: every rule needs a unique id")
        seen.add(rid)
        reason = None
        if r.get("source") == PRACTICE:
            reason = _text(r.get("reason"), f"{where}.reason (why practice does this)")
        elif r.get("source") not in sources:
            raise RuleFileError(f"{where}: unknown source {r.get('source')!r}")
        then = r.get("then") or {}
        if not then or set(then) - set(OUTCOME_KEYS):
            raise RuleFileError(f"{where}: `then` holds {OUTCOME_KEYS}")
        urgency = then.get("urgency")
        if urgency is not None and urgency not in levels:
            raise RuleFileError(f"{where}: urgency {urgency!r} not in {levels}")
        for key, catalogue in (("risk_factors", risk_factors), ("needs", needs), ("route", steps)):
            for code in then.get(key) or []:
                if code not in catalogue:
                    raise RuleFileError(f"{where}: unknown {key} code {code!r}")
        rules.append(Rule(
            id=rid, description=_text(r.get("description"), f"{where}.description"),
            condition=_compile(r.get("when"), facts, f"{where}.when"), urgency=urgency,
            risk_factors=tuple(then.get("risk_factors") or ()), needs=tuple(then.get("needs") or ()),
            route=tuple(then.get("route") or ()), source=r["source"], reason=reason,
        ))
    groups: dict[str, frozenset[str]] = {}
    citizenship = facts.get("citizenship")
    for value, codes in (data.get("citizenship_groups") or {}).items():
        if citizenship is None or value not in citizenship.values:
            raise RuleFileError(f"citizenship_groups.{value}: not a value of the fact citizenship")
        if not isinstance(codes, list) or not all(isinstance(c, str) and len(c) == 2 for c in codes):
            raise RuleFileError(f"citizenship_groups.{value}: list two-letter country codes")
        groups[str(value)] = frozenset(c.upper() for c in codes)
    indicator_facts: dict[str, frozenset[str]] = {}
    for name, codes in (data.get("indicator_facts") or {}).items():
        fact = facts.get(name)
        if fact is None or fact.type != "bool" or fact.source != "signal":
            raise RuleFileError(f"indicator_facts.{name}: must be a yes/no fact that comes from the signal")
        if not isinstance(codes, list) or not codes:
            raise RuleFileError(f"indicator_facts.{name}: list the indicator codes")
        indicator_facts[str(name)] = frozenset(str(c) for c in codes)
    ruleset = RuleSet(str(data["version"]), str(data.get("valid_from", "")), sources, facts, levels, risk_factors,
                      needs, steps, tuple(rules), groups, indicator_facts)
    for rule in rules:
        if ruleset.conflicting_steps(rule.route):
            conflicts = ruleset.conflicting_steps(rule.route)
            raise RuleFileError(f"rule {rule.id}: recommends mutually exclusive steps {conflicts}")
    return ruleset


def load(path: Path = RULES_FILE) -> RuleSet:
    with path.open(encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))


@lru_cache(maxsize=1)
def current_rules() -> RuleSet:
    return load()


# --- evaluation -------------------------------------------------------------------------------------


def matches(condition: Condition, facts: Mapping[str, Any]) -> bool:
    op = condition[0]
    if op == "always":
        return True
    if op == "all":
        return all(matches(c, facts) for c in condition[1])
    if op == "any":
        return any(matches(c, facts) for c in condition[1])
    if op == "not":
        return not matches(condition[1], facts)
    if op == "is":
        return facts[condition[1]] == condition[2]
    if op == "in":
        return facts[condition[1]] in condition[2]
    if op == "contains":
        return condition[2] in facts[condition[1]]
    raise RuleFileError(f"unknown condition {op!r}")  # pragma: no cover - parse() refuses these


@dataclass
class Outcome:
    """One outcome of a triage, with the rules that led to it."""

    kind: str  # urgency | risk_factor | need | step
    code: str
    rules: list[str]


@dataclass
class Result:
    version: str
    facts: dict[str, Any]
    fired: list[str]
    urgency: Outcome
    risk_factors: list[Outcome]
    needs: list[Outcome]
    route: list[Outcome]
    explanations: dict[str, dict[str, Any]]  # rule id -> description (nl/en) and source, as of this version

    def outcomes(self) -> Iterator[Outcome]:
        yield self.urgency
        yield from self.risk_factors
        yield from self.needs
        yield from self.route

    def as_json(self) -> dict[str, Any]:
        """JSON-safe and deterministic (stored with the triage, compared in the determinism tests)."""
        def out(o: Outcome) -> dict[str, Any]:
            return {"code": o.code, "rules": list(o.rules)}

        return {
            "version": self.version,
            "facts": {k: (sorted(v) if isinstance(v, frozenset) else v) for k, v in sorted(self.facts.items())},
            "fired": list(self.fired),
            "urgency": out(self.urgency),
            "risk_factors": [out(o) for o in self.risk_factors],
            "needs": [out(o) for o in self.needs],
            "route": [out(o) for o in self.route],
            "explanations": self.explanations,
        }


def evaluate(facts: Mapping[str, Any], ruleset: RuleSet | None = None) -> Result:
    """Apply every rule whose condition holds; merge their outcomes, keeping which rule gave which."""
    rs = ruleset or current_rules()
    complete = rs.normalise_facts(facts)
    fired = [r for r in rs.rules if matches(r.condition, complete)]
    level = rs.urgency_levels[-1]
    for r in fired:
        if r.urgency is not None and rs.urgency_levels.index(r.urgency) < rs.urgency_levels.index(level):
            level = r.urgency
    urgency = Outcome("urgency", level, [r.id for r in fired if r.urgency == level])

    def collect(kind: str, attr: str, catalogue: Mapping[str, Any]) -> list[Outcome]:
        by_code: dict[str, list[str]] = {}
        for r in fired:
            for code in getattr(r, attr):
                by_code.setdefault(code, []).append(r.id)
        return [Outcome(kind, code, by_code[code]) for code in catalogue if code in by_code]

    return Result(
        version=rs.version, facts=complete, fired=[r.id for r in fired], urgency=urgency,
        risk_factors=collect("risk_factor", "risk_factors", rs.risk_factors),
        needs=collect("need", "needs", rs.needs),
        route=collect("step", "route", rs.steps),
        explanations={r.id: {"description": dict(r.description), "source": r.source,
                             **({"reason": dict(r.reason)} if r.reason else {})} for r in fired},
    )


# --- analysis (used by the tests and the rules page) -------------------------------------------------


def assignments(rs: RuleSet, names: list[str]) -> Iterator[dict[str, Any]]:
    """Every combination of values of the named facts."""
    domains = [rs.facts[n].domain() for n in names]
    for values in itertools.product(*domains):
        yield dict(zip(names, values, strict=True))


def witness(rs: RuleSet, rule: Rule) -> dict[str, Any] | None:
    """A fact set (over the facts the rule uses) that makes the rule fire, or None if none does."""
    for partial in assignments(rs, rule.facts_used()):
        if matches(rule.condition, rs.normalise_facts(partial)):
            return partial
    return None


def contradictions(rs: RuleSet) -> list[tuple[str, str, dict[str, Any]]]:
    """Pairs of rules that can fire together while recommending mutually exclusive steps, with a witness.

    Only the facts the two rules use matter, so the search enumerates exactly that space.
    """
    found = []
    for a, b in itertools.combinations(rs.rules, 2):
        if not any(rs.conflicting_steps({x, y}) for x in a.route for y in b.route):
            continue
        names = sorted(set(a.facts_used()) | set(b.facts_used()))
        for partial in assignments(rs, names):
            full = rs.normalise_facts(partial)
            if matches(a.condition, full) and matches(b.condition, full):
                found.append((a.id, b.id, partial))
                break
    return found


# --- plain language -----------------------------------------------------------------------------------

_WORDS = {
    "nl": {"all": "alle volgende", "any": "minstens één van", "not": "niet:", "always": "altijd",
           "is": "is", "in": "is een van", "contains": "bevat", True: "ja", False: "nee",
           "yes": "ja", "no": "nee", "unknown": "onbekend"},
    "en": {"all": "all of", "any": "at least one of", "not": "not:", "always": "always",
           "is": "is", "in": "is one of", "contains": "includes", True: "yes", False: "no",
           "yes": "yes", "no": "no", "unknown": "unknown"},
}


def _value(rs: RuleSet, fact: str, value: Any, lang: str) -> str:
    labels = rs.facts[fact].value_labels
    if str(value) in labels and not isinstance(value, bool):
        return labels[str(value)][lang]
    return str(_WORDS[lang].get(value, value))


def describe(rs: RuleSet, condition: Condition, lang: str = "nl") -> Any:
    """A condition in words: a string, or (heading, [parts]) for all/any (rendered as a nested list)."""
    lang = "en" if lang.startswith("en") else "nl"
    w = _WORDS[lang]
    op = condition[0]
    if op == "always":
        return w["always"]
    if op in ("all", "any"):
        return (w[op], [describe(rs, c, lang) for c in condition[1]])
    if op == "not":
        inner = describe(rs, condition[1], lang)
        return f"{w['not']} {inner}" if isinstance(inner, str) else (w["not"], [inner])
    fact = rs.facts[condition[1]]
    label = fact.label[lang].lower() if lang == "nl" else fact.label[lang]
    if op == "in":
        values = ", ".join(_value(rs, fact.name, v, lang) for v in condition[2])
        return f"{label} {w['in']}: {values}"
    return f"{label} {w[op]} {_value(rs, fact.name, condition[2], lang)}"
