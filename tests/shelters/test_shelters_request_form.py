"""The placement request form's radios offer only real choices (no English "- Select an option -")."""

from __future__ import annotations

import pytest
from django.utils import translation

from vangnet.shelters.forms import PlacementRequestForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["urgency", "gender"])
def test_radios_have_no_empty_choice(name):
    with translation.override("nl"):
        form = PlacementRequestForm()
        html = str(form[name])
    assert all(value != "" for value, _label in form.fields[name].choices)
    assert 'value=""' not in html and "Select an option" not in html and "---" not in html
