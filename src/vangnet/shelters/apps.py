from django.apps import AppConfig


class SheltersConfig(AppConfig):
    name = "vangnet.shelters"
    label = "shelters"
