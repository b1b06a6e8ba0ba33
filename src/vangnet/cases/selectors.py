"""Reads on cases: the worklist and the case page, with a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from vangnet.accounts.models import Role
from vangnet.cases.access import visible_cases
from vangnet.cases.deadlines import next_deadline_expression, with_next_deadline
from vangnet.cases.models import Case, CaseEvent, CaseSeen, CaseStatus, Involvement, Urgency
from vangnet.signals.models import Signal

SORTS = {
    "urgency": ("open_rank", "urgency_rank", "-opened_at"),
    "newest": ("-opened_at",),
    "oldest": ("opened_at",),
    "updated": ("-updated_at",),
    "deadline": (F("next_deadline").asc(nulls_last=True), "urgency_rank"),
}
#: filter on the next open deadline (procedures): overdue, due within 7 days, any open deadline
DEADLINE_FILTERS = ("overdue", "week", "any")


@dataclass
class WorklistFilter:
    status: str = ""
    urgency: str = ""
    form: str = ""
    municipality: str = ""
    q: str = ""
    assigned: str = ""  # "" | mine | unassigned
    sort: str = "urgency"
    deadline: str = ""
    scope: str = "lead"  # lead | involved | all (national)

    @classmethod
    def from_query(cls, params: Any, user: Any) -> WorklistFilter:
        f = cls(**{k: (params.get(k) or "").strip() for k in ("status", "urgency", "form", "municipality", "q")})
        f.sort = params.get("sort") if params.get("sort") in SORTS else "urgency"
        default_scope = "all" if user.role == Role.NATIONAL_COORDINATOR else (
            "lead" if user.role == Role.CARE_COORDINATOR else "involved")
        f.scope = params.get("scope") if params.get("scope") in {"lead", "involved", "all"} else default_scope
        if f.scope == "all" and user.role != Role.NATIONAL_COORDINATOR:
            f.scope = default_scope
        if f.status not in CaseStatus.values:
            f.status = ""
        if f.urgency not in Urgency.values:
            f.urgency = ""
        f.deadline = params.get("deadline") if params.get("deadline") in DEADLINE_FILTERS else ""
        f.assigned = params.get("assigned") if params.get("assigned") in {"mine", "unassigned"} else ""
        return f

    def querystring(self) -> str:
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in self.__dict__.items() if v})


class _KnownCountQuerySet(QuerySet[Case]):
    """A queryset whose ``count()`` is already known, so the paginator does not count the cases again.

    Only this very queryset answers from ``known_count``; every derived queryset (the page slice, a further
    filter) is a plain clone that counts in SQL as usual.
    """

    known_count: int | None = None

    def count(self) -> int:
        if self.known_count is not None and self._result_cache is None:
            return self.known_count
        return super().count()


def _with_known_count(queryset: QuerySet[Case], count: int) -> QuerySet[Case]:
    counted = queryset._chain()  # type: ignore[attr-defined]
    counted.__class__ = _KnownCountQuerySet
    counted.known_count = count
    return counted


def worklist(user: Any, f: WorklistFilter) -> tuple[QuerySet[Case], dict[str, int]]:
    """Cases for the user's worklist, and the count per status under the same filters."""
    cases = visible_cases(user)
    if f.scope == "lead":
        cases = cases.filter(lead_organisation_id=user.organisation_id)
    if f.urgency:
        cases = cases.filter(urgency=f.urgency)
    if f.form:
        cases = cases.filter(Q(signals__forms__code=f.form) | Q(signals__forms__parent_id=f.form)).distinct()
    if f.municipality:
        cases = cases.filter(municipality_id=f.municipality)
    if f.assigned == "mine":
        cases = cases.filter(assigned_to_id=user.pk)
    elif f.assigned == "unassigned":
        cases = cases.filter(assigned_to__isnull=True)
    if f.q:
        # a case number or a signal number (both are codes, never personal data)
        term = f.q.upper()
        cases = cases.filter(Q(reference__icontains=term)
                             | Exists(Signal.objects.filter(case_id=OuterRef("pk"), reference__icontains=term)))
    if f.deadline:
        import datetime

        from django.utils import timezone

        today = timezone.localdate()
        cases = cases.alias(next_deadline_filter=next_deadline_expression())
        if f.deadline == "overdue":
            cases = cases.filter(next_deadline_filter__lt=today)
        elif f.deadline == "week":
            cases = cases.filter(next_deadline_filter__lte=today + datetime.timedelta(days=7))
        else:
            cases = cases.filter(next_deadline_filter__isnull=False)
    # DISTINCT only when the form filter joins signals (a case can match on several); otherwise a row is
    # a case, and COUNT(DISTINCT id) would only add a sort of every matching case.
    per_status = cases.order_by().values("status").annotate(n=Count("pk", distinct=bool(f.form)))
    counts = {row["status"]: row["n"] for row in per_status}
    total = counts.get(f.status, 0) if f.status else sum(counts.values())
    if f.status:
        cases = cases.filter(status=f.status)
    cases = with_last_change(with_next_deadline(cases), user).select_related(
        "municipality", "lead_organisation", "assigned_to")
    cases = cases.prefetch_related(
        Prefetch("signals", queryset=Signal.objects.only("pk", "case_id").prefetch_related("forms"),
                 to_attr="signal_list")
    ).order_by(*SORTS[f.sort], "pk")
    # the per-status counts above already count these cases: the paginator reuses them (one query less)
    return _with_known_count(cases, total), {s: counts.get(s, 0) for s in CaseStatus.values}


