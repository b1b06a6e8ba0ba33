from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import Organisation
from vangnet.core.text import PlainTextFormField


class TokenForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(),
                                          empty_label=_("Choose the organisation"))
    name = PlainTextFormField(label=_("Which system uses this token?"), max_length=100,
                              help_text=_("For example: the registration system of the police unit."))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, initial=90)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True)  # type: ignore[attr-defined]
        most = settings.VANGNET_API_TOKEN_MAX_DAYS
        self.fields["days"] = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=most, initial=90,
                                                 help_text=_("At most %(days)d days.") % {"days": most})
