"""A small hand-made registry for the figures (years Y1 and Y2 before the current one).

Person A (identified): two signals in Y1, by the police and by an NGO (same name: one cluster).
Two anonymous signals in Y1 by the police. Person B (identified) in Y2 by the labour inspectorate,
labour exploitation, met in Rotterdam. Person C (identified, 16) in Y2 by the police, criminal exploitation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import signal_input
from tests.factories import OrganisationFactory
from vangnet.accounts.models import OrganisationType
from vangnet.audit.context import processing_context
from vangnet.cases import services as case_services
from vangnet.core.models import Country
from vangnet.persons.services import link_all
from vangnet.regions.models import Municipality
from vangnet.signals.models import ExploitationForm
from vangnet.signals.services import register_signal
from vangnet.statistics.selectors import Filters

Y2 = timezone.localdate().year - 1
Y1 = Y2 - 1


def at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 12, 0))


@dataclass
class Registry:
    signals: dict[str, Any]
    filters: Filters


@pytest.fixture
def registry(cast: Any) -> Registry:
    police, ngo = cast.reporter.organisation, cast.outsider.organisation
    labour = OrganisationFactory(name="Arbeidsinspectie (test)", type=OrganisationType.LABOUR_INSPECTORATE,
                                 municipality_id="GM0599", region_id=None)
    anonymous = {"is_identified": False, "given_names": "", "family_name": "", "birth_date": None,
                 "estimated_age": 30, "gender": "unknown", "nationality": None}
    plan = {
        "a1": (police, at(Y1, 6, 10), {}),
        "a2": (ngo, at(Y1, 9, 10), {}),
        "anon1": (police, at(Y1, 7, 1), anonymous),
        "anon2": (police, at(Y1, 8, 1), anonymous),
        "b": (labour, at(Y2, 3, 1), {
            "given_names": "Jan", "family_name": "Jansen", "birth_date": datetime.date(Y2 - 45, 1, 1),
            "gender": "male", "nationality": Country.objects.get(pk="NL"),
            "forms": [ExploitationForm.objects.get(pk="labour")], "indicators": [],
            "municipality": Municipality.objects.get(pk="GM0599")}),
        "c": (police, at(Y2, 5, 1), {
            "given_names": "Maria", "family_name": "Popescu", "birth_date": datetime.date(Y2 - 16, 1, 1),
            "nationality": Country.objects.get(pk="RO"),
            "forms": [ExploitationForm.objects.get(pk="criminal")], "indicators": []}),
    }
    made = {}
    with processing_context(actor=cast.reporter):
        for key, (organisation, when, overrides) in plan.items():
            data = signal_input(observed_on=when.date(), **overrides)
            made[key] = register_signal(data, organisation=organisation, actor=None, submitted_at=when)
    link_all()
    with processing_context(actor=cast.coordinator):
        case = made["anon1"].case
        case_services.change_status(case.pk, "in_triage", actor=cast.coordinator, at=at(Y1, 7, 2))
        case_services.change_status(case.pk, "closed", actor=cast.coordinator, reason="no_trafficking",
                                    at=at(Y1, 7, 3))
    return Registry(signals=made, filters=Filters(year_from=Y1, year_to=Y2))
