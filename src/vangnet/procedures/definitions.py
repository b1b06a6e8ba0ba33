"""Procedures as data: ``data/procedures.yaml`` loaded, validated and typed.

Validation (at start, through ``manage.py check``): every step cites a known source, names known organisation
types, follows states that exist, opens and closes deadlines the procedure declares, and every deadline names a
rule of the deadline engine. Codes are stored in the database; labels are rendered in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from vangnet.core.i18n import pick
from vangnet.deadlines import UnknownRule, get_rule

PROCEDURES_FILE = Path(__file__).resolve().parent / "data" / "procedures.yaml"
START = "start"


class ProcedureDataError(ValueError):
    pass


@dataclass(frozen=True)
class Source:
    code: str
    title: str
    url: str = ""


@dataclass(frozen=True)
class DeadlineDef:
    code: str
    rule: str
    label_text: dict[str, str]
    source: str

    @property
    def label(self) -> str:
        return pick(self.label_text)

    def due(self, start: date) -> date:
        return get_rule(self.rule).due(start)


@dataclass(frozen=True)
class StepDef:
    code: str
    label_text: dict[str, str]
    from_states: tuple[str, ...]
    to_state: str
    by: frozenset[str]
    source: str
    opens: tuple[str, ...] = ()
    closes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return pick(self.label_text)


@dataclass(frozen=True)
class ProcedureDef:
    code: str
    label_text: dict[str, str]
    source: str
    routes: tuple[str, ...]
    auto_start: bool
    start_by: frozenset[str]
    deadlines: dict[str, DeadlineDef]
    opens: tuple[str, ...]
    final: frozenset[str]
    steps: dict[str, StepDef] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return pick(self.label_text)

    def steps_from(self, state: str) -> list[StepDef]:
        if state in self.final:
            return []
        return [s for s in self.steps.values() if state in s.from_states]

    def allowed(self, state: str, step: str) -> bool:
        return any(s.code == step for s in self.steps_from(state))


@dataclass(frozen=True)
class Procedures:
    version: str
    sources: dict[str, Source]
    procedures: dict[str, ProcedureDef]

    def get(self, code: str) -> ProcedureDef:
        try:
            return self.procedures[code]
        except KeyError:
            raise LookupError(f"unknown procedure {code!r}") from None

    def started_by_route(self, route: str) -> list[ProcedureDef]:
        return [p for p in self.procedures.values() if route in p.routes]


def _text(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not value.get("nl") or not value.get("en"):
        raise ProcedureDataError(f"{where}: a label needs both 'nl' and 'en'")
    return {"nl": str(value["nl"]), "en": str(value["en"])}


def parse(raw: Any, org_types: frozenset[str] | None = None) -> Procedures:
    if not isinstance(raw, dict) or not raw.get("version"):
        raise ProcedureDataError("the file needs a version")
    sources = {code: Source(code, str(s["title"]), str(s.get("url", "")))
               for code, s in (raw.get("sources") or {}).items()}
    procedures: dict[str, ProcedureDef] = {}
    for code, p in (raw.get("procedures") or {}).items():
        where = f"procedure {code}"

        def check_types(types: Any, place: str) -> frozenset[str]:
            values = frozenset(str(t) for t in types or ())
            if not values:
                raise ProcedureDataError(f"{place}: name at least one organisation type")
            if org_types is not None and values - org_types:
                raise ProcedureDataError(f"{place}: unknown organisation types {sorted(values - org_types)}")
            return values

        def check_source(source: Any, place: str) -> str:
            if source not in sources:
                raise ProcedureDataError(f"{place}: unknown source {source!r}")
            return str(source)

        deadlines: dict[str, DeadlineDef] = {}
        for dcode, d in (p.get("deadlines") or {}).items():
            try:
                get_rule(d["rule"])
            except UnknownRule as exc:
                raise ProcedureDataError(f"{where}, deadline {dcode}: {exc}") from None
            deadlines[dcode] = DeadlineDef(dcode, d["rule"], _text(d.get("label"), f"{where}, deadline {dcode}"),
                                           check_source(d.get("source"), f"{where}, deadline {dcode}"))

        def check_deadlines(codes: Any, place: str, deadlines: dict[str, DeadlineDef] = deadlines) -> tuple[str, ...]:
            values = tuple(str(c) for c in codes or ())
            unknown = [c for c in values if c not in deadlines]
            if unknown:
                raise ProcedureDataError(f"{place}: unknown deadlines {unknown}")
            return values

        steps: dict[str, StepDef] = {}
        for scode, s in (p.get("steps") or {}).items():
            place = f"{where}, step {scode}"
            if not s.get("to") or not s.get("from"):
                raise ProcedureDataError(f"{place}: needs 'from' and 'to'")
            steps[scode] = StepDef(
                scode, _text(s.get("label"), place), tuple(str(x) for x in s["from"]), str(s["to"]),
                check_types(s.get("by"), place), check_source(s.get("source"), place),
                check_deadlines(s.get("opens"), place), check_deadlines(s.get("closes"), place),
            )
        if not steps:
            raise ProcedureDataError(f"{where}: has no steps")
        states = {START} | {s.to_state for s in steps.values()}
        for s in steps.values():
            unknown = set(s.from_states) - states
            if unknown:
                raise ProcedureDataError(f"{where}, step {s.code}: follows unknown states {sorted(unknown)}")
        final = frozenset(str(x) for x in p.get("final") or ())
        if not final or final - states:
            raise ProcedureDataError(f"{where}: 'final' must name states its steps reach")
        procedures[code] = ProcedureDef(
            code, _text(p.get("label"), where), check_source(p.get("source"), where),
            tuple(str(r) for r in p.get("routes") or ()), bool(p.get("auto_start", False)),
            check_types(p.get("start_by"), f"{where}, start_by"), deadlines,
            check_deadlines(p.get("opens"), where), final, steps,
        )
    if not procedures:
        raise ProcedureDataError("no procedures")
    return Procedures(str(raw["version"]), sources, procedures)


@lru_cache(maxsize=1)
def load(path: Path = PROCEDURES_FILE) -> Procedures:
    from vangnet.accounts.models import OrganisationType

    with path.open(encoding="utf-8") as fh:
        return parse(yaml.safe_load(fh), frozenset(OrganisationType.values))
