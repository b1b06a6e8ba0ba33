"""The validation rules shared by the web flow and the API."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.conftest import signal_input
from vangnet.signals.input import validate
from vangnet.signals.models import ExploitationForm, Indicator

TODAY = timezone.localdate()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"observed_on": TODAY + datetime.timedelta(days=1)}, "observed_on"),
    ({"forms": []}, "forms"),
    ({"given_names": "", "family_name": ""}, "family_name"),
    ({"is_identified": False}, "is_identified"),
    ({"birth_date": TODAY + datetime.timedelta(days=400)}, "birth_date"),
    ({"birth_date": None, "estimated_age": 140}, "estimated_age"),
    ({"estimated_age": 60}, "estimated_age"),  # does not fit the date of birth (1999)
    ({"is_minor": True}, "is_minor"),  # the date of birth says adult
    ({"document_number": "NX12345"}, "document_type"),
    ({"consent": "given"}, "consent_obtained_by"),
    ({"consent": "given", "consent_obtained_by": "X", "consent_obtained_on": TODAY}, "consent_purposes"),
    ({"children_count": 40}, "children_count"),
])
def test_each_rule_names_its_field(overrides, field, db):
    errors = validate(signal_input(**overrides))
    assert field in errors, errors


def test_valid_input_has_no_errors(db):
    assert validate(signal_input()) == {}


def test_indicator_of_an_unchosen_form_is_refused(db):
    labour_indicator = Indicator.objects.filter(group="labour").first()
    data = signal_input(forms=[ExploitationForm.objects.get(pk="sexual")], indicators=[labour_indicator])
    assert "indicators" in validate(data)


def test_subtype_counts_as_its_form(db):
    begging = ExploitationForm.objects.get(pk="forced_begging")
    indicator = Indicator.objects.filter(group="other").first()
    assert "indicators" not in validate(signal_input(forms=[begging], indicators=[indicator]))


def test_age_and_minor_are_derived(db):
    data = signal_input(birth_date=TODAY.replace(year=TODAY.year - 16) - datetime.timedelta(days=3),
                        observed_on=TODAY)
    assert data.age == 16 and data.minor
    assert data.initial_urgency == "urgent"
    assert signal_input(immediate_danger=True).initial_urgency == "acute"
