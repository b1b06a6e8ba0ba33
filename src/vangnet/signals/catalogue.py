"""The indicator catalogue: ``signals/data/indicators.yaml`` synced into the database.

The file is versioned (``version``). Indicators that leave the file are deactivated, not deleted, so
old signals keep the indicators they were registered with; each signal stores the catalogue version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vangnet.core.reference_data import read_yaml, upsert

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "indicators.yaml"


@dataclass(frozen=True)
class CatalogueInfo:
    version: str
    valid_from: str
    sources: tuple[str, ...]


@lru_cache(maxsize=1)
def catalogue_info(path: Path = CATALOGUE_FILE) -> CatalogueInfo:
    data = read_yaml(path)
    return CatalogueInfo(str(data["version"]), str(data.get("valid_from", "")), tuple(data.get("sources", [])))


def sync_catalogue(path: Path = CATALOGUE_FILE) -> dict[str, int]:
    from vangnet.signals.models import ExploitationForm, Indicator

    data = read_yaml(path)
    version = str(data["version"])
    forms: list[ExploitationForm] = []
    subtypes: list[ExploitationForm] = []
    order = 0
    for form in data["forms"]:
        order += 1
        forms.append(ExploitationForm(code=form["code"], name_nl=form["name"]["nl"], name_en=form["name"]["en"],
                                      order=order * 10))
        for sub in form.get("subtypes", []) or []:
            order += 1
            subtypes.append(ExploitationForm(code=sub["code"], name_nl=sub["name"]["nl"],
                                             name_en=sub["name"]["en"], parent_id=form["code"], order=order * 10))
    upsert(ExploitationForm, forms, "code")
    upsert(ExploitationForm, subtypes, "code")
    indicators: list[Indicator] = []
    order = 0
    for group in data["indicator_groups"]:
        for item in group["indicators"]:
            order += 1
            indicators.append(Indicator(code=item["code"], group=group["form"], text_nl=item["nl"],
                                        text_en=item["en"], catalogue_version=version, active=True, order=order))
    upsert(Indicator, indicators, "code")
    Indicator.objects.exclude(code__in=[i.code for i in indicators]).update(active=False)
    catalogue_info.cache_clear()
    return {"forms": len(forms) + len(subtypes), "indicators": len(indicators)}
