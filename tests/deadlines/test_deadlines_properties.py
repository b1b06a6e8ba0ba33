"""Property tests of the deadline engine (hypothesis)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from vangnet.deadlines import (
    Period,
    add_months,
    add_working_days,
    atw_holidays,
    compute,
    easter_sunday,
    is_atw_holiday,
    is_working_day,
    move_past_closed_days,
    parse_period,
)

dates = st.dates(min_value=date(2014, 1, 1), max_value=date(2200, 12, 31))


def _closed(day: date) -> bool:
    return day.weekday() >= 5 or is_atw_holiday(day)


def _easter_gauss(year: int) -> date:
    """Gauss's Easter algorithm with the Gregorian corrections — a second, independent computus."""
    a, b, c = year % 19, year % 4, year % 7
    k = year // 100
    p = (13 + 8 * k) // 25
    q = k // 4
    m = (15 - p + k - q) % 30
    n = (4 + k - q) % 7
    d = (19 * a + m) % 30
    e = (2 * b + 4 * c + 6 * d + n) % 7
    if d == 29 and e == 6:
        return date(year, 4, 19)
    if d == 28 and e == 6 and (11 * m + 11) % 30 < 19:
        return date(year, 4, 18)
    return date(year, 3, 22) + timedelta(days=d + e)


@given(st.integers(min_value=1583, max_value=4099))
def test_easter_agrees_with_gauss_and_is_a_sunday_in_range(year):
    easter = easter_sunday(year)
    assert easter == _easter_gauss(year)
    assert easter.weekday() == 6
    assert date(year, 3, 22) <= easter <= date(year, 4, 25)


@given(st.integers(min_value=2014, max_value=3000))
def test_holidays_of_a_year(year):
    days = atw_holidays(year)
    easter = easter_sunday(year)
    assert len(days) in (7, 8)
    assert all(d.year == year for d in days)
    assert easter - timedelta(days=2) not in days  # Good Friday never
    assert easter + timedelta(days=1) in days and easter + timedelta(days=50) in days
    king = [d for d, name in days.items() if "King" in name]
    assert len(king) == 1 and king[0].weekday() != 6 and king[0] in (date(year, 4, 26), date(year, 4, 27))
    assert (king[0] == date(year, 4, 26)) == (date(year, 4, 27).weekday() == 6)


@given(dates)
def test_reflection_period(start):
    raw = add_months(start, 3)
    due = compute("reflection-period", start)
    assert (raw.year * 12 + raw.month) - (start.year * 12 + start.month) == 3
    assert raw.day == min(start.day, calendar.monthrange(raw.year, raw.month)[1])
    assert due >= raw and not _closed(due)
    # art. 1 moves only past closed days: every day from raw up to (not incl.) due is closed
    assert all(_closed(raw + timedelta(days=i)) for i in range((due - raw).days))
    assert (due - raw).days <= 4  # at most Christmas + Boxing Day + weekend, or a long weekend


@given(dates)
def test_dublin_assessment_is_twenty_working_days(start):
    due = compute("dublin-report-assessment", start)
    assert is_working_day(due)
    counted = sum(is_working_day(start + timedelta(days=i)) for i in range(1, (due - start).days + 1))
    assert counted == 20
    assert 26 <= (due - start).days <= 40


@given(dates, st.integers(min_value=0, max_value=60))
def test_working_days_are_monotone_and_additive(start, n):
    assert add_working_days(start, n) <= add_working_days(start, n + 1)
    middle = add_working_days(start, n)
    assert add_working_days(middle, 5) == add_working_days(start, n + 5)


@given(dates, dates)
def test_rules_are_monotone_in_the_start(a, b):
    first, second = min(a, b), max(a, b)
    for rule in ("reflection-period", "dublin-report-assessment"):
        assert compute(rule, first) <= compute(rule, second)


@given(dates)
def test_move_past_closed_days_is_idempotent_and_working(day):
    moved = move_past_closed_days(day)
    assert is_working_day(moved) and move_past_closed_days(moved) == moved
    assert (moved == day) == is_working_day(day)


@given(st.integers(min_value=0, max_value=500), st.sampled_from(["days", "weeks", "months", "working days"]))
def test_parse_period_roundtrip(amount, unit):
    period = parse_period(f"{amount} {unit}")
    assert period == Period(amount, unit.replace(" ", "_"))  # type: ignore[arg-type]
    assert parse_period(str(period)) == period
