"""EU Directive 2024/1712: surrogacy, forced marriage and illegal adoption in the catalogue, and the data
migration that classifies existing signals."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps

from tests.conftest import signal_input
from vangnet.audit.context import processing_context
from vangnet.signals.models import ExploitationForm, Indicator
from vangnet.signals.services import register_signal

migration = importlib.import_module("vangnet.signals.migrations.0002_directive_2024_1712_forms")


def test_the_new_forms_are_in_the_catalogue_under_other(db: Any) -> None:
    for code, dutch in (("surrogacy", "draagmoederschap"), ("illegal_adoption", "adoptie"),
                        ("forced_marriage", "huwelijk")):
        form = ExploitationForm.objects.get(code=code)
        assert form.parent_id == "other" and dutch in form.name_nl.lower()
    assert Indicator.objects.filter(code__startswith="other.surrogacy_", active=True).count() == 2
    assert Indicator.objects.filter(code__startswith="other.adoption_", active=True).count() == 2


def test_migration_classifies_existing_signals_by_their_signs(cast: Any) -> None:
    other = ExploitationForm.objects.get(code="other")
    marriage_sign = Indicator.objects.get(code="other.marriage_against_will")
    with processing_context(actor=cast.reporter):
        old = register_signal(signal_input(forms=[other], indicators=[marriage_sign]),
                              organisation=cast.reporter.organisation, actor=cast.reporter)
        unrelated = register_signal(signal_input(), organisation=cast.reporter.organisation, actor=cast.reporter)
    # as before the directive: the new forms did not exist, the signal had only "other"
    ExploitationForm.objects.filter(code__in=["surrogacy", "illegal_adoption"]).delete()
    assert not old.forms.filter(code="forced_marriage").exists()
    migration.forward(apps, None)
    migration.forward(apps, None)  # idempotent
    assert set(old.forms.values_list("code", flat=True)) == {"other", "forced_marriage"}
    assert not unrelated.forms.filter(parent_id="other").exists()
    assert ExploitationForm.objects.filter(code__in=["surrogacy", "illegal_adoption"], parent_id="other").count() == 2
    migration.backward(apps, None)
    assert not ExploitationForm.objects.filter(code__in=["surrogacy", "illegal_adoption"]).exists()
    assert old.forms.filter(code="forced_marriage").exists()
