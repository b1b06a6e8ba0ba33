from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "vangnet.web"
    label = "web"
