"""The steps of the signal flow. Each step is a small form; the draft keeps what was typed."""

from __future__ import annotations

import dataclasses
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.cases.models import ConsentPurpose
from vangnet.core.i18n import in_reader_order
from vangnet.core.models import Country, Language
from vangnet.core.text import PlainTextFormField
from vangnet.regions.models import Municipality
from vangnet.signals.input import SignalInput, validate
from vangnet.signals.models import (
    ExploitationForm,
    Gender,
    Indicator,
    ResidenceStatus,
    Signal,
    SignalConsent,
    YesNoUnknown,
)

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _yes_no(value: Any) -> bool:
    return value == "yes"


class CrossFieldRulesMixin:
    """Run the shared signal rules (``signals.input.validate``) on this step's fields, so a person hears
    about a problem on the step where they can fix it, not only when sending."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}  # type: ignore[misc]
        if self.errors:  # type: ignore[attr-defined]
            return data
        known = {f.name for f in dataclasses.fields(SignalInput)}
        values: dict[str, Any] = {"observed_on": timezone.localdate(), "municipality": None, "forms": []}
        values.update({name: value for name, value in data.items() if name in known and value is not None})
        for name in ("given_names", "family_name", "aliases", "document_number", "document_type",
                     "consent_obtained_by", "account"):
            values[name] = values.get(name) or ""
        for name, messages in validate(SignalInput(**values)).items():
            if name in self.fields:  # type: ignore[attr-defined]
                for message in messages:
                    self.add_error(name, message)  # type: ignore[attr-defined]
        return data


class SituationForm(CrossFieldRulesMixin, forms.Form):
    title = _("The situation")
    observed_on = forms.DateField(label=_("Date of the signal"), widget=DateInput,
                                  help_text=_("The day you met the person or saw the signs."))
    municipality = forms.ModelChoiceField(
        label=_("Municipality where you met the person"), queryset=Municipality.objects.all(),
        empty_label=_("Choose a municipality"),
    )
    exploitation_municipality = forms.ModelChoiceField(
        label=_("Municipality where the exploitation takes place"), queryset=Municipality.objects.all(),
        required=False, empty_label=_("Unknown"),
        help_text=_("We use this to find a shelter place at a safe distance."),
    )
    immediate_danger = forms.TypedChoiceField(
        label=_("Is the person in danger now?"), choices=YES_NO, coerce=_yes_no, widget=forms.RadioSelect,
        help_text=_("Choose yes if the person cannot go home safely today. Call 112 in an emergency."),
    )
    forms = forms.ModelMultipleChoiceField(
        label=_("Which form of exploitation do you suspect?"), queryset=ExploitationForm.objects.all(),
        widget=forms.CheckboxSelectMultiple, help_text=_("You may choose more than one."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["observed_on"].initial = timezone.localdate()


class IndicatorsForm(forms.Form):
    title = _("Signs of exploitation")
    indicators = forms.ModelMultipleChoiceField(
        label=_("Which signs did you see?"), queryset=Indicator.objects.filter(active=True), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One sign alone proves nothing. Tick every sign you saw yourself."),
    )

    def __init__(self, *args: Any, form_codes: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = ["general", *(form_codes or [])]
        names = {f.code: f.name for f in ExploitationForm.objects.filter(parent__isnull=True)}
        queryset = Indicator.objects.filter(active=True, group__in=groups)
        field = self.fields["indicators"]
        field.queryset = queryset  # type: ignore[attr-defined]
        grouped: list[tuple[str, list[tuple[str, str]]]] = []
        for group in groups:
            label = str(_("General signs")) if group == "general" else names.get(group, group)
            items = [(i.code, i.text) for i in queryset if i.group == group]
            if items:
                grouped.append((label, items))
        field.choices = grouped  # type: ignore[attr-defined]


class PersonForm(CrossFieldRulesMixin, forms.Form):
    title = _("The person")
    is_identified = forms.TypedChoiceField(
        label=_("Do you know who the person is?"), coerce=lambda v: v == "identified", widget=forms.RadioSelect,
        choices=[("identified", _("Yes, I know their name (identified)")),
                 ("anonymous", _("No, or the person wants to stay anonymous"))],
    )
    given_names = PlainTextFormField(label=_("Given names"), required=False, max_length=200)
    family_name = PlainTextFormField(label=_("Family name"), required=False, max_length=200)
    aliases = PlainTextFormField(label=_("Other names the person uses"), required=False, max_length=300)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    estimated_age = forms.IntegerField(label=_("Estimated age"), required=False, min_value=0, max_value=110,
                                       help_text=_("If you do not know the date of birth."))
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect,
                               initial=Gender.UNKNOWN)
    nationality = forms.ModelChoiceField(label=_("Nationality"), queryset=Country.objects.all(), required=False,
                                         empty_label=_("Unknown"))
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages the person speaks"), queryset=Language.objects.all(), required=False,
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )
    residence_status = forms.ChoiceField(
        label=_("Residence status"), choices=ResidenceStatus.choices, widget=forms.RadioSelect,
        initial=ResidenceStatus.UNKNOWN, required=False,
        help_text=_("Only if you know. It decides the legal route, for example a reflection period."),
    )
    is_minor = forms.BooleanField(label=_("The person is (probably) under 18"), required=False)
    has_lvb = forms.ChoiceField(label=_("Mild intellectual disability (LVB)"), choices=YesNoUnknown.choices,
                                widget=forms.RadioSelect, initial=YesNoUnknown.UNKNOWN)
    has_multiple_problems = forms.ChoiceField(
        label=_("Multiple problems (for example addiction or psychiatric problems)"),
        choices=YesNoUnknown.choices, widget=forms.RadioSelect, initial=YesNoUnknown.UNKNOWN,
    )
    children_count = forms.IntegerField(label=_("Number of children with the person"), min_value=0, max_value=20,
                                        initial=0)
    document_type = forms.ChoiceField(label=_("Identity document"), required=False,
                                      choices=[("", _("None or unknown")),
                                               *Signal._meta.get_field("document_type").choices])
    document_number = PlainTextFormField(label=_("Document number"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].queryset = in_reader_order(Language.objects.all())  # type: ignore[attr-defined]
        self.fields["nationality"].queryset = in_reader_order(Country.objects.all())  # type: ignore[attr-defined]


class ConsentForm(CrossFieldRulesMixin, forms.Form):
    title = _("Consent and account")
    consent = forms.ChoiceField(
        label=_("Did the person agree that you share this signal?"), choices=SignalConsent.choices,
        widget=forms.RadioSelect, initial=SignalConsent.NOT_ASKED,
        help_text=_("You may always register a signal. Consent decides what may be shared later."),
    )
    consent_purposes = forms.MultipleChoiceField(
        label=_("Consent for"), choices=ConsentPurpose.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    consent_obtained_by = PlainTextFormField(label=_("Who asked for consent?"), required=False, max_length=200)
    consent_obtained_on = forms.DateField(label=_("When was consent asked?"), required=False, widget=DateInput)
    account = PlainTextFormField(
        label=_("What happened?"), required=False, widget=forms.Textarea(attrs={"rows": 8}), max_length=20000,
        help_text=_("Describe what you saw and heard, in your own words. This text is stored encrypted."),
    )


STEPS: dict[str, type[forms.Form]] = {
    "situation": SituationForm,
    "indicators": IndicatorsForm,
    "person": PersonForm,
    "consent": ConsentForm,
}
STEP_ORDER = [*STEPS, "review"]

#: Which step holds each field: cross-field errors from ``validate`` are shown on that step.
FIELD_STEP = {name: step for step, form in STEPS.items() for name in form.base_fields}
