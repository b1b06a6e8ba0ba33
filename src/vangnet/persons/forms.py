from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vangnet.signals.forms import DateInput


class PersonSearchForm(forms.Form):
    given_names = forms.CharField(label=_("Given names"), max_length=200, required=False,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput,
                                 help_text=_("Leave empty if you do not know it."))

    def clean_birth_date(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("birth_date")
        if value and not datetime.date(1900, 1, 1) <= value <= datetime.date.today():
            raise forms.ValidationError(_("Enter a date of birth between 1900 and today."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("given_names", "").strip() or data.get("family_name", "").strip()):
            raise forms.ValidationError(_("Enter at least a given name or a family name."))
        return data
