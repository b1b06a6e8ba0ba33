from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "vangnet.notifications"
    label = "notifications"

    def ready(self) -> None:
        from vangnet.notifications import receivers  # noqa: F401  (registers the kinds and the receivers)
