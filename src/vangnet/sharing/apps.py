from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "vangnet.sharing"
    label = "sharing"

    def ready(self) -> None:
        from vangnet.cases.access import register_ended_access, register_handover_sections
        from vangnet.cases.panels import CasePanel, register
        from vangnet.sharing import checks, receivers  # noqa: F401  (registers the check and receivers)
        from vangnet.sharing.panels import sharing_panel_context
        from vangnet.sharing.policies import sections_for
        from vangnet.sharing.views import ended_handover_url

        register_ended_access(ended_handover_url)
        register_handover_sections(sections_for)
        register(CasePanel(key="sharing", order=50, template="sharing/_case_panel.html", section="handover",
                           context=sharing_panel_context))
