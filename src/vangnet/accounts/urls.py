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
    # passkeys (WebAuthn) as the second step
    path("passkeys/", views.passkey_list, name="passkeys"),
    path("passkeys/options/", views.passkey_register_options, name="passkey_register_options"),
    path("passkeys/add/", views.passkey_register, name="passkey_register"),
    path("passkeys/<int:passkey_id>/remove/", views.passkey_remove, name="passkey_remove"),
    path("mfa/passkey/options/", views.mfa_passkey_options, name="mfa_passkey_options"),
    path("mfa/passkey/", views.mfa_passkey, name="mfa_passkey"),
    # federated login (OpenID Connect)
    path("oidc/", views.oidc_choose, name="oidc_choose"),
    path("oidc/<int:provider_id>/start/", views.oidc_start, name="oidc_start"),
    path("oidc/<int:provider_id>/callback/", views.oidc_callback, name="oidc_callback"),
]
