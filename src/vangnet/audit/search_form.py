"""The search form shared by the processing log and the security log (one template: audit/_search_form.html).

A view describes its fields; the include renders them the same way on both pages (labels, hints, selected
options), so the two forms cannot drift apart."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class SearchField:
    id: str
    name: str
    label: str
    value: str = ""
    kind: str = "text"  # text | date | select
    hint: str = ""
    options: list[Option] = field(default_factory=list)


def text(id_: str, name: str, label: Any, value: Any, hint: Any = "") -> SearchField:
    return SearchField(id=id_, name=name, label=str(label), value=str(value or ""), hint=str(hint))


def date(id_: str, name: str, label: Any, value: Any) -> SearchField:
    return SearchField(id=id_, name=name, label=str(label), value=str(value or ""), kind="date")


def select(id_: str, name: str, label: Any, value: Any, choices: Iterable[tuple[Any, Any]]) -> SearchField:
    current = str(value or "")
    return SearchField(id=id_, name=name, label=str(label), value=current, kind="select",
                       options=[Option(str(v), str(lbl), str(v) == current) for v, lbl in choices])
