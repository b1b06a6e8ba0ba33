from django.apps import AppConfig


class PersonsConfig(AppConfig):
    name = "vangnet.persons"
    label = "persons"

    def ready(self) -> None:
        from vangnet.persons import receivers  # noqa: F401  (connects the linkage to new signals)
