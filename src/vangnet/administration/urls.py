from django.urls import path

from vangnet.administration import idp_views, views

app_name = "administration"
urlpatterns = [
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_edit, name="organisation_new"),
    path("organisations/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/active/", views.organisation_active, name="organisation_active"),
    path("users/", views.users, name="users"),
    path("users/invite/", views.invite, name="invite"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views.user_active, name="user_active"),
    # federated login: organisations' identity providers (issue 17)
    path("login-services/", idp_views.identity_providers, name="identity_providers"),
    path("login-services/new/", idp_views.identity_provider_edit, name="identity_provider_new"),
    path("login-services/<int:pk>/", idp_views.identity_provider_edit, name="identity_provider_edit"),
    path("login-services/<int:pk>/enabled/", idp_views.identity_provider_enabled, name="identity_provider_enabled"),
    path("welcome/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
]
