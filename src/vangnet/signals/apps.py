from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "vangnet.signals"
    label = "signals"
