from django.urls import path

from vangnet.accounts import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke, name="revoke"),
    path("locks/", views.locks, name="locks"),
    path("mfa/", views.mfa_step, name="mfa"),
    path("mfa/enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("users/mfa/", views.mfa_admin, name="mfa_admin"),
    path("users/<int:user_id>/mfa/reset/", views.mfa_reset, name="mfa_reset"),
    # federated login (OpenID Connect)
    path("oidc/", views.oidc_choose, name="oidc_choose"),
    path("oidc/<int:provider_id>/start/", views.oidc_start, name="oidc_start"),
    path("oidc/<int:provider_id>/callback/", views.oidc_callback, name="oidc_callback"),
]
