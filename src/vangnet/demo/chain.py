"""Demo history of the legal track, so the chain and the annual monitor have something to show.

For part of the demo cases: a police report (by the police unit of the case's region), then for some a
case at the Public Prosecution Service, a summons or a dismissal, and for most summonses a verdict; for
some third-country nationals a reflection period. Every step goes through the procedures' services, with
dates that follow the first signal and never lie in the future.
"""

from __future__ import annotations

import datetime
import random

from django.db.models import Min
from django.utils import timezone

from vangnet.accounts.models import Organisation, OrganisationType
from vangnet.cases.models import Case
from vangnet.procedures.models import Procedure
from vangnet.procedures.services import ProcedureRefused, record_step, start_procedure
from vangnet.statistics.opendata import country_groups


def create_chain(seed: int = 2026, share: float = 0.35) -> int:
    """Record legal steps on about ``share`` of the cases that have none yet. Returns the steps recorded."""
    rng = random.Random(seed)
    today = timezone.localdate()
    police = {o.region_id: o for o in Organisation.objects.filter(type=OrganisationType.POLICE)}
    om = Organisation.objects.filter(type=OrganisationType.PUBLIC_PROSECUTOR).first()
    ind = Organisation.objects.filter(type=OrganisationType.IND).first()
    if not police or om is None or ind is None:
        return 0
    busy = set(Procedure.objects.values_list("case_id", flat=True))
    cases = (Case.objects.exclude(pk__in=busy).annotate(first=Min("signals__submitted_at"))
             .order_by("pk").values_list("pk", "region_id", "first", "signals__nationality_id"))
    steps = 0
    seen: set[int] = set()
    for case_id, region, first, nationality in cases:
        if case_id in seen or first is None or region not in police or rng.random() > share:
            seen.add(case_id)
            continue
        seen.add(case_id)
        case = Case.objects.get(pk=case_id)
        start = timezone.localtime(first).date()

        def day(after: datetime.date, low: int, high: int) -> datetime.date | None:
            d = after + datetime.timedelta(days=rng.randint(low, high))
            return d if d <= today else None

        try:
            third_country = nationality and not country_groups().get(nationality, ("", False))[1]
            if third_country and rng.random() < 0.4:
                asked = day(start, 1, 20)
                if asked:
                    reflection = start_procedure(case, "reflection_period", organisation=police[region], on=asked)
                    record_step(reflection.pk, "requested", on=asked, organisation=police[region])
                    granted = day(asked, 2, 14)
                    steps += 1
                    if granted:
                        record_step(reflection.pk, "granted", on=granted, organisation=ind)
                        steps += 1
            filed = day(start, 5, 120)
            if filed is None:
                continue
            report = start_procedure(case, "police_report", organisation=police[region], on=filed)
            record_step(report.pk, "filed", on=filed, organisation=police[region])
            steps += 1
            to_om = day(filed, 60, 400)
            if to_om is None or rng.random() > 0.55:
                continue
            prosecution = start_procedure(case, "prosecution", organisation=police[region], on=to_om)
            decided = day(to_om, 30, 300)
            if decided is None:
                continue
            summoned = rng.random() < 0.6
            record_step(prosecution.pk, "summoned" if summoned else "dismissed", on=decided, organisation=om)
            steps += 1
            verdict = day(decided, 60, 360)
            if summoned and verdict and rng.random() < 0.75:
                record_step(prosecution.pk, "verdict", on=verdict, organisation=om)
                steps += 1
        except ProcedureRefused:  # a date the rules refuse: leave this case's track where it is
            continue
    return steps
