"""Demo prostitution controls: last year and this year up to today, for the municipalities with a target.

Each municipality gets its own pace (some meet their target, some do not) and its own habit of checking
the uniform indicators, so the report has something to show. Controls of police organisations link a few
of that organisation's signals about sexual exploitation.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from vangnet.accounts.models import Organisation, OrganisationType, User
from vangnet.controls.models import Control, LocationKind
from vangnet.controls.services import register_control
from vangnet.controls.targets import load
from vangnet.regions.models import Municipality
from vangnet.signals.models import Indicator, Signal

KIND_WEIGHTS = {LocationKind.WINDOW: 4, LocationKind.CLUB: 3, LocationKind.ESCORT_HOTEL: 3, LocationKind.HOME: 2,
                LocationKind.MASSAGE: 2, LocationKind.ONLINE: 3}


def _registrar(municipality: Municipality) -> tuple[Organisation, Any] | None:
    orgs = Organisation.objects.filter(is_active=True)
    org = (orgs.filter(type=OrganisationType.MUNICIPALITY, municipality=municipality).first()
           or orgs.filter(type=OrganisationType.POLICE, region_id=municipality.police_unit_id).first())
    if org is None:
        return None
    user = User.objects.filter(organisation=org, is_active=True).first()
    if user is None:
        user, _ = User.objects.get_or_create(
            username=f"gen.controls.{municipality.cbs_code.lower()}",
            defaults={"organisation": org, "role": "reporter", "first_name": "Toezicht", "last_name": "(demo)"})
    return org, user


def create_controls(seed: int = 2026) -> int:
    if Control.objects.exists():
        return 0
    rng = random.Random(seed)
    targets = load()
    today = timezone.localdate()
    catalogue = list(Indicator.objects.filter(active=True, group__in=["general", "sexual"]).order_by("order"))
    uniform = [i for i in catalogue if i.code in set(targets.uniform_indicators)]
    made = 0
    for year in (today.year - 1, today.year):
        start = datetime.date(year, 1, 1)
        end = min(datetime.date(year, 12, 31), today)
        share_of_year = ((end - start).days + 1) / 365
        for code, target in sorted(targets.for_year(year).items()):
            municipality = Municipality.objects.get(pk=code)
            found = _registrar(municipality)
            if found is None:
                continue
            org, user = found
            pace = rng.uniform(0.45, 1.3)
            habit = rng.uniform(0.35, 0.95)  # how often a uniform indicator is checked here
            own_signals = list(Signal.objects.filter(reporting_organisation=org, forms__code="sexual")
                               .values_list("pk", flat=True)[:40])
            for _i in range(round(target * pace * share_of_year)):
                day = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
                checked = [i for i in uniform if rng.random() < habit]
                checked += [i for i in catalogue if i not in uniform and rng.random() < 0.15]
                raised = rng.sample(own_signals, k=1) if own_signals and rng.random() < 0.12 else []
                register_control(
                    user=user, municipality=municipality, performed_on=day,
                    location_kind=rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0],
                    workers_spoken=rng.randint(0, 9), indicators=checked,
                    signals=Signal.objects.filter(pk__in=raised),
                )
                made += 1
    return made
