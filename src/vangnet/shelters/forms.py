from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.i18n import active_language, in_reader_order
from vangnet.core.models import Language
from vangnet.regions.models import Municipality
from vangnet.shelters.models import (
    AdmissionGender,
    BlockReason,
    DeclineReason,
    DischargeDestination,
    PlacementRequest,
    PlaceType,
    ShelterLocation,
    Specialism,
)
from vangnet.triage.rules import current_rules

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LocationForm(forms.ModelForm):
    genders = forms.MultipleChoiceField(label=_("Genders admitted"), choices=AdmissionGender.choices,
                                        widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": _("Choose at least one gender.")})
    specialisms = forms.MultipleChoiceField(label=_("Specialisms"), choices=Specialism.choices, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    languages = forms.ModelMultipleChoiceField(label=_("Languages spoken by staff"), required=False,
                                               queryset=Language.objects.all(),
                                               widget=forms.SelectMultiple(attrs={"size": 6}))

    class Meta:
        model = ShelterLocation
        fields = ["name", "municipality", "address", "genders", "min_age", "max_age", "accepts_children",
                  "accepts_lvb", "accepts_addiction", "offers_psychiatric_care", "wheelchair_accessible",
                  "languages", "specialisms", "is_active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["languages"].queryset = in_reader_order(Language.objects.all())  # type: ignore[attr-defined]
        self.fields["name"].error_messages["required"] = _("Enter a name for the location.")
        self.fields["address"].error_messages["required"] = _("Enter the address of the location.")
        self.fields["municipality"].error_messages["required"] = _("Choose the municipality of the location.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("The maximum age must be at least the minimum age."))
        return data


class CapacityForm(forms.Form):
    place_type = forms.ChoiceField(label=_("Type of place"), choices=PlaceType.choices)
    places = forms.IntegerField(label=_("Number of places"), min_value=0, max_value=500,
                                error_messages={"required": _("Enter the number of places.")})


class BlockForm(forms.Form):
    place_type = forms.ChoiceField(label=_("Type of place"), choices=PlaceType.choices)
    places = forms.IntegerField(label=_("Number of places to block"), min_value=1, max_value=500,
                                error_messages={"required": _("Enter how many places to block.")})
    reason = forms.ChoiceField(label=_("Reason"), choices=BlockReason.choices)
    ends_on = forms.DateField(label=_("Blocked until"), widget=DATE,
                              help_text=_("The places are free again on this day."),
                              error_messages={"required": _("Enter the date the places are free again.")})

    def clean_ends_on(self) -> Any:
        value = self.cleaned_data["ends_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The end date cannot be in the past."))
        return value


class PlacementRequestForm(forms.ModelForm):
    place_types = forms.MultipleChoiceField(
        label=_("Types of place"), choices=PlaceType.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to let Vangnet choose from the person's age and gender."))
    specialisms = forms.MultipleChoiceField(label=_("Specialisms wanted"), choices=Specialism.choices,
                                            required=False, widget=forms.CheckboxSelectMultiple,
                                            help_text=_("Places with these specialisms rank higher."))
    languages = forms.ModelMultipleChoiceField(label=_("Languages the person speaks"), required=False,
                                               queryset=Language.objects.all(),
                                               widget=forms.SelectMultiple(attrs={"size": 5}))
    care_needs = forms.MultipleChoiceField(
        label=_("Needs from the triage"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Filled in from the triage. If you change them, the difference is recorded."))
    avoid_municipalities = forms.ModelMultipleChoiceField(
        label=_("Also not in these municipalities"), required=False, queryset=Municipality.objects.order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("For example where the exploiters or their contacts live."))

    class Meta:
        model = PlacementRequest
        fields = ["urgency", "gender", "age", "is_minor", "children_count", "lvb", "addiction", "psychiatric",
                  "multiple_problems", "wheelchair", "languages", "care_needs", "place_types", "specialisms",
                  "exploitation_municipality", "avoid_region", "avoid_adjacent_regions", "avoid_municipalities",
                  "network_municipality"]
        widgets = {"urgency": forms.RadioSelect, "gender": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exploitation_municipality"].queryset = Municipality.objects.order_by(  # type: ignore[attr-defined]
            "name")
        self.fields["network_municipality"].queryset = Municipality.objects.order_by(  # type: ignore[attr-defined]
            "name")
        care_needs = self.fields["care_needs"]
        assert isinstance(care_needs, forms.MultipleChoiceField)
        lang = active_language()
        care_needs.choices = [(code, text[lang]) for code, text in current_rules().needs.items()]
        self.fields["urgency"].error_messages["required"] = _("Choose how urgent the placement is.")
        self.fields["gender"].error_messages["required"] = _("Choose the person's gender, or Unknown.")
        self.fields["age"].widget.attrs.update({"min": 0, "max": 120})
        self.fields["languages"].queryset = in_reader_order(Language.objects.all())  # type: ignore[attr-defined]
        for name in ("urgency", "gender"):  # a radio needs no empty choice ("- Select an option -", in English)
            field = self.fields[name]
            field.choices = [choice for choice in field.choices if choice[0] != ""]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        age, minor = data.get("age"), data.get("is_minor")
        if age is not None and age > 120:
            self.add_error("age", _("Enter an age between 0 and 120."))
        if age is not None and minor and age >= 18:
            self.add_error("age", _("A minor is younger than 18: correct the age or untick 'minor'."))
        return data


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("Choose a reason for declining.")})
    note = forms.CharField(label=_("Explanation"), max_length=300, required=False,
                           help_text=_("Do not write names or other details that identify the person."),
                           widget=forms.Textarea(attrs={"rows": 2}))


class AdmitForm(forms.Form):
    admission_date = forms.DateField(label=_("Admission date"), widget=DATE,
                                     error_messages={"required": _("Enter the date of admission.")})


class DischargeForm(forms.Form):
    discharge_date = forms.DateField(label=_("Date of leaving"), widget=DATE,
                                     error_messages={"required": _("Enter the date the person left.")})
    destination = forms.ChoiceField(label=_("Destination"), choices=DischargeDestination.choices,
                                    widget=forms.RadioSelect,
                                    error_messages={"required": _("Choose where the person went.")})
