from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "vangnet.api"
    label = "api"

    def ready(self) -> None:
        from vangnet.api import schema  # noqa: F401  (registers the OpenAPI extension)
