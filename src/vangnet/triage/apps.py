from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _panel_context(request: Any, access: Any) -> dict[str, Any] | None:
    from vangnet.triage.selectors import panel_context
    from vangnet.triage.services import latest
    from vangnet.triage.views import can_triage

    row = latest(access.case)
    context: dict[str, Any] = panel_context(row) if row is not None else {"triage": None}
    context.update({"case": access.case, "can_triage": can_triage(request.user, access)})
    return context


class TriageConfig(AppConfig):
    name = "vangnet.triage"
    label = "triage"

    def ready(self) -> None:
        from vangnet.cases.panels import CasePanel, register

        register(CasePanel(key="triage", order=10, template="triage/_case_panel.html", section="triage",
                           context=_panel_context))
