from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import Organisation
from vangnet.cases.models import ConsentPurpose, ConsentStatus
from vangnet.core.text import PlainTextFormField
from vangnet.sharing.policies import purpose_choices


class HandoverForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose of the handover"), choices=())
    recipient = forms.ModelChoiceField(label=_("Receiving organisation"), queryset=Organisation.objects.none(),
                                       empty_label="—")
    message = PlainTextFormField(label=_("Message to the receiving organisation"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Why you hand the case over and what is arranged. Do not write names."))

    def __init__(self, *args: Any, recipients: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [("", "—"), *purpose_choices()]  # type: ignore[attr-defined]
        self.fields["recipient"].queryset = recipients  # type: ignore[attr-defined]


class DeclineForm(forms.Form):
    reason = PlainTextFormField(label=_("Reason for declining"), max_length=500,
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("For example: no place that fits. Do not write names."),
                                error_messages={"required": _("Give a reason for declining.")})


class RevokeForm(forms.Form):
    reason = PlainTextFormField(label=_("Reason (optional)"), max_length=500, required=False)


class ConsentWithNoteForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Consent for"), choices=ConsentPurpose.choices)
    status = forms.ChoiceField(label=_("Answer of the person"), choices=ConsentStatus.choices,
                               widget=forms.RadioSelect)
    obtained_by = PlainTextFormField(label=_("Who asked?"), max_length=200)
    obtained_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    method = forms.ChoiceField(label=_("How"), choices=[("verbal", _("Verbally")), ("written", _("In writing"))])
    note = PlainTextFormField(label=_("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Stored encrypted. For example: asked with an interpreter."))

    def clean_obtained_on(self) -> Any:
        value = self.cleaned_data["obtained_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value
