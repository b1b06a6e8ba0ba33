"""The start page per role: what needs doing now. Reads only; each block is a bounded query (a count and
the first few rows), so the page costs the same at 1,000 or 50,000 cases.

A block is a dict: ``key`` (stable, for tests), ``title``, ``count``, ``items`` (each with ``label``,
``url`` and optional ``badges``/``meta``), ``more_url`` and ``empty`` (what to say when there is nothing).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vangnet.accounts.models import Role
from vangnet.cases.access import visible_cases
from vangnet.cases.deadlines import cases_by_next_deadline
from vangnet.cases.models import Case, CaseStatus, Urgency
from vangnet.cases.selectors import changed_since_seen, with_last_change
from vangnet.notifications.selectors import unread_count

LIMIT = 5
DEADLINE_HORIZON_DAYS = 14


def _case_items(cases: QuerySet[Case] | list[Case], *, meta: Any = None) -> list[dict[str, Any]]:
    items = []
    for case in cases:
        items.append({
            "label": case.reference, "url": reverse("cases:detail", args=[case.reference]),
            "badges": [(case.urgency, case.get_urgency_display()), (case.status, case.get_status_display())],
            "meta": meta(case) if meta else "",
        })
    return items


def _block(key: str, title: str, qs: QuerySet[Any], *, more_url: str = "", empty: str = "",
           items: Any = None, limit: int = LIMIT) -> dict[str, Any]:
    rows = list(qs[:limit])
    count = qs.count()  # always counted: the page costs the same number of queries whatever the data
    return {"key": key, "title": title, "count": count, "rows": rows,
            "items": items(rows) if items else _case_items(rows), "more_url": more_url,
            "empty": empty or _("Nothing here now.")}


def _worklist(query: str = "") -> str:
    return reverse("cases:worklist") + (f"?{query}" if query else "")


def _opened(case: Case) -> str:
    return _("opened %(date)s") % {"date": date_format(timezone.localtime(case.opened_at), "DATE_FORMAT")}


def coordinator_blocks(user: Any) -> list[dict[str, Any]]:
    lead = visible_cases(user).filter(lead_organisation_id=user.organisation_id, open_rank=0).select_related(
        "assigned_to")
    blocks = [
        _block("acute", _("Acute cases without a place"),
               lead.filter(urgency=Urgency.ACUTE).exclude(status=CaseStatus.PLACED).order_by("opened_at", "pk"),
               more_url=_worklist("urgency=acute"), empty=_("No acute cases open.")),
        _block("new", _("New signals to pick up"), lead.filter(status=CaseStatus.NEW)
               .order_by("urgency_rank", "opened_at", "pk"), more_url=_worklist("status=new"),
               empty=_("No new signals."), items=lambda rows: _case_items(rows, meta=_opened)),
    ]
    mine = with_last_change(lead.filter(assigned_to_id=user.pk), user).order_by("urgency_rank", "-opened_at", "pk")
    mine_rows = list(mine[:50])
    changed = [c for c in mine_rows if changed_since_seen(c)]
    blocks.append({"key": "changed", "title": _("Your cases changed since you last looked"), "count": len(changed),
                   "items": _case_items(changed[:LIMIT]), "more_url": _worklist("assigned=mine"),
                   "empty": _("No changes in your cases.")})
    blocks.append(_block("unassigned", _("Open cases without a coordinator"),
                         lead.filter(assigned_to__isnull=True).order_by("urgency_rank", "opened_at", "pk"),
                         more_url=_worklist("assigned=unassigned"), empty=_("Every open case has a coordinator.")))
    blocks.append(_deadline_block(lead))
    blocks.extend(_shelter_and_handover_blocks(user))
    return blocks


def _deadline_block(cases: QuerySet[Case], today: datetime.date | None = None) -> dict[str, Any]:
    """Overdue deadlines first, marked as in the worklist, then those of the next two weeks."""
    qs = cases_by_next_deadline(cases, today=today or timezone.localdate(), horizon_days=DEADLINE_HORIZON_DAYS)

    def items(rows: list[Case]) -> list[dict[str, Any]]:
        out = _case_items(rows, meta=lambda c: _("deadline %(date)s") % {
            "date": date_format(c.next_deadline, "DATE_FORMAT")})  # type: ignore[attr-defined]
        for row, item in zip(rows, out, strict=True):
            if row.deadline_overdue:  # type: ignore[attr-defined]
                item["badges"].insert(0, ("urgent", _("Overdue")))
        return out

    return _block("deadlines", _("Overdue deadlines and the next two weeks"), qs, items=items,
                  empty=_("No overdue deadlines, and none in the next two weeks."))


def _shelter_and_handover_blocks(user: Any) -> list[dict[str, Any]]:
    from vangnet.sharing.models import Handover, HandoverStatus
    from vangnet.shelters.models import Placement, PlacementStatus

    blocks = []
    soon = timezone.now() + datetime.timedelta(minutes=settings.PLACEMENT_HOLD_REMINDER_MINUTES * 4)
    holds = (Placement.objects.filter(status=PlacementStatus.HELD, held_until__lte=soon,
                                      request__requesting_organisation_id=user.organisation_id)
             .select_related("request__case").order_by("held_until", "pk"))

    def hold_items(rows: list[Any]) -> list[dict[str, Any]]:
        return [{"label": p.request.case.reference, "url": reverse("shelters:placement", args=[p.pk]),
                 "meta": _("reserved until %(time)s") % {"time": date_format(timezone.localtime(p.held_until),
                                                                             "DATETIME_FORMAT")}} for p in rows]

    blocks.append(_block("holds", _("Reserved places that lapse soon"), holds, items=hold_items,
                         more_url=reverse("shelters:index"), empty=_("No reservations about to lapse.")))
    to_answer = (Handover.objects.filter(recipient_id=user.organisation_id, status=HandoverStatus.REQUESTED)
                 .select_related("case", "sender").order_by("created_at", "pk"))

    def handover_items(rows: list[Any]) -> list[dict[str, Any]]:
        return [{"label": h.case.reference, "url": reverse("sharing:detail", args=[h.public_id]),
                 "meta": _("from %(org)s") % {"org": h.sender.name}} for h in rows]

    blocks.append(_block("handovers", _("Handover requests to answer"), to_answer, items=handover_items,
                         more_url=reverse("sharing:list"), empty=_("No handover requests waiting for you.")))
    waiting = (Handover.objects.filter(sender_id=user.organisation_id, status=HandoverStatus.REQUESTED)
               .select_related("case", "recipient").order_by("created_at", "pk"))

    def waiting_items(rows: list[Any]) -> list[dict[str, Any]]:
        return [{"label": h.case.reference, "url": reverse("sharing:detail", args=[h.public_id]),
                 "meta": _("to %(org)s") % {"org": h.recipient.name}} for h in rows]

    blocks.append(_block("handovers_waiting", _("Your handover requests without an answer"), waiting,
                         items=waiting_items, more_url=reverse("sharing:list"),
                         empty=_("All your handover requests are answered.")))
    return blocks


def reporter_blocks(user: Any) -> list[dict[str, Any]]:
    from vangnet.signals.selectors import own_signals

    signals = own_signals(user).order_by("-submitted_at", "-pk")

    def signal_items(rows: list[Any]) -> list[dict[str, Any]]:
        return [{"label": s.reference, "url": reverse("cases:detail", args=[s.case.reference]),
                 "badges": [(s.case.status, s.case.get_status_display())],
                 "meta": _("case %(case)s") % {"case": s.case.reference}} for s in rows]

    blocks = [_block("my_signals", _("Your recent signals"), signals, items=signal_items,
                     more_url=reverse("signals:mine"), empty=_("You have not registered a signal yet."))]
    blocks.extend(b for b in _shelter_and_handover_blocks(user) if b["key"] == "handovers")
    return blocks


def intake_blocks(user: Any) -> list[dict[str, Any]]:
    from vangnet.shelters.models import Placement, PlacementStatus

    held = (Placement.objects.filter(status=PlacementStatus.HELD, capacity__location__provider_id=user.organisation_id)
            .select_related("capacity__location").order_by("held_until", "pk"))

    def items(rows: list[Any]) -> list[dict[str, Any]]:  # no case number: a shelter sees the reservation only
        return [{"label": p.capacity.location.name, "url": reverse("shelters:placement", args=[p.pk]),
                 "meta": _("answer before %(time)s") % {"time": date_format(timezone.localtime(p.held_until),
                                                                             "DATETIME_FORMAT")}} for p in rows]

    blocks = [_block("reservations", _("Reservations waiting for your answer"), held, items=items,
                     more_url=reverse("shelters:index"), empty=_("No reservations waiting."))]
    blocks.extend(b for b in _shelter_and_handover_blocks(user) if b["key"] == "handovers")
    return blocks


def national_blocks(user: Any) -> list[dict[str, Any]]:
    from vangnet.persons.models import PossibleMatch
    from vangnet.shelters.models import OPEN_REQUEST_STATUSES, PlacementRequest

    cases = visible_cases(user).filter(open_rank=0)
    escalated = (PlacementRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES, escalated_at__isnull=False)
                 .select_related("case").order_by("escalated_at", "pk"))

    def request_items(rows: list[Any]) -> list[dict[str, Any]]:
        return [{"label": r.case.reference, "url": reverse("shelters:request", args=[r.pk]),
                 "meta": r.get_escalation_reason_display()} for r in rows]

    review = PossibleMatch.objects.order_by("-probability", "pk")

    def review_items(rows: list[Any]) -> list[dict[str, Any]]:
        return [{"label": _("Possible same person"), "url": reverse("persons:review"), "meta": ""} for _r in rows[:1]]

    return [
        _block("acute", _("Acute cases without a place, nationwide"),
               cases.filter(urgency=Urgency.ACUTE).exclude(status=CaseStatus.PLACED).order_by("opened_at", "pk"),
               more_url=_worklist("urgency=acute"), empty=_("No acute cases open.")),
        _block("escalated", _("Escalated placement requests"), escalated, items=request_items,
               more_url=reverse("shelters:national"), empty=_("No escalated requests.")),
        _block("review", _("Pairs to review: same person?"), review, items=review_items,
               more_url=reverse("persons:review"), empty=_("No pairs waiting.")),
        _deadline_block(cases),
    ]


def blocks_for(user: Any) -> list[dict[str, Any]]:
    role = user.role
    if role == Role.CARE_COORDINATOR and user.organisation_id:
        return coordinator_blocks(user)
    if role == Role.REPORTER and user.organisation_id:
        return reporter_blocks(user)
    if role == Role.SHELTER_INTAKE and user.organisation_id:
        return intake_blocks(user)
    if role == Role.NATIONAL_COORDINATOR:
        return national_blocks(user)
    return []


def unread(user: Any) -> int:
    return unread_count(user)
