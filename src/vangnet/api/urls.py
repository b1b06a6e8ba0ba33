from django.urls import path, re_path

from vangnet.api import views
from vangnet.procedures import api as procedures_api

app_name = "api"
urlpatterns = [
    path("signals", views.SignalCollection.as_view(), name="signals"),
    path("signals/<uuid:public_id>", views.SignalItem.as_view(), name="signal"),
    path("handovers", views.HandoverCollection.as_view(), name="handovers"),
    path("handovers/<uuid:public_id>", views.HandoverItem.as_view(), name="handover"),
    path("handovers/<uuid:public_id>/accept", views.HandoverAccept.as_view(), name="handover-accept"),
    path("handovers/<uuid:public_id>/decline", views.HandoverDecline.as_view(), name="handover-decline"),
    path("cases/<str:reference>/procedures", procedures_api.CaseProcedures.as_view(), name="case-procedures"),
    path("cases/<str:reference>/procedures/<int:procedure_id>/steps", procedures_api.ProcedureSteps.as_view(),
         name="procedure-steps"),
    # Anything else under the API (a malformed id, an unknown path) is a problem, never an HTML page.
    # (the empty path, /api/v1/ itself, is the JSON index in api.docs_urls)
    re_path(r"^.+$", views.not_found, name="not-found"),
]
