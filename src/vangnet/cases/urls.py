from django.urls import path

from vangnet.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.worklist_view, name="worklist"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/status/", views.change_status, name="change_status"),
    path("<str:reference>/consent/", views.record_consent, name="record_consent"),
]
