from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "vangnet.sharing"
    label = "sharing"
