from django.urls import path

from vangnet.signals import views

app_name = "signals"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new_signal, name="new"),
    path("drafts/<uuid:draft_id>/review/", views.review, name="review"),
    path("drafts/<uuid:draft_id>/discard/", views.discard, name="discard"),
    path("drafts/<uuid:draft_id>/<slug:step>/", views.step, name="step"),
]
