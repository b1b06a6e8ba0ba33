from django.apps import AppConfig


class ControlsConfig(AppConfig):
    name = "vangnet.controls"
    label = "controls"

    def ready(self) -> None:
        from vangnet.controls import checks  # noqa: F401  (validates the targets file at start)
