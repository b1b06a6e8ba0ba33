"""The deadline engine: Dutch statutory periods, without Django.

- :mod:`vangnet.deadlines.calendar` — the holidays of the Algemene termijnenwet (Atw, art. 3), Easter by the
  Gregorian computus, working days and the art. 1 extension;
- :mod:`vangnet.deadlines.periods` — calendar periods (days, weeks, months) and working-day periods;
- :mod:`vangnet.deadlines.rules` — named rules (``reflection-period``, ``dublin-report-assessment`` ...) with
  their legal source;
- :mod:`vangnet.deadlines.cli` — ``vangnet deadline RULE DATE ...``.

Layer 1 (see ARCHITECTURE.md): imports only the standard library, so the CLI starts fast and the engine is
tested on its own.
"""

from vangnet.deadlines.calendar import (
    atw_holidays,
    easter_sunday,
    is_atw_holiday,
    is_working_day,
    move_past_closed_days,
)
from vangnet.deadlines.periods import Period, add_months, add_working_days, parse_period
from vangnet.deadlines.rules import RULES, Rule, UnknownRule, compute, get_rule

__all__ = [
    "RULES",
    "Period",
    "Rule",
    "UnknownRule",
    "add_months",
    "add_working_days",
    "atw_holidays",
    "compute",
    "easter_sunday",
    "get_rule",
    "is_atw_holiday",
    "is_working_day",
    "move_past_closed_days",
    "parse_period",
]
