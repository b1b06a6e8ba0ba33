from django.urls import path

from vangnet.api import views

app_name = "api"
urlpatterns = [
    path("signals", views.SignalCollection.as_view(), name="signals"),
    path("signals/<uuid:public_id>", views.SignalItem.as_view(), name="signal"),
]
