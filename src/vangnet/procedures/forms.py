from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.procedures.definitions import ProcedureDef, StepDef


class _DateMixin:
    def clean_on(self) -> Any:
        value = self.cleaned_data["on"]  # type: ignore[attr-defined]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class StartForm(_DateMixin, forms.Form):
    procedure = forms.ChoiceField(label=_("Procedure"), widget=forms.RadioSelect, choices=(),
                                  error_messages={"required": _("Choose a procedure."),
                                                  "invalid_choice": _("Choose a procedure from the list.")})
    on = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         help_text=_("Deadlines of the procedure are counted from this date."),
                         error_messages={"required": _("Fill in the start date."),
                                         "invalid": _("Fill in a date, for example 27-04-2026.")})

    def __init__(self, *args: Any, procedures: list[ProcedureDef], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [(p.code, p.label) for p in procedures]  # type: ignore[attr-defined]


class StepForm(_DateMixin, forms.Form):
    step = forms.ChoiceField(label=_("Step"), widget=forms.RadioSelect, choices=(),
                             error_messages={"required": _("Choose the step you record."),
                                             "invalid_choice": _("Choose a step from the list.")})
    on = forms.DateField(label=_("Date of the step"),
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         help_text=_("The date on the decision or document, not the date you type it in."),
                         error_messages={"required": _("Fill in the date of the step."),
                                         "invalid": _("Fill in a date, for example 27-04-2026.")})
    document_reference = forms.CharField(
        label=_("Source document reference"), required=False, max_length=100,
        help_text=_("For example the number of the decision or the police report. Do not write names here."))

    def __init__(self, *args: Any, steps: list[StepDef], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(s.code, s.label) for s in steps]  # type: ignore[attr-defined]
