"""The case's next deadline, asked through an interface the case owns.

``cases`` does not import the apps that keep deadlines (procedures). Such an app registers, in its
``AppConfig.ready``, a provider that returns a query expression giving, for ``OuterRef("pk")`` of a
``Case`` queryset, the date of that case's next open deadline (or NULL). The worklist, the start page
and the case summary annotate with it, so they can show, sort and filter on it in one query.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import BooleanField, Case, DateField, Expression, QuerySet, Value, When

NextDeadlineProvider = Callable[[], Expression]

_provider: NextDeadlineProvider | None = None


def register_next_deadline(provider: NextDeadlineProvider) -> None:
    global _provider
    _provider = provider


def next_deadline_expression() -> Expression:
    """An expression for the next open deadline date of ``OuterRef('pk')``; NULL when none is kept."""
    if _provider is None:
        return Value(None, output_field=DateField())
    return _provider()


def with_next_deadline(cases: QuerySet) -> QuerySet:
    """Annotate a Case queryset with ``next_deadline`` (a date or None)."""
    return cases.annotate(next_deadline=next_deadline_expression())


def cases_by_next_deadline(cases: QuerySet, *, today: datetime.date, horizon_days: int) -> QuerySet:
    """The cases whose next open deadline has passed or ends within ``horizon_days`` of ``today``:
    overdue ones first (oldest first), then the coming ones in date order. Each row has ``next_deadline``
    and ``deadline_overdue`` (True when the deadline is before ``today``)."""
    horizon = today + datetime.timedelta(days=horizon_days)
    return (with_next_deadline(cases).filter(next_deadline__isnull=False, next_deadline__lte=horizon)
            .annotate(deadline_overdue=Case(When(next_deadline__lt=today, then=Value(True)), default=Value(False),
                                            output_field=BooleanField()))
            .order_by("next_deadline", "pk"))
