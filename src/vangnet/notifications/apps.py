from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "vangnet.notifications"
    label = "notifications"
