"""The "Procedures and deadlines" panel on the case page."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from vangnet.procedures.definitions import load
from vangnet.procedures.selectors import case_procedures, may_record, startable


def _suggested(case: Any, started: set[str], org_type: str | None) -> list[Any]:
    """Procedures the case's triage route points to that are not started yet (the panel offers them)."""
    from vangnet.triage.services import latest

    triage = latest(case)
    if triage is None:
        return []
    data = load()
    seen: dict[str, Any] = {}
    for route in triage.route or ():
        for p in data.started_by_route(route):
            if p.code not in started and org_type in p.start_by:
                seen.setdefault(p.code, p)
    return list(seen.values())


def procedures_panel_context(request: Any, access: Any) -> dict[str, Any] | None:
    user = request.user
    org_type = getattr(user.organisation, "type", None)
    writer = may_record(user, access)
    views = case_procedures(access.case, org_type if writer else None)
    started = {v.procedure.code for v in views}
    return {
        "case": access.case,
        "procedures": views,
        "today": timezone.localdate(),
        "may_record": writer,
        "may_start": writer and bool(startable(access.case, org_type)),
        "suggested": _suggested(access.case, started, org_type) if writer else [],
    }
