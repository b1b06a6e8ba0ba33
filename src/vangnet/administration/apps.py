from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "vangnet.administration"
    label = "administration"
    verbose_name = "Administration screens"
