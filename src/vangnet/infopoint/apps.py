from django.apps import AppConfig


class InfopointConfig(AppConfig):
    name = "vangnet.infopoint"
    label = "infopoint"
