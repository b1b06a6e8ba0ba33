"""The information point's content as data: regional desks (``data/desks.yaml``) and the step-by-step
guide (``data/guide.yaml``). Loaded once and checked (every region has a desk, every guide node is
reachable and every path ends in advice)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language

from vangnet.core.i18n import active_language

DATA = Path(__file__).resolve().parent / "data"


class ContentError(ValueError):
    pass



def _read(name: str) -> Any:
    with (DATA / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass(frozen=True)
class Desk:
    code: str
    name: dict[str, str]
    phone: str
    email: str = ""
    hours: dict[str, str] | None = None
    when: dict[str, str] | None = None
    demo: bool = False

    def localised(self) -> dict[str, Any]:
        la = active_language()
        return {"code": self.code, "name": self.name[la], "phone": self.phone, "email": self.email,
                "hours": (self.hours or {}).get(la, ""), "when": (self.when or {}).get(la, ""), "demo": self.demo,
                "tel": "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")}


@dataclass(frozen=True)
class Desks:
    version: str
    demo: bool
    national: dict[str, Desk]
    regions: dict[str, Desk]


@lru_cache(maxsize=1)
def desks() -> Desks:
    data = _read("desks.yaml")
    national = {d["code"]: Desk(d["code"], d["name"], str(d["phone"]), when=d.get("when"),
                                demo=bool(d.get("demo"))) for d in data["national"]}
    if any(not isinstance(code, str) for code in data["regions"]):
        raise ContentError("desks.yaml: quote the region codes (a bare ON is read as true)")
    regions = {code: Desk(code, d["name"], str(d["phone"]), d.get("email", ""), d.get("hours"),
                          demo=bool(data.get("demo")))
               for code, d in data["regions"].items()}
    return Desks(str(data["version"]), bool(data.get("demo")), national, regions)


@lru_cache(maxsize=1)
def guide() -> dict[str, Any]:
    data = _read("guide.yaml")
    check_guide(data)
    return data


def check_guide(data: dict[str, Any]) -> None:
    nodes = data["nodes"]
    national = set(desks().national)
    if data["start"] not in nodes:
        raise ContentError("start node missing")
    for key, node in nodes.items():
        is_question = "options" in node
        if is_question == ("advice" in node):
            raise ContentError(f"{key}: a node is either a question (options) or advice")
        for text in [node.get("title"), node.get("question"), node.get("text"),
                     *[o["label"] for o in node.get("options", [])], *node.get("advice", [])]:
            if text is not None and not (text.get("nl") and text.get("en")):
                raise ContentError(f"{key}: every text needs nl and en")
        for option in node.get("options", []):
            if option["next"] not in nodes:
                raise ContentError(f"{key}: unknown next node {option['next']!r}")
        for code in node.get("national", []):
            if code not in national:
                raise ContentError(f"{key}: unknown national number {code!r}")
    # reachable, and no loops (every path ends in advice)
    seen: set[str] = set()

    def visit(key: str, path: tuple[str, ...]) -> None:
        if key in path:
            raise ContentError(f"loop in the guide: {' -> '.join((*path, key))}")
        seen.add(key)
        for option in nodes[key].get("options", []):
            visit(option["next"], (*path, key))

    visit(data["start"], ())
    unreachable = set(nodes) - seen
    if unreachable:
        raise ContentError(f"unreachable guide nodes: {sorted(unreachable)}")


@lru_cache(maxsize=1)
def guide_translations() -> dict[str, dict[str, Any]]:
    """Per public language, the guide's texts from ``data/languages/<code>.yaml`` (``guide:``), checked
    against the guide: known nodes and fields, no more options or advice than the node has."""
    from vangnet.infopoint.catalogues import languages

    nodes = guide()["nodes"]
    result: dict[str, dict[str, Any]] = {}
    for language in languages():
        for key, fields in language.guide.items():
            if key not in nodes:
                raise ContentError(f"{language.code}.yaml: unknown guide node {key!r}")
            for name, value in fields.items():
                if name in ("options", "advice"):
                    if not isinstance(value, list) or len(value) > len(nodes[key].get(name, [])):
                        raise ContentError(f"{language.code}.yaml: {key}.{name} does not match the guide")
                elif name not in ("title", "question", "text") or not nodes[key].get(name):
                    raise ContentError(f"{language.code}.yaml: {key}.{name} is not a text of the guide")
        result[language.code] = language.guide
    return result


def node(key: str) -> dict[str, Any] | None:
    raw = guide()["nodes"].get(key)
    if raw is None:
        return None
    la = active_language()
    overlay = guide_translations().get((get_language() or "nl")[:2], {}).get(key, {})

    def t(value: Any, name: str = "", index: int | None = None) -> str:
        translated = overlay.get(name)
        if index is not None:
            translated = translated[index] if isinstance(translated, list) and index < len(translated) else None
        if translated:
            return str(translated)
        return value[la] if value else ""

    return {
        "key": key, "title": t(raw.get("title"), "title"), "text": t(raw.get("text"), "text"),
        "question": t(raw.get("question"), "question"),
        "options": [{"next": o["next"], "label": t(o["label"], "options", i)}
                    for i, o in enumerate(raw.get("options", []))],
        "advice": [t(a, "advice", i) for i, a in enumerate(raw.get("advice", []))],
        "national": [desks().national[c].localised() for c in raw.get("national", [])],
        "desks": bool(raw.get("desks")), "question_form": bool(raw.get("question_form")),
        "is_advice": "advice" in raw,
    }
