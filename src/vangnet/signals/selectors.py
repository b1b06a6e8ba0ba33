from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from vangnet.signals.models import Signal


def own_signals(user: Any, *, scope: str = "mine") -> QuerySet[Signal]:
    """The signals a reporter made (or, with scope 'organisation', their organisation made).

    Only non-identifying columns are loaded: the list shows no names.
    """
    queryset = Signal.objects.select_related("case", "municipality").prefetch_related("forms").only(
        "reference", "submitted_at", "observed_on", "immediate_danger", "municipality__name", "case__reference",
        "case__status", "case__urgency", "reporter_label", "reporting_organisation_id", "reporter_id",
    )
    if scope == "organisation":
        return queryset.filter(reporting_organisation_id=user.organisation_id)
    return queryset.filter(reporter_id=user.pk)
