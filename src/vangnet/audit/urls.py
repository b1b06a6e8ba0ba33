from django.urls import path

from vangnet.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log_search, name="log"),
    path("register/", views.register, name="register"),
    path("security/", views.security_log, name="security"),
]
