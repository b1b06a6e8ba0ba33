"""Demo data is consistent: after ``load_demo`` every open case with status "placed" has an admitted place."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from vangnet.cases.models import Case, CaseStatus
from vangnet.shelters.models import PlacementStatus


@pytest.mark.django_db
def test_placed_cases_have_a_place_after_load_demo():
    call_command("load_demo", "--signals", "60", "--seed", "7", verbosity=0, stdout=io.StringIO())
    placed = Case.objects.filter(status=CaseStatus.PLACED)
    assert Case.objects.count() > 20 and placed.exists()
    without = placed.exclude(placement_requests__placements__status=PlacementStatus.ADMITTED)
    assert not without.exists(), list(without.values_list("reference", flat=True))
    # the placements went through the real flow: a request, a timeline line, the case still open
    for case in placed:
        assert case.events.filter(kind="placement").exists()
