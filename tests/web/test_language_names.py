"""Language and country names in the reader's language, sorted in that language."""

from __future__ import annotations

import pytest
from django.utils import translation

from vangnet.infopoint.templatetags.infopoint import language_name
from vangnet.shelters.forms import PlacementRequestForm
from vangnet.signals.forms import PersonForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["nl", "en"])
def test_language_lists_are_sorted_by_the_readers_names(language):
    from vangnet.core.models import Country, Language

    column = f"name_{language}"
    with translation.override(language):
        for form in (PersonForm(), PlacementRequestForm()):
            labels = [str(label) for _value, label in form.fields["languages"].choices]
            assert labels == list(Language.objects.order_by(column).values_list(column, flat=True))
        nationalities = [str(label) for value, label in PersonForm().fields["nationality"].choices if value]
        assert nationalities == list(Country.objects.order_by(column).values_list(column, flat=True))
    if language == "en":
        assert labels[:3] == sorted(labels[:3])


def test_a_language_code_is_shown_as_a_name_in_the_readers_language():
    with translation.override("nl"):
        assert language_name("ro") == "Roemeens"
    with translation.override("en"):
        assert language_name("ro") == "Romanian"
        assert language_name("ti") == "ትግርኛ"  # no translated name known: its own name
