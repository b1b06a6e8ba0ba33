from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.lifecycle.models import RequestKind, RequestStatus
from vangnet.lifecycle.selectors import find_case
from vangnet.lifecycle.transitions import next_statuses


class NewRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What does the person ask?"), choices=RequestKind.choices,
                             widget=forms.RadioSelect)
    case_reference = forms.CharField(
        label=_("Case number"), max_length=20,
        help_text=_("The case through which you found the person. Linked cases of the same person are included."),
    )
    received_on = forms.DateField(label=_("Date the request was received"),
                                  widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                                  help_text=_("The one-month deadline counts from this date."))
    details = forms.CharField(label=_("What the person asks, in their words"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def clean_case_reference(self) -> Any:
        case = find_case(self.cleaned_data["case_reference"])
        if case is None:
            raise forms.ValidationError(_("There is no case with this number."))
        return case

    def clean_received_on(self) -> Any:
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of receipt cannot be in the future."))
        return value


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Reason or note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Needed for an extension or a refusal: the person must be told why."))
    outcome = forms.CharField(label=_("Answer to the person"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(RequestStatus.choices)
        self.fields["to_status"].choices = [(s, labels[s]) for s in next_statuses(current)]


class RectificationForm(forms.Form):
    signal = forms.ChoiceField(label=_("Signal"))
    given_names = forms.CharField(label=_("given names"), required=False, max_length=200)
    family_name = forms.CharField(label=_("family name"), required=False, max_length=200)
    aliases = forms.CharField(label=_("other names used"), required=False, max_length=500)
    birth_date = forms.DateField(label=_("date of birth"), required=False,
                                 widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    document_number = forms.CharField(label=_("document number"), required=False, max_length=100)

    def __init__(self, *args: Any, signals: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signal"].choices = [(s.reference, s.reference) for s in signals]
