from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "vangnet.cases"
    label = "cases"

    def ready(self) -> None:
        from vangnet.cases import checks  # noqa: F401  (registers the system checks)
