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


#: A handover recipient sees a procedure when its purpose's sharing policy lists the field ``procedure.<code>``.
FIELD_PREFIX = "procedure."


def shared_procedures(access: Any) -> frozenset[str] | None:
    """The procedure codes a handover recipient may see (the sharing policy's ``procedure.*`` fields);
    None for the organisations with the whole section (lead, reporter while setting up, national)."""
    if access.basis != "involvement:handover":
        return None if access.can("procedures") else frozenset()
    return frozenset(s[len(FIELD_PREFIX):] for s in access.sections if s.startswith(FIELD_PREFIX))


def panel_visible(access: Any) -> bool:
    codes = shared_procedures(access)
    return codes is None or bool(codes)


def procedures_panel_context(request: Any, access: Any) -> dict[str, Any] | None:
    user = request.user
    org_type = getattr(user.organisation, "type", None)
    writer = may_record(user, access)
    views = case_procedures(access.case, org_type if writer else None)
    shared = shared_procedures(access)
    if shared is not None:
        views = [v for v in views if v.procedure.code in shared]
    started = {v.procedure.code for v in views}
    return {
        "case": access.case,
        "procedures": views,
        "today": timezone.localdate(),
        "may_record": writer,
        "may_start": writer and bool(startable(access.case, org_type)),
        "suggested": _suggested(access.case, started, org_type) if writer else [],
    }
