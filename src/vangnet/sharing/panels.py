"""The "Handovers" panel on the case page: handovers of this case, and links to hand over and to consent."""

from __future__ import annotations

from typing import Any

from vangnet.sharing.selectors import case_handovers, standing, user_may_work_on_cases


def sharing_panel_context(request: Any, access: Any) -> dict[str, Any] | None:
    user = request.user
    may_act = user_may_work_on_cases(user) and access.basis.startswith("involvement:")
    may_send = may_act and standing(user.organisation, access.case).may_send
    return {
        "case": access.case,
        "handovers": case_handovers(access.case),
        "may_send": may_send,
        "may_record_consent": may_act and access.can("consent"),
        "may_report": access.basis in ("involvement:lead", "national"),
    }
