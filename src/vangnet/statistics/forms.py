from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.signals.models import ExploitationForm
from vangnet.statistics.selectors import Filters

FIRST_YEAR = 2000
MAX_YEARS = 15


def default_filters() -> Filters:
    year = timezone.localdate().year
    return Filters(year_from=year - 4, year_to=year)


class FigureFilterForm(forms.Form):
    year_from = forms.IntegerField(label=_("From year"), min_value=FIRST_YEAR, max_value=2100)
    year_to = forms.IntegerField(label=_("To year"), min_value=FIRST_YEAR, max_value=2100)
    exploitation = forms.ChoiceField(label=_("Form of exploitation"), required=False)
    measure = forms.ChoiceField(
        label=_("Count"), required=False,
        choices=[("persons", _("Persons")), ("signals", _("Signals"))],
        help_text=_("Persons: signals about the same known person count once."),
    )

    def __init__(self, *args: Any, with_measure: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field: Any = self.fields["exploitation"]
        choice_field.choices = [("", _("All forms"))] + [
            (f.code, f.name) for f in ExploitationForm.objects.filter(parent__isnull=True)
        ]
        if not with_measure:
            del self.fields["measure"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("year_from"), data.get("year_to")
        if start is not None and end is not None:
            if start > end:
                self.add_error("year_to", _("Choose a year that is not before the first year."))
            elif end - start >= MAX_YEARS:
                self.add_error("year_to", _("Choose at most %(n)s years.") % {"n": MAX_YEARS})
        return data


def filters_from(params: Any, *, with_measure: bool = True) -> tuple[FigureFilterForm, Filters]:
    """Bind the form to the query string (defaults for what is missing); invalid input falls back to the
    defaults and the form shows what to correct."""
    default = default_filters()
    data = {"year_from": str(default.year_from), "year_to": str(default.year_to), "exploitation": "",
            "measure": default.measure}
    data.update({k: params.get(k) for k in data if params.get(k) not in (None, "")})
    form = FigureFilterForm(data, with_measure=with_measure)
    if not form.is_valid():
        return form, default
    clean = form.cleaned_data
    return form, Filters(year_from=clean["year_from"], year_to=clean["year_to"],
                         form=clean.get("exploitation") or "", measure=clean.get("measure") or "persons")
