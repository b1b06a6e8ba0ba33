from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vangnet.cases.models import Urgency
from vangnet.core.i18n import active_language
from vangnet.triage.rules import RuleSet, current_rules
from vangnet.triage.services import DANGER_CHECK

TRISTATE_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Unknown"))]


class TriageFactsForm(forms.Form):
    """The facts a signal does not hold. Built from the rule file: every `from: triage` fact is a question."""

    def __init__(self, *args: Any, ruleset: RuleSet | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rs = ruleset or current_rules()
        lang = active_language()
        self.fields[DANGER_CHECK] = forms.ChoiceField(
            label=_("Is the person in danger now?"), choices=TRISTATE_CHOICES, widget=forms.RadioSelect,
            initial="unknown",
            help_text=_("“No” lowers the urgency set by earlier signals; a later signal with danger raises it again."),
        )
        for name, fact in rs.facts.items():
            if fact.source != "triage":
                continue
            choices: list[tuple[str, Any]] = list(TRISTATE_CHOICES) if fact.type == "tristate" else [
                (v, fact.value_labels[v][lang]) for v in fact.values]
            self.fields[name] = forms.ChoiceField(label=fact.label[lang], choices=choices,
                                                  widget=forms.RadioSelect, initial=fact.default)


class OverrideForm(forms.Form):
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect)
    needs = forms.MultipleChoiceField(label=_("Needs"), required=False, widget=forms.CheckboxSelectMultiple)
    route = forms.MultipleChoiceField(label=_("Route: next steps"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(
        label=_("Why do you change the advice of the rules?"), min_length=10, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write no names. The reason is kept with the triage and counted in the statistics."),
    )

    def __init__(self, *args: Any, ruleset: RuleSet | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rs = ruleset or current_rules()
        self.ruleset = rs
        lang = active_language()
        needs, route = self.fields["needs"], self.fields["route"]
        assert isinstance(needs, forms.MultipleChoiceField) and isinstance(route, forms.MultipleChoiceField)
        needs.choices = [(code, text[lang]) for code, text in rs.needs.items()]
        route.choices = [(code, step.label[lang]) for code, step in rs.steps.items()]

    def clean_route(self) -> list[str]:
        route = self.cleaned_data["route"]
        conflicts = self.ruleset.conflicting_steps(route)
        if conflicts:
            lang = active_language()
            raise forms.ValidationError(
                _("Choose only one of these steps, they exclude each other: %(steps)s"),
                params={"steps": "; ".join(" / ".join(self.ruleset.steps[s].label[lang] for s in pair)
                                          for pair in conflicts)},
            )
        return route
