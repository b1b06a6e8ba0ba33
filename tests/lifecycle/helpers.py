from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from tests.conftest import signal_input
from vangnet.audit.context import processing_context
from vangnet.cases.models import Case
from vangnet.signals.services import register_signal


def new_signal(user: Any, **overrides: Any) -> Any:
    with processing_context(actor=user):
        return register_signal(signal_input(**overrides), organisation=user.organisation, actor=user)


def close_case(case: Case, *, years_ago: float = 0, person_key: str | None = None) -> Case:
    """Test set-up: mark a case closed at a moment in the past (the services under test read closed_at)."""
    closed_at = timezone.now() - datetime.timedelta(days=365.25 * years_ago)
    values: dict[str, Any] = {"status": "closed", "closed_at": closed_at, "close_reason": "care_completed"}
    if person_key is not None:
        values["person_key"] = person_key
    Case.objects.filter(pk=case.pk).update(**values)
    case.refresh_from_db()
    return case


def years_later(years: int) -> datetime.datetime:
    """The clock moved forward by whole years (what the retention run is given as 'now')."""
    return timezone.now() + datetime.timedelta(days=round(365.25 * years))
