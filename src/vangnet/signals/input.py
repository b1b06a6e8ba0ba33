"""The one description of a signal that both the web flow and the API hand to the write path.

``validate`` returns errors per field (empty when the input is valid); the web form and the API
serializer both call it, so a rule lives in one place.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.cases.models import ConsentPurpose, Urgency
from vangnet.signals.models import Gender, SignalConsent, YesNoUnknown

MAX_AGE = 110


@dataclass
class SignalInput:
    observed_on: datetime.date
    municipality: Any  # regions.Municipality
    forms: list[Any]  # signals.ExploitationForm
    indicators: list[Any] = field(default_factory=list)  # signals.Indicator
    exploitation_municipality: Any = None
    immediate_danger: bool = False
    is_identified: bool = False
    given_names: str = ""
    family_name: str = ""
    aliases: str = ""
    birth_date: datetime.date | None = None
    document_type: str = ""
    document_number: str = ""
    estimated_age: int | None = None
    gender: str = Gender.UNKNOWN
    nationality: Any = None  # core.Country
    languages: list[Any] = field(default_factory=list)  # core.Language
    residence_status: str = "unknown"  # signals.ResidenceStatus
    is_minor: bool = False
    has_lvb: str = YesNoUnknown.UNKNOWN
    has_multiple_problems: str = YesNoUnknown.UNKNOWN
    children_count: int = 0
    consent: str = SignalConsent.NOT_ASKED
    consent_purposes: list[str] = field(default_factory=list)
    consent_obtained_by: str = ""
    consent_obtained_on: datetime.date | None = None
    account: str = ""

    # --- derived values -------------------------------------------------------------------------

    @property
    def age(self) -> int | None:
        if self.birth_date is not None:
            years = self.observed_on.year - self.birth_date.year
            if (self.observed_on.month, self.observed_on.day) < (self.birth_date.month, self.birth_date.day):
                years -= 1
            return max(years, 0)
        return self.estimated_age

    @property
    def birth_year(self) -> int | None:
        if self.birth_date is not None:
            return self.birth_date.year
        if self.estimated_age is not None:
            return self.observed_on.year - self.estimated_age
        return None

    @property
    def minor(self) -> bool:
        age = self.age
        return self.is_minor or (age is not None and age < 18)

    @property
    def initial_urgency(self) -> str:
        """A first urgency before triage: danger now is acute; a minor is urgent."""
        if self.immediate_danger:
            return Urgency.ACUTE
        if self.minor:
            return Urgency.URGENT
        return Urgency.REGULAR


def validate(data: SignalInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    today = timezone.localdate()
    if data.observed_on > today:
        add("observed_on", _("The date of the signal cannot be in the future."))
    if data.observed_on < today - datetime.timedelta(days=365 * 30):
        add("observed_on", _("The date of the signal is more than 30 years ago. Check the year."))
    if not data.forms:
        add("forms", _("Choose at least one form of exploitation. Choose “Other form” if you are not sure."))
    form_codes = {f.code for f in data.forms} | {f.parent_id for f in data.forms if f.parent_id}
    for indicator in data.indicators:
        if indicator.group != "general" and indicator.group not in form_codes:
            add("indicators", _("The sign “%(text)s” belongs to a form of exploitation you did not choose.")
                % {"text": indicator.text})
    if data.is_identified:
        if not (data.given_names.strip() or data.family_name.strip()):
            add("family_name", _("Fill in a name, or say that you do not know who the person is."))
    elif any(v.strip() for v in (data.given_names, data.family_name, data.aliases, data.document_number)) or (
        data.birth_date is not None
    ):
        add("is_identified", _("You filled in a name, date of birth or document number, but said you do not know "
                               "who the person is. Change your answer, or remove those details."))
    if data.birth_date is not None:
        if data.birth_date > data.observed_on:
            add("birth_date", _("The date of birth is after the date of the signal."))
        elif (data.age or 0) > MAX_AGE:
            add("birth_date", _("The date of birth gives an age over %(max)s years.") % {"max": MAX_AGE})
    if data.estimated_age is not None and not 0 <= data.estimated_age <= MAX_AGE:
        add("estimated_age", _("Give an age between 0 and %(max)s.") % {"max": MAX_AGE})
    if data.birth_date is not None and data.estimated_age is not None and abs((data.age or 0) - data.estimated_age) > 5:
        add("estimated_age", _("The estimated age does not fit the date of birth. Leave one of them empty."))
    if data.is_minor and data.age is not None and data.age >= 18 and data.birth_date is not None:
        add("is_minor", _("The date of birth shows the person is 18 or older."))
    if data.document_number.strip() and not data.document_type:
        add("document_type", _("Choose which document the number belongs to."))
    if data.children_count < 0 or data.children_count > 20:
        add("children_count", _("Give a number of children between 0 and 20."))
    if data.consent in (SignalConsent.GIVEN, SignalConsent.REFUSED):
        if not data.consent_obtained_by.strip():
            add("consent_obtained_by", _("Fill in who asked for consent."))
        if data.consent_obtained_on is None:
            add("consent_obtained_on", _("Fill in when consent was asked."))
        elif data.consent_obtained_on > today:
            add("consent_obtained_on", _("The consent date cannot be in the future."))
    if data.consent == SignalConsent.GIVEN and not data.consent_purposes:
        add("consent_purposes", _("Choose what the person gave consent for."))
    unknown = set(data.consent_purposes) - set(ConsentPurpose.values)
    if unknown:
        add("consent_purposes", _("Unknown consent purpose: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
    if len(data.account) > 20000:
        add("account", _("The account is longer than 20,000 characters. Shorten it."))
    return errors
