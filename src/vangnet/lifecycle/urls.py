from django.urls import path

from vangnet.lifecycle import views

app_name = "lifecycle"
urlpatterns = [
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="new"),
    path("requests/<str:reference>/", views.request_detail, name="detail"),
    path("requests/<str:reference>/status/", views.request_status, name="status"),
    path("requests/<str:reference>/access/", views.access_html, name="access"),
    path("requests/<str:reference>/access.json", views.access_json, name="access_json"),
    path("requests/<str:reference>/rectify/", views.rectify, name="rectify"),
    path("requests/<str:reference>/restrict/", views.restrict, name="restrict"),
    path("requests/<str:reference>/erase/", views.erase, name="erase"),
    path("retention/", views.retention_report, name="retention"),
]
