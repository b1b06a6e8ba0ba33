from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "vangnet.statistics"
    label = "statistics"
    verbose_name = "Statistics"
