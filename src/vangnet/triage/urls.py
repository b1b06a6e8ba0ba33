from django.urls import path

from vangnet.triage import views

app_name = "triage"
urlpatterns = [
    path("rules/", views.rules_view, name="rules"),
    path("scenarios/", views.scenarios_view, name="scenarios"),
    path("statistics/", views.statistics_view, name="statistics"),
    path("cases/<str:reference>/facts/", views.facts_view, name="facts"),
    path("cases/<str:reference>/override/", views.override_view, name="override"),
]
