"""The targets file (``controls/data/targets.yaml``): read, validated and cached. No Django models here:
codes are checked against the reference data files, so the check runs before the database exists."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "targets.yaml"
SRC = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Targets:
    version: str
    source: str
    uniform_indicators: tuple[str, ...]
    by_year: dict[int, dict[str, int]] = field(default_factory=dict)

    def for_year(self, year: int) -> dict[str, int]:
        return self.by_year.get(year, {})


class TargetsError(ValueError):
    pass


def _known_codes() -> tuple[set[str], set[str]]:
    with (SRC / "regions" / "data" / "municipalities.csv").open(encoding="utf-8") as fh:
        municipalities = {row["cbs_code"] for row in csv.DictReader(fh)}
    catalogue = yaml.safe_load((SRC / "signals" / "data" / "indicators.yaml").read_text(encoding="utf-8"))
    indicators: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "code" in node and "." in str(node["code"]):
                indicators.add(str(node["code"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(catalogue)
    return municipalities, indicators


def parse(raw: Any) -> Targets:
    """Validate the parsed YAML; every problem is named in the error."""
    if not isinstance(raw, dict):
        raise TargetsError("the targets file must be a mapping")
    problems = []
    for key in ("version", "source", "uniform_indicators", "targets"):
        if key not in raw:
            problems.append(f"missing '{key}'")
    if problems:
        raise TargetsError("; ".join(problems))
    municipalities, indicators = _known_codes()
    uniform = raw["uniform_indicators"]
    if not isinstance(uniform, list) or not uniform:
        problems.append("'uniform_indicators' must be a non-empty list")
        uniform = []
    problems += [f"unknown indicator '{code}'" for code in uniform if code not in indicators]
    by_year: dict[int, dict[str, int]] = {}
    if not isinstance(raw["targets"], dict):
        problems.append("'targets' must map years to municipalities")
    else:
        for year, per_municipality in raw["targets"].items():
            if not isinstance(year, int) or not 2000 <= year <= 2100:
                problems.append(f"'{year}' is not a year")
                continue
            if not isinstance(per_municipality, dict):
                problems.append(f"{year}: expected municipality codes with a number of controls")
                continue
            for code, target in per_municipality.items():
                if code not in municipalities:
                    problems.append(f"{year}: unknown municipality '{code}'")
                elif not isinstance(target, int) or isinstance(target, bool) or target < 0:
                    problems.append(f"{year} {code}: the target must be a whole number of 0 or more")
            by_year[year] = {str(c): int(t) for c, t in per_municipality.items()
                             if isinstance(t, int) and not isinstance(t, bool)}
    if problems:
        raise TargetsError("; ".join(problems))
    return Targets(version=str(raw["version"]), source=str(raw["source"]),
                   uniform_indicators=tuple(uniform), by_year=by_year)


@functools.cache
def load() -> Targets:
    return parse(yaml.safe_load(DATA.read_text(encoding="utf-8")))
