"""Hand-checked due dates around the Atw holidays and month ends.

Every row was worked out by hand from printed calendars (``python3 -m calendar 2026``), counting the days and
marking the art. 3 Atw holidays from public sources (Easter Sunday 2025-04-20, 2026-04-05, 2027-03-28) — not
from the engine. The reasoning is in the comment of each row, so a reviewer can check it against a calendar.
"""

from __future__ import annotations

from datetime import date

import pytest

from vangnet.deadlines import atw_holidays, compute, easter_sunday, is_atw_holiday

D = date.fromisoformat

REFLECTION = [
    # start + 3 months lands on ... → moved by art. 1 Atw to ...
    ("2026-01-06", "2026-04-07"),  # Mon 6 Apr 2026 is Easter Monday → Tue 7 Apr
    ("2026-01-05", "2026-04-07"),  # Sun 5 Apr (Easter Sunday) → Mon 6 Apr Easter Monday → Tue 7 Apr
    ("2026-01-03", "2026-04-03"),  # Fri 3 Apr is Good Friday: NOT an Atw holiday, stays
    ("2026-01-07", "2026-04-07"),  # Tue 7 Apr, an ordinary day
    ("2026-01-27", "2026-04-28"),  # Mon 27 Apr 2026 is King's Day → Tue 28 Apr
    ("2026-02-05", "2026-05-06"),  # Tue 5 May 2026 (Liberation Day, every year) → Wed 6 May
    ("2026-02-14", "2026-05-15"),  # Thu 14 May 2026 is Ascension Day → Fri 15 May
    ("2026-02-25", "2026-05-26"),  # Mon 25 May 2026 is Whit Monday → Tue 26 May
    ("2026-09-24", "2026-12-24"),  # Thu 24 Dec: Christmas Eve is no holiday
    ("2026-09-25", "2026-12-28"),  # Fri 25 Dec Christmas, Sat 26 Boxing Day, Sun 27 → Mon 28 Dec
    ("2026-10-01", "2027-01-04"),  # Fri 1 Jan 2027 New Year, Sat 2, Sun 3 → Mon 4 Jan
    ("2025-11-30", "2026-03-02"),  # no 30 Feb: last day Sat 28 Feb 2026, Sun 1 Mar → Mon 2 Mar
    ("2026-11-30", "2027-03-01"),  # no 30 Feb: Sun 28 Feb 2027 → Mon 1 Mar
    ("2027-11-30", "2028-02-29"),  # 2028 is a leap year: Tue 29 Feb 2028
    ("2026-03-31", "2026-06-30"),  # no 31 June: Tue 30 June
    ("2026-05-31", "2026-08-31"),  # Mon 31 Aug, ordinary
    ("2024-12-31", "2025-03-31"),  # Mon 31 Mar 2025, ordinary (across a year end)
    ("2025-01-26", "2025-04-28"),  # Sat 26 Apr 2025 is King's Day (27th is a Sunday) and Sun 27 → Mon 28
    ("2025-02-05", "2025-05-06"),  # Mon 5 May 2025, Liberation Day → Tue 6 May
    ("2027-02-06", "2027-05-07"),  # Thu 6 May 2027 Ascension Day → Fri 7 May
    ("2027-02-05", "2027-05-07"),  # Wed 5 May 2027 Liberation, Thu 6 Ascension → Fri 7 May
    ("2026-12-05", "2027-03-05"),  # Fri 5 Mar 2027, ordinary
]

DUBLIN = [
    # 20 working days after the start (start day does not count); counted by hand on the calendar
    ("2026-06-01", "2026-06-29"),  # no holidays: Jun 2-5 (4), 8-12 (9), 15-19 (14), 22-26 (19), 29 (20)
    # Apr 21-24 (4), 27 King's Day, 28-30 (7), May 1 (8), 4 (9), 5 Liberation, 6-8 (12), 11-13 (15),
    # 14 Ascension, 15 (16), 18-21 (20)
    ("2026-04-20", "2026-05-21"),
    # Mar 23-27 (5), Mar 30-Apr 3 (10; Good Friday counts), Apr 6 Easter Monday, 7-10 (14), 13-17 (19), 20 (20)
    ("2026-03-20", "2026-04-20"),
    # Dec 15-18 (4), 21-24 (8), 25/26 holidays, 28-31 (12), Jan 1 holiday, Jan 4-8 (17), 11-13 (20)
    ("2026-12-14", "2027-01-13"),
    # start on Whit Monday: May 26-29 (4), Jun 1-5 (9), 8-12 (14), 15-19 (19), 22 (20)
    ("2026-05-25", "2026-06-22"),
    # start on a Saturday: May 4 (1), 5 Liberation, 6-8 (4), 11-13 (7), 14 Ascension, 15 (8), 18-22 (13),
    # 25 Whit Monday, 26-29 (17), Jun 1-3 (20)
    ("2026-05-02", "2026-06-03"),
    # Good Friday 2025: Apr 21 Easter Monday, 22-25 (4), Apr 28-May 2 (9), May 5 Liberation, 6-9 (13),
    # 12-16 (18), 19-20 (20)
    ("2025-04-18", "2025-05-20"),
    # Apr 27 2027 King's Day, 28-30 (3), May 3-4 (5), 5 Liberation, 6 Ascension, 7 (6), 10-14 (11),
    # 17 Whit Monday, 18-21 (15), 24-28 (20)
    ("2027-04-26", "2027-05-28"),
]


@pytest.mark.parametrize(("start", "due"), REFLECTION)
def test_reflection_period_table(start, due):
    assert compute("reflection-period", D(start)) == D(due)


@pytest.mark.parametrize(("start", "due"), DUBLIN)
def test_dublin_assessment_table(start, due):
    assert compute("dublin-report-assessment", D(start)) == D(due)


@pytest.mark.parametrize(
    ("year", "easter"), [(2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"),
                         (2019, "2019-04-21"), (2038, "2038-04-25"), (2285, "2285-03-22")],
)
def test_easter_sunday_known_years(year, easter):
    # 2285 has the earliest possible Easter (22 March), 2038 the latest (25 April)
    assert easter_sunday(year) == D(easter)


def test_holidays_2026_listed_by_hand():
    assert sorted(atw_holidays(2026)) == [
        D("2026-01-01"), D("2026-04-06"), D("2026-04-27"), D("2026-05-05"), D("2026-05-14"),
        D("2026-05-25"), D("2026-12-25"), D("2026-12-26"),
    ]


def test_kings_day_moves_to_saturday_when_27_april_is_a_sunday():
    # 27 April 2025 and 27 April 2031 are Sundays
    assert is_atw_holiday(D("2025-04-26")) and not is_atw_holiday(D("2025-04-27"))
    assert is_atw_holiday(D("2031-04-26")) and not is_atw_holiday(D("2031-04-27"))


def test_good_friday_and_easter_sunday_are_not_atw_holidays():
    assert not is_atw_holiday(D("2026-04-03"))  # Good Friday
    assert not is_atw_holiday(D("2026-04-05"))  # Easter Sunday is a Sunday, not in art. 3


def test_liberation_day_every_year_and_ascension_may_coincide():
    assert all(is_atw_holiday(date(y, 5, 5)) for y in range(2014, 2060))
    # 2016: Ascension Day was 5 May; one day, not two
    assert len(atw_holidays(2016)) == 7 and len(atw_holidays(2026)) == 8
