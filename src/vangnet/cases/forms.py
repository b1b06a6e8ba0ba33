from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.cases.models import Case, CaseStatus, CloseReason, ConsentPurpose, ConsentStatus
from vangnet.cases.transitions import ALLOWED_TRANSITIONS, REASON_REQUIRED
from vangnet.core.text import PlainTextFormField


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=[("", "—"), *CloseReason.choices],
                               required=False, help_text=_("Only needed when you close the case."))
    note = PlainTextFormField(label=_("Note (optional)"), required=False, max_length=500,
                           help_text=_("Do not write names here."))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_TRANSITIONS[case.status]
        self.fields["to_status"].choices = [(s, label) for s, label in CaseStatus.choices if s in allowed]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to_status") in REASON_REQUIRED and not data.get("reason"):
            self.add_error("reason", _("Give a reason for closing the case."))
        return data


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Consent for"), choices=ConsentPurpose.choices)
    status = forms.ChoiceField(label=_("Answer of the person"), choices=ConsentStatus.choices,
                               widget=forms.RadioSelect)
    obtained_by = PlainTextFormField(label=_("Who asked?"), max_length=200)
    obtained_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    method = forms.ChoiceField(label=_("How"), choices=[("verbal", _("Verbally")), ("written", _("In writing"))])

    def clean_obtained_on(self) -> Any:
        value = self.cleaned_data["obtained_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class NoteForm(forms.Form):
    use_required_attribute = False  # an empty box is not an error until it is sent (the server checks)
    text = forms.CharField(label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Only what colleagues need to know for the care. Everyone involved in the "
                                       "case with full access can read it."))

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write a note first."))
        return text


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("Name of this filter"), max_length=60)
    query = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)


class AttachmentForm(forms.Form):
    use_required_attribute = False
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG, JPEG, text (.txt) or Word (.docx), at most "
                                                         "10 MB. The file is checked for viruses and stored "
                                                         "encrypted."))
