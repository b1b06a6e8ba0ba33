"""The Algemene termijnenwet calendar: its holidays, working days and the art. 1 extension.

Art. 3(1) Atw lists the generally recognised holidays (algemeen erkende feestdagen): New Year's Day,
Easter Monday, Whit Monday, Christmas Day and Boxing Day, Ascension Day, the day on which the King's
birthday is celebrated, and 5 May. Good Friday is *not* one. The King's birthday is celebrated on 27 April,
or on 26 April when the 27th is a Sunday (Besluit viering Koningsdag). 5 May counts every year (art. 3(1)
Atw names "de vijfde mei" without a condition).

Art. 1(1) Atw: a statutory period that ends on a Saturday, Sunday or such a holiday is extended to the next
day that is none of these.

The current rules are applied to every year; the engine is meant for dates from 2014 on (before that the
Queen's birthday was 30 April).

Sources: https://wetten.overheid.nl/BWBR0002448 (Algemene termijnenwet), art. 1 and art. 3.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

MIN_YEAR = 1583  # the Gregorian computus holds from 1583
MAX_YEAR = 9999


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} outside {MIN_YEAR}..{MAX_YEAR}")
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def kings_day(year: int) -> date:
    """The day the King's birthday is celebrated: 27 April, or 26 April when the 27th is a Sunday."""
    day = date(year, 4, 27)
    return day - timedelta(days=1) if day.weekday() == 6 else day


@lru_cache(maxsize=512)
def atw_holidays(year: int) -> dict[date, str]:
    """The art. 3 Atw holidays of ``year``: date → English name (stable codes are the names)."""
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1): "New Year's Day",
        easter + timedelta(days=1): "Easter Monday",
        kings_day(year): "King's Day",
        date(year, 5, 5): "Liberation Day",
        easter + timedelta(days=39): "Ascension Day",
        easter + timedelta(days=50): "Whit Monday",
        date(year, 12, 25): "Christmas Day",
        date(year, 12, 26): "Boxing Day",
    }
    # Ascension Day (Easter + 39, a Thursday) can fall on 5 May (e.g. 2016); keep one entry per day.
    if easter + timedelta(days=39) == date(year, 5, 5):
        days[date(year, 5, 5)] = "Ascension Day and Liberation Day"
    return dict(sorted(days.items()))


def is_atw_holiday(day: date) -> bool:
    return day in atw_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an art. 3 Atw holiday."""
    return day.weekday() < 5 and not is_atw_holiday(day)


def move_past_closed_days(day: date) -> date:
    """Art. 1 Atw: a period ending on a Saturday, Sunday or holiday ends on the next day that is none."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
