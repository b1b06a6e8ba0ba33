"""The retention schedule as data (``lifecycle/data/retention.yaml``): load, validate, compute cut-offs.

No database access here, so the system check and the dry-run report share one reading of the file.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from vangnet.core.i18n import localised
from vangnet.core.reference_data import read_yaml

SCHEDULE_FILE = Path(__file__).resolve().parent / "data" / "retention.yaml"

#: Every category the schedule must hold (issue 11); a file without one of them is refused at start.
REQUIRED_CATEGORIES = (
    "signal", "case", "identity", "free_text_account", "consultation", "idempotency", "draft",
    "processing_log", "security_log",
)
ACTIONS = ("anonymise", "delete")
STARTS = ("case_closed", "asked", "created", "last_change", "request_closed")
PERIOD_UNITS = ("years", "months", "days")


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    years: int = 0
    months: int = 0
    days: int = 0

    def before(self, moment: datetime.datetime) -> datetime.datetime:
        """``moment`` minus this period, calendar-aware (29 February falls back to 28 February)."""
        month_index = moment.month - 1 - self.months - 12 * self.years
        year, month = moment.year + month_index // 12, month_index % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        return moment.replace(year=year, month=month, day=day) - datetime.timedelta(days=self.days)

    def __str__(self) -> str:
        return ", ".join(f"{getattr(self, unit)} {unit}" for unit in PERIOD_UNITS if getattr(self, unit))


@dataclass(frozen=True)
class Category:
    code: str
    name_nl: str
    name_en: str
    model: str
    start: str
    period: Period
    action: str
    article: str
    text_nl: str
    text_en: str
    date_field: str = ""

    @property
    def name(self) -> str:
        return localised(self.name_nl, self.name_en)

    @property
    def text(self) -> str:
        return localised(self.text_nl, self.text_en)

    def cutoff(self, now: datetime.datetime) -> datetime.datetime:
        return self.period.before(now)


@dataclass(frozen=True)
class Schedule:
    version: str
    categories: tuple[Category, ...]

    def get(self, code: str) -> Category:
        for category in self.categories:
            if category.code == code:
                return category
        raise KeyError(code)


def parse(data: Any) -> Schedule:
    """Turn the YAML document into a ``Schedule``; every problem raises ``ScheduleError`` with its place."""
    if not isinstance(data, dict) or not data.get("version") or not isinstance(data.get("categories"), list):
        raise ScheduleError("the schedule needs a 'version' and a list of 'categories'")
    categories: list[Category] = []
    for index, raw in enumerate(data["categories"]):
        where = f"categories[{index}]"
        if not isinstance(raw, dict):
            raise ScheduleError(f"{where} is not a mapping")
        code = raw.get("code")
        where = f"category {code or index!r}"
        for key in ("code", "name", "model", "from", "period", "action", "legal_source"):
            if not raw.get(key):
                raise ScheduleError(f"{where}: '{key}' is missing")
        if raw["action"] not in ACTIONS:
            raise ScheduleError(f"{where}: action must be one of {', '.join(ACTIONS)}")
        if raw["from"] not in STARTS:
            raise ScheduleError(f"{where}: 'from' must be one of {', '.join(STARTS)}")
        period_raw = raw["period"]
        if not isinstance(period_raw, dict) or set(period_raw) - set(PERIOD_UNITS):
            raise ScheduleError(f"{where}: period takes only {', '.join(PERIOD_UNITS)}")
        if not all(isinstance(v, int) and v >= 0 for v in period_raw.values()) or not any(period_raw.values()):
            raise ScheduleError(f"{where}: the period must be a positive whole number of years, months or days")
        legal = raw["legal_source"]
        name = raw["name"]
        for part, keys in ((legal, ("article", "nl", "en")), (name, ("nl", "en"))):
            if not isinstance(part, dict) or not all(part.get(k) for k in keys):
                raise ScheduleError(f"{where}: needs {', '.join(keys)} in name and legal_source")
        if "." not in str(raw["model"]):
            raise ScheduleError(f"{where}: model must be 'app_label.ModelName'")
        categories.append(Category(
            code=code, name_nl=name["nl"], name_en=name["en"], model=raw["model"], start=raw["from"],
            period=Period(**period_raw), action=raw["action"], article=legal["article"], text_nl=legal["nl"],
            text_en=legal["en"], date_field=raw.get("date_field", ""),
        ))
    codes = [c.code for c in categories]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ScheduleError(f"categories appear twice: {', '.join(duplicates)}")
    missing = [c for c in REQUIRED_CATEGORIES if c not in codes]
    if missing:
        raise ScheduleError(f"categories missing from the schedule: {', '.join(missing)}")
    return Schedule(version=str(data["version"]), categories=tuple(categories))


def load(path: Path = SCHEDULE_FILE) -> Schedule:
    try:
        return parse(read_yaml(path))
    except OSError as exc:
        raise ScheduleError(f"cannot read {path}: {exc}") from exc


@lru_cache(maxsize=1)
def schedule() -> Schedule:
    return load()
