from __future__ import annotations

import datetime
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet

from vangnet.audit.models import ProcessingLogEntry


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@dataclass
class LogFilter:
    case: str = ""  # a case number (VN-…) or signal number (S-…), searched as the case's pseudonym
    pseudonym: str = ""
    trace_id: str = ""
    actor: str = ""
    organisation: str = ""
    activity: str = ""
    action: str = ""
    date_from: str = ""
    date_to: str = ""

    @classmethod
    def from_query(cls, params: Any) -> LogFilter:
        return cls(**{f.name: (params.get(f.name) or "").strip()[:64] for f in fields(cls)})

    def querystring(self) -> str:
        return urlencode({k: v for k, v in self.__dict__.items() if v})


def pseudonym_for_number(number: str) -> str:
    """The pseudonym of the case with this case number or signal number ("" when there is none)."""
    from vangnet.cases.models import Case

    number = number.strip().upper()
    if not number:
        return ""
    case = Case.objects.filter(reference=number).only("pseudonym").first()
    if case is None:
        case = Case.objects.filter(signals__reference=number).only("pseudonym").first()
    return case.pseudonym if case else ""


def search_log(f: LogFilter) -> QuerySet[ProcessingLogEntry]:
    entries = ProcessingLogEntry.objects.select_related("activity", "legal_basis", "organisation")
    if f.case:
        pseudonym = pseudonym_for_number(f.case)
        if not pseudonym:
            return entries.none()
        entries = entries.filter(subject_pseudonym=pseudonym)
    if f.pseudonym:
        entries = entries.filter(subject_pseudonym=f.pseudonym)
    if f.trace_id:
        entries = entries.filter(trace_id=f.trace_id)
    if f.actor:
        entries = entries.filter(actor_label__icontains=f.actor)
    if f.organisation.isdigit():
        entries = entries.filter(organisation_id=int(f.organisation))
    if f.activity:
        entries = entries.filter(activity__code=f.activity)
    if f.action:
        entries = entries.filter(action=f.action)
    start, end = _date(f.date_from), _date(f.date_to)
    if start:
        entries = entries.filter(at__date__gte=start)
    if end:
        entries = entries.filter(at__date__lte=end)
    return entries.order_by("-at")
