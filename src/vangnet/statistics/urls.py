from django.urls import path

from vangnet.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.index, name="index"),
    path("estimate/", views.estimate_view, name="estimate"),
    path("chain/", views.chain_view, name="chain"),
    path("monitor/", views.monitor_view, name="monitor"),
    path("monitor/<int:year>.pdf", views.monitor_pdf, name="monitor_pdf"),
    path("<slug:key>.csv", views.table_csv, name="csv"),
]
