"""Reminders of deadlines through ``vangnet.notifications``: a number of days before (setting
``VANGNET_DEADLINE_REMINDER_DAYS``) and once when overdue. Idempotent by dedupe key, so the daily run can
repeat. Messages hold a case number, a date and a link only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import User
from vangnet.cases.access import CASE_ROLES, involvement_access
from vangnet.cases.models import Involvement, InvolvementRole
from vangnet.notifications.kinds import NotificationKind
from vangnet.notifications.services import notify
from vangnet.procedures.definitions import load
from vangnet.procedures.models import Deadline
from vangnet.procedures.panels import shared_procedures

KINDS = (
    NotificationKind("deadline_due", _("A deadline is coming up"),
                     _("Case %(case)s: a deadline of a procedure ends on %(due)s."), in_app=True, by_email=True),
    NotificationKind("deadline_overdue", _("A deadline has passed"),
                     _("Case %(case)s: a deadline of a procedure ended on %(due)s and is not met."),
                     in_app=True, by_email=True),
)

#: overdue reminders are sent for deadlines that passed at most this long ago (older ones were reminded before)
OVERDUE_WINDOW = timedelta(days=60)


def _closer_types(deadline: Deadline) -> set[str]:
    definition = load().procedures.get(deadline.procedure.code)
    if definition is None:
        return set()
    return {t for s in definition.steps.values() if deadline.code in s.closes for t in s.by}


def recipients(deadline: Deadline) -> list[User]:
    """Case-working staff of the lead organisation, and of the other involved organisations whose type can meet
    the deadline while they may see this procedure on the case page: a reporting organisation while the case is
    being set up (after the lead took it over it keeps a receipt without procedures), a handover recipient whose
    sharing policy lists the procedure. A reminder never tells an organisation of a deadline it cannot follow."""
    closers = _closer_types(deadline)
    involved: dict[int, tuple[str, set[tuple[str, str]]]] = {}
    for inv in Involvement.objects.active().filter(case_id=deadline.case_id).select_related("organisation"):
        involved.setdefault(inv.organisation_id, (inv.organisation.type, set()))[1].add((inv.role, inv.purpose))
    orgs = set()
    for org_id, (org_type, roles) in involved.items():
        access = involvement_access(deadline.case, roles, org_type)
        if access is None:
            continue
        if access.basis == f"involvement:{InvolvementRole.LEAD}":
            orgs.add(org_id)
        elif org_type in closers:
            shared = shared_procedures(access)  # None: the whole procedures section, as on the case page
            if shared is None or deadline.procedure.code in shared:
                orgs.add(org_id)
    return list(User.objects.filter(organisation_id__in=orgs, is_active=True, role__in=CASE_ROLES).order_by("pk"))


def send_reminders(today: date | None = None, days_before: int | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    days = settings.VANGNET_DEADLINE_REMINDER_DAYS if days_before is None else days_before
    counts = {"due": 0, "overdue": 0}
    open_deadlines = Deadline.objects.filter(
        closed_on__isnull=True, due_on__gte=today - OVERDUE_WINDOW, due_on__lte=today + timedelta(days=days),
    ).select_related("case", "procedure").order_by("due_on", "id")
    for deadline in open_deadlines:
        kind = "deadline_overdue" if deadline.due_on < today else "deadline_due"
        url = reverse("cases:detail", args=[deadline.case.reference]) + "#procedures"
        sent = notify(recipients(deadline), kind, case=deadline.case, url=url, due_on=deadline.due_on,
                      dedupe_key=f"deadline:{deadline.pk}:{deadline.due_on.isoformat()}:{kind}")
        counts["overdue" if kind == "deadline_overdue" else "due"] += len(sent)
    return counts


def run(**kwargs: Any) -> dict[str, int]:
    from vangnet.audit.context import processing_context

    with processing_context(actor=None, actor_label="system:deadline_reminders"):
        return send_reminders(**kwargs)
