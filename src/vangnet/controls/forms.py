"""Registering a control. Signal numbers are checked against the organisation's own signals."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vangnet.controls.access import municipalities_for
from vangnet.controls.models import LocationKind
from vangnet.regions.models import Municipality
from vangnet.signals.models import Indicator, Signal

SIGNAL_NUMBER = re.compile(r"[A-Z]{1,4}-\d{4}-\d{1,10}")
MAX_SIGNALS = 50


class ControlForm(forms.Form):
    performed_on = forms.DateField(label=_("Date of the control"), widget=forms.DateInput(attrs={"type": "date"}))
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none(),
                                          empty_label=None)
    location_kind = forms.ChoiceField(label=_("Kind of location"), choices=LocationKind.choices,
                                      widget=forms.RadioSelect)
    workers_spoken = forms.IntegerField(label=_("Number of sex workers spoken to"), min_value=0, max_value=500,
                                        help_text=_("Only a number, no names."))
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators checked"), queryset=Indicator.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every indicator you checked during this control, also when you found nothing."),
    )
    signal_numbers = forms.CharField(
        label=_("Signals raised (signal numbers)"), required=False, max_length=2000,
        help_text=_("Register each signal first through “New signal”; then enter its number here, separated by "
                    "commas. Only signals of your own organisation can be linked."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["municipality"].queryset = municipalities_for(user)  # type: ignore[attr-defined]
        self.fields["indicators"].queryset = Indicator.objects.filter(  # type: ignore[attr-defined]
            active=True, group__in=["general", "sexual"]).order_by("order")

    def clean_performed_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["performed_on"]
        today = timezone.localdate()
        if value > today:
            raise forms.ValidationError(_("The date cannot be in the future."))
        if value < today - datetime.timedelta(days=366):
            raise forms.ValidationError(_("Register a control within a year of the date it took place."))
        return value

    def clean_signal_numbers(self) -> list[Signal]:
        raw = self.cleaned_data.get("signal_numbers", "")
        numbers = [n.strip().upper() for n in re.split(r"[,;\s]+", raw) if n.strip()]
        if len(numbers) > MAX_SIGNALS:
            raise forms.ValidationError(_("Enter at most %(n)s signal numbers.") % {"n": MAX_SIGNALS})
        malformed = [n for n in numbers if not SIGNAL_NUMBER.fullmatch(n)]
        if malformed:
            raise forms.ValidationError(
                _("This is not a signal number: %(numbers)s. A signal number looks like S-2026-000012.")
                % {"numbers": ", ".join(malformed[:5])})
        found = {s.reference: s for s in Signal.objects.filter(
            reference__in=numbers, reporting_organisation=self.user.organisation)}
        unknown = [n for n in dict.fromkeys(numbers) if n not in found]
        if unknown:
            raise forms.ValidationError(ngettext(
                "Signal %(numbers)s was not found among the signals of your organisation.",
                "Signals %(numbers)s were not found among the signals of your organisation.",
                len(unknown)) % {"numbers": ", ".join(unknown[:5])})
        return list(found.values())