def with_last_change(cases: QuerySet[Case], user: Any) -> QuerySet[Case]:
    """Annotate ``seen_at`` (when the user last opened the case page) and ``last_change_at`` (the latest
    timeline line written by someone else). One correlated subquery each, on indexed columns."""
    seen = CaseSeen.objects.filter(case_id=OuterRef("pk"), user_id=user.pk).values("seen_at")[:1]
    last = (CaseEvent.objects.filter(case_id=OuterRef("pk")).exclude(actor_id=user.pk)
            .order_by("-at").values("at")[:1])
    return cases.annotate(seen_at=Subquery(seen), last_change_at=Subquery(last))


def changed_since_seen(case: Any) -> bool:
    seen, last = getattr(case, "seen_at", None), getattr(case, "last_change_at", None)
    return seen is not None and last is not None and last > seen


def case_forms(case: Case) -> list[Any]:
    seen: dict[str, Any] = {}
    for signal in getattr(case, "signal_list", []):
        for form in signal.forms.all():
            seen.setdefault(form.code, form)
    return list(seen.values())


def case_page(case: Case, sections: frozenset[str] | None = None) -> dict[str, Any]:
    """Everything the case page shows. Identifying fields the user may not see are not even loaded."""
    queryset = Signal.objects.filter(case=case)
    if sections is not None and "identity" not in sections:
        queryset = queryset.defer("given_names", "family_name", "aliases", "birth_date", "document_number")
    if sections is not None and "account" not in sections:
        queryset = queryset.defer("account")
    signals = list(
        queryset.select_related(
            "municipality", "exploitation_municipality", "nationality", "reporting_organisation"
        ).prefetch_related("forms", "indicators", "languages").order_by("submitted_at")
    )
    return {
        "signals": signals,
        "events": list(CaseEvent.objects.filter(case=case).select_related("actor", "organisation")[:200]),
        "involvements": list(Involvement.objects.active().filter(case=case).select_related("organisation")),
        "consents": list(case.consents.all()),
    }


def case_notes(case: Case) -> list[Any]:
    from vangnet.cases.models import CaseNote

    return list(CaseNote.objects.filter(case=case).select_related("author", "organisation")[:100])


def case_viewers(case: Case, limit: int = 25) -> list[Any]:
    """Who read this case most recently, from the processing log (for the lead organisation's panel)."""
    from vangnet.audit.models import Action, ProcessingLogEntry

    return list(
        ProcessingLogEntry.objects.filter(subject_pseudonym=case.pseudonym, action=Action.READ)
        .exclude(activity__code="processing_log_review")
        .select_related("actor", "organisation", "activity").order_by("-at")[:limit]
    )


def case_attachments(case: Case) -> list[Any]:
    from vangnet.cases.models import CaseAttachment

    return list(CaseAttachment.objects.filter(case=case).select_related("uploaded_by", "organisation")[:100])
