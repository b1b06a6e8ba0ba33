"""Identity providers of organisations (federated login): the form and the writes of the functional administrator.

Every change goes to the processing log (``professional_accounts``) and the security log. The client secret is
encrypted at rest, never shown back, and never written to either log (only *that* it changed).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import IdentityProvider, Organisation
from vangnet.accounts.oidc import issuer_allowed
from vangnet.audit import security
from vangnet.audit.models import Action, SecurityEventKind
from vangnet.audit.services import log_processing

ACTIVITY = "professional_accounts"


class IdentityProviderForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=_("Client secret"), required=False, strip=True, max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown again after saving. Leave empty to keep the current secret."),
    )

    class Meta:
        model = IdentityProvider
        fields = ["organisation", "name", "issuer", "client_id", "client_secret", "subject_claim", "scopes",
                  "accept_provider_mfa", "mfa_amr_values", "mfa_acr_values", "is_enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        if self.instance.pk is None:
            self.fields["client_secret"].required = True
            self.fields["client_secret"].help_text = _("Never shown again after saving.")

    def clean_issuer(self) -> str:
        issuer = self.cleaned_data["issuer"].strip()
        if not issuer_allowed(issuer):
            raise forms.ValidationError(_("Use an https:// address without ? or # (plain http only for "
                                          "localhost, when testing)."))
        return issuer

    def clean_scopes(self) -> str:
        scopes = self.cleaned_data["scopes"].split()
        if "openid" not in scopes:
            raise forms.ValidationError(_("The scopes must include openid."))
        return " ".join(dict.fromkeys(scopes))

    def clean_subject_claim(self) -> str:
        claim = self.cleaned_data["subject_claim"].strip()
        if not claim.replace("_", "").isalnum():
            raise forms.ValidationError(_("Use the name of one claim, for example sub."))
        return claim

    def clean_client_secret(self) -> str:
        secret = self.cleaned_data.get("client_secret") or ""
        return secret if secret else (self.instance.client_secret if self.instance.pk else "")


def save_identity_provider(form: IdentityProviderForm, *, actor: Any,
                           request: HttpRequest | None = None) -> IdentityProvider:
    creating = form.instance.pk is None
    changed = sorted(set(form.changed_data) - ({"client_secret"} if not form.data.get("client_secret") else set()))
    with transaction.atomic():
        provider = form.save()
        log_processing(ACTIVITY, Action.CREATE if creating else Action.UPDATE, obj=provider,
                       fields=changed, organisation=provider.organisation, actor=actor)
        security.record(SecurityEventKind.IDENTITY_PROVIDER_CHANGED, request=request, user=actor,
                        detail={"provider": provider.pk, "organisation": provider.organisation_id,
                                "change": "created" if creating else "updated", "fields": changed})
    return provider


def set_identity_provider_enabled(provider_id: int, enabled: bool, *, actor: Any,
                                  request: HttpRequest | None = None) -> IdentityProvider:
    with transaction.atomic():
        provider = IdentityProvider.objects.select_for_update().get(pk=provider_id)
        old = provider.is_enabled
        provider.is_enabled = enabled
        provider.save(update_fields=["is_enabled", "updated_at"])
        log_processing(ACTIVITY, Action.UPDATE, obj=provider, fields=["is_enabled"],
                       changes={"is_enabled": {"old": old, "new": enabled}}, organisation=provider.organisation,
                       actor=actor)
        security.record(SecurityEventKind.IDENTITY_PROVIDER_CHANGED, request=request, user=actor,
                        detail={"provider": provider.pk, "organisation": provider.organisation_id,
                                "change": "enabled" if enabled else "disabled"})
    return provider
