"""The one write path for controls."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.controls.models import Control
from vangnet.controls.targets import load
from vangnet.regions.models import Municipality
from vangnet.signals.models import Indicator, Signal


def register_control(*, user: Any, municipality: Municipality, performed_on: datetime.date, location_kind: str,
                     workers_spoken: int, indicators: Iterable[Indicator], signals: Iterable[Signal]) -> Control:
    with transaction.atomic():
        control = Control.objects.create(
            municipality=municipality, performed_on=performed_on, location_kind=location_kind,
            workers_spoken=workers_spoken, organisation=user.organisation, registered_by=user,
            targets_version=load().version,
        )
        control.indicators_checked.set(list(indicators))
        control.signals.set(list(signals))
        log_processing("prostitution_control_reporting", Action.CREATE, obj=control, actor=user,
                       fields=["municipality", "performed_on", "location_kind", "workers_spoken",
                               "indicators_checked", "signals"])
    return control
