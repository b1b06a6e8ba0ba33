from __future__ import annotations

from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "vangnet.procedures"
    label = "procedures"

    def ready(self) -> None:
        from vangnet.cases.deadlines import register_next_deadline
        from vangnet.cases.panels import CasePanel, register
        from vangnet.notifications import kinds
        from vangnet.procedures import checks, receivers  # noqa: F401  (registers the check and receivers)
        from vangnet.procedures.panels import panel_visible, procedures_panel_context
        from vangnet.procedures.reminders import KINDS
        from vangnet.procedures.selectors import next_open_deadline

        register_next_deadline(next_open_deadline)
        register(CasePanel(key="procedures", order=40, template="procedures/_case_panel.html",
                           section="procedures", context=procedures_panel_context,
                           visible=panel_visible))
        for kind in KINDS:
            kinds.register(kind)
