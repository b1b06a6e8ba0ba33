from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from vangnet.infopoint.models import AskerRole, Consultation
from vangnet.regions.models import PoliceUnit
from vangnet.signals.models import ExploitationForm

MIN_QUESTION, MAX_QUESTION = 20, 2000

#: Patterns that look like personal data; the question must not hold them.
PERSONAL_DATA = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), _("an e-mail address")),
    (re.compile(r"(?:\+|\b)\d(?:[\s-]?\d){7,}\b"), _("a phone number or another long number (such as a BSN)")),
    (re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}\b"), _("a date (such as a date of birth)")),
    (re.compile(r"\b[1-9]\d{3}\s?[A-Z]{2}\b"), _("a postcode")),
]


def personal_data_in(text: str) -> list[str]:
    return [str(label) for pattern, label in PERSONAL_DATA if pattern.search(text)]


class QuestionForm(forms.ModelForm):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=PoliceUnit.objects.all(), required=False, empty_label=_("I do not know"),
        help_text=_("The police region where you work or where it happens."),
    )
    form = forms.ModelChoiceField(
        label=_("Form of exploitation"), queryset=ExploitationForm.objects.filter(parent__isnull=True),
        required=False, empty_label=_("I do not know"),
    )
    question = forms.CharField(
        label=_("Your question"), min_length=MIN_QUESTION, max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_QUESTION}),
        help_text=_("Describe the situation without names, addresses, dates of birth, phone numbers or other "
                    "details that show who it is. Between 20 and 2,000 characters."),
    )
    class Meta:
        model = Consultation
        fields = ["role", "region", "form", "question"]
        widgets = {"role": forms.RadioSelect}
        labels = {"role": _("Who are you?")}

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = AskerRole.choices

    def clean_question(self) -> str:
        text = self.cleaned_data["question"].strip()
        found = personal_data_in(text)
        if found:
            raise forms.ValidationError(
                _("Remove personal data from your question. We found: %(found)s. Ask your question without "
                  "details that show who it is."), params={"found": ", ".join(found)})
        return text


def public_numbers() -> set[str]:
    """The information point's own public numbers (desks.yaml), written as digits only."""
    from vangnet.infopoint.content import desks

    d = desks()
    return {"".join(ch for ch in desk.phone if ch.isdigit()) for desk in [*d.national.values(), *d.regions.values()]}


def personal_data_in_answer(text: str) -> list[str]:
    """As ``personal_data_in``, but staff may give the public numbers of the information point (0800-2000)."""
    numbers = public_numbers()
    phone = PERSONAL_DATA[1][0]
    cleaned = phone.sub(lambda m: "" if "".join(ch for ch in m.group(0) if ch.isdigit()) in numbers else m.group(0),
                        text)
    return personal_data_in(cleaned)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), min_length=10, max_length=5000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The asker reads this with the reference code. Write no personal data."),
    )

    def clean_answer(self) -> str:
        text = self.cleaned_data["answer"].strip()
        found = personal_data_in_answer(text)
        if found:
            raise forms.ValidationError(_("Remove personal data from the answer. We found: %(found)s."),
                                        params={"found": ", ".join(found)})
        return text
