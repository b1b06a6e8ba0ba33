from django.urls import path

from vangnet.controls import views

app_name = "controls"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("report/", views.report, name="report"),
    path("report.csv", views.report_csv, name="report_csv"),
]
