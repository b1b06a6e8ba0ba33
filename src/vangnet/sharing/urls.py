from django.urls import path

from vangnet.sharing import views

app_name = "sharing"
urlpatterns = [
    path("", views.handover_list, name="list"),
    path("policies/", views.policy_review, name="policies"),
    path("handovers/<uuid:public_id>/", views.handover_detail, name="detail"),
    path("handovers/<uuid:public_id>/<slug:action>/", views.handover_action, name="action"),
    path("cases/<str:reference>/", views.shared_case, name="shared_case"),
    path("cases/<str:reference>/handover/", views.handover_new, name="new"),
    path("cases/<str:reference>/consent/", views.consent, name="consent"),
    path("cases/<str:reference>/access-report/", views.access_report, name="access_report"),
]
