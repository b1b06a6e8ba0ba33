"""Periods: calendar days, weeks and months, and working days, with or without the art. 1 Atw extension."""

from __future__ import annotations

import calendar as _stdcalendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from vangnet.deadlines.calendar import is_working_day, move_past_closed_days

Unit = Literal["days", "weeks", "months", "working_days"]
UNITS: tuple[Unit, ...] = ("days", "weeks", "months", "working_days")
_UNIT_WORDS: dict[str, Unit] = {
    "day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "month": "months", "months": "months",
    "working day": "working_days", "working days": "working_days",
}
_PERIOD_RE = re.compile(r"^\s*(\d{1,4})\s+([a-z ]+?)\s*$")


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months`` calendar months: the same day of the month, else that month's last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _stdcalendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (the start day itself does not count)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


@dataclass(frozen=True)
class Period:
    """``amount`` of ``unit`` after a start date; ``atw_extension`` applies art. 1 Atw to the end."""

    amount: int
    unit: Unit
    atw_extension: bool = True

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}; expected one of {', '.join(UNITS)}")
        if self.amount < 0:
            raise ValueError("a period cannot be negative")

    def end(self, start: date) -> date:
        if self.unit == "working_days":
            # a working-day period always ends on a working day; art. 1 has nothing to move
            return add_working_days(start, self.amount)
        if self.unit == "months":
            due = add_months(start, self.amount)
        else:
            due = start + timedelta(days=self.amount * (7 if self.unit == "weeks" else 1))
        return move_past_closed_days(due) if self.atw_extension else due

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.replace('_', ' ')}"


def parse_period(text: str, *, atw_extension: bool = True) -> Period:
    """Parse "3 months", "20 working days", "1 week", "14 days"."""
    match = _PERIOD_RE.match(text.lower())
    unit = _UNIT_WORDS.get(match.group(2)) if match else None
    if match is None or unit is None:
        raise ValueError(f"not a period: {text!r} (expected e.g. '3 months', '20 working days')")
    return Period(int(match.group(1)), unit, atw_extension)
