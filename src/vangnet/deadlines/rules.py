"""Named deadline rules with their legal source. Procedures (data) refer to these names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vangnet.deadlines.periods import Period


class UnknownRule(LookupError):
    pass


@dataclass(frozen=True)
class Rule:
    code: str
    period: Period
    description: str
    source: str

    def due(self, start: date) -> date:
        return self.period.end(start)


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "reflection-period", Period(3, "months"),
            "Reflection period: start + 3 calendar months, extended by art. 1 Atw.",
            "Vreemdelingencirculaire 2000, B8/3.1 (bedenktijd van ten hoogste drie maanden); "
            "Algemene termijnenwet art. 1 and 3",
        ),
        Rule(
            "dublin-report-assessment", Period(20, "working_days"),
            "Assessment of a Dublin claimant's police report: 20 working days (4 working weeks) after the start.",
            "Kamerbrief aanpak mensenhandel (Dublinclaimanten: beoordeling aangifte binnen vier werkweken); "
            "Algemene termijnenwet art. 3",
        ),
        Rule(
            "b8-permit-decision", Period(90, "days"),
            "IND decides on an application for a residence permit (B8/3 included) within 90 days.",
            "Vreemdelingenwet 2000 art. 25(1) (beslistermijn negentig dagen); Algemene termijnenwet art. 1",
        ),
        Rule(
            "b8-permit-renewal", Period(11, "months"),
            "Working agreement: apply for renewal a month before the B8/3 permit (granted for at most one year) ends.",
            "Vreemdelingencirculaire 2000 B8/3.1 (vergunning telkens voor ten hoogste een jaar); "
            "Algemene termijnenwet art. 1",
        ),
        Rule(
            "guardian-request", Period(5, "working_days"),
            "Working agreement: request Nidos to take up temporary guardianship of a minor without parents here.",
            "Burgerlijk Wetboek boek 1 art. 302(2) (Nidos als voogdijinstelling); Algemene termijnenwet art. 3",
        ),
    )
}


def get_rule(code: str) -> Rule:
    try:
        return RULES[code]
    except KeyError:
        known = ", ".join(sorted(RULES))
        raise UnknownRule(f"unknown rule {code!r}; known rules: {known}") from None


def compute(code: str, start: date) -> date:
    return get_rule(code).due(start)
