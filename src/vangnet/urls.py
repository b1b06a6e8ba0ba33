from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from vangnet.accounts.views import LogoutView
from vangnet.api.views import not_found as api_not_found

urlpatterns = [
    path("", include("vangnet.web.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("vangnet.accounts.urls")),
    path("signals/", include("vangnet.signals.urls")),
    path("cases/", include("vangnet.cases.urls")),
    path("log/", include("vangnet.audit.urls")),
    path("triage/", include("vangnet.triage.urls")),
    path("shelters/", include("vangnet.shelters.urls")),
    path("sharing/", include("vangnet.sharing.urls")),
    path("procedures/", include("vangnet.procedures.urls")),
    path("persons/", include("vangnet.persons.urls")),
    path("notifications/", include("vangnet.notifications.urls")),
    path("figures/", include("vangnet.statistics.urls")),
    path("controls/", include("vangnet.controls.urls")),
    path("info/", include("vangnet.infopoint.urls")),
    path("administration/", include("vangnet.administration.urls")),
    path("api/v1/", include("vangnet.api.urls")),
    path("lifecycle/", include("vangnet.lifecycle.urls")),
    path("api/", include("vangnet.api.docs_urls")),  # issue 15: /api/, /api/v1/, /api/schema/, /api/docs/
    re_path(r"^api/", api_not_found),
    path("", include("vangnet.ops.urls")),
]

handler404 = "vangnet.web.views.not_found"
handler403 = "vangnet.web.views.forbidden"
handler500 = "vangnet.web.views.server_error"
