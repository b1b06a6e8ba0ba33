from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import Organisation, OrganisationType, Role, User
from vangnet.regions.models import Municipality

REGIONAL_TYPES = {OrganisationType.CARE_COORDINATION, OrganisationType.POLICE}


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "type", "municipality", "region"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["name"].error_messages["unique"] = _("There is already an organisation with this name.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("type") == OrganisationType.CARE_COORDINATION and not data.get("region"):
            self.add_error("region", _("A care coordination serves one region: choose it."))
        return data


class InviteForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"),
                             help_text=_("The invitation with a link to set a password goes to this address."))
    username = forms.RegexField(label=_("User name"), max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": _("Use only letters, digits and . @ + - _")})
    organisation = forms.ModelChoiceField(label=_("Organisation"),
                                          queryset=Organisation.objects.filter(is_active=True).order_by("name"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken. Choose another one."))
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("There is already a user with this e-mail address."))
        return email


class UserForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"),
                                          queryset=Organisation.objects.filter(is_active=True).order_by("name"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect)
