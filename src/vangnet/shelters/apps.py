from django.apps import AppConfig


class SheltersConfig(AppConfig):
    name = "vangnet.shelters"
    label = "shelters"

    def ready(self) -> None:
        from vangnet.cases.panels import CasePanel, register
        from vangnet.shelters.panel import placement_panel_context

        register(CasePanel(key="placement", order=30, template="shelters/_case_panel.html", section="placement",
                           context=placement_panel_context))
