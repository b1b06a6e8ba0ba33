"""Triage on cases: after every signal, from the triage form, overrides, urgency on the worklist, figures."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import signal_input
from vangnet.audit.context import processing_context
from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases.models import Case, CaseEvent
from vangnet.regions.models import Municipality
from vangnet.signals.models import Indicator
from vangnet.signals.services import register_signal
from vangnet.triage import services
from vangnet.triage.models import Triage, Trigger
from vangnet.triage.rules import current_rules
from vangnet.triage.selectors import current_triage, statistics

pytestmark = pytest.mark.django_db


def _register(cast: Any, **overrides: Any) -> Any:
    # indicators that raise no urgency of their own (no violence, no deprivation of liberty)
    overrides.setdefault("indicators", list(Indicator.objects.filter(
        code__in=["general.no_identity_documents", "general.someone_speaks_for_them"])))
    with processing_context(actor=cast.reporter):
        return register_signal(signal_input(**overrides), organisation=cast.reporter.organisation, actor=cast.reporter)


def test_a_signal_is_triaged_in_its_transaction(registered_signal: Any) -> None:
    case = registered_signal.case
    triage = Triage.objects.get(case=case)
    assert triage.trigger == Trigger.SIGNAL
    assert triage.rules_version == current_rules().version
    assert triage.result["facts"]["forms"] == ["sexual"]
    assert "sexual_health" in triage.route and "clarify_residence" in triage.route
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TRIAGE).exists()
    assert ProcessingLogEntry.objects.filter(activity__code="triage", subject_pseudonym=case.pseudonym).exists()


def test_triage_sets_the_case_urgency_acute_first(cast: Any) -> None:
    calm = _register(cast).case
    danger = _register(cast, immediate_danger=True).case
    calm.refresh_from_db()
    danger.refresh_from_db()
    assert danger.urgency == "acute" and calm.urgency == "regular"
    assert Case.objects.order_by("urgency_rank").values_list("pk", flat=True).first() == danger.pk


def test_same_signal_same_triage_everywhere(cast: Any) -> None:
    """Determinism across the country: the same signal in four regions gives the same result."""
    results = []
    for code in ("GM0363", "GM0599", "GM0014", "GM0935"):  # Amsterdam, Rotterdam, Groningen, Maastricht
        signal = _register(cast, municipality=Municipality.objects.get(pk=code), is_identified=False,
                           given_names="", family_name="", birth_date=None, estimated_age=30)
        row = Triage.objects.get(case=signal.case)
        results.append((row.result, row.urgency, row.needs, row.route))
    assert all(r == results[0] for r in results[1:])


def test_recorded_facts_drive_the_route_and_carry_forward(cast: Any, registered_signal: Any) -> None:
    case = registered_signal.case
    services.triage_case(case, actor=cast.coordinator, trigger=Trigger.FACTS,
                         recorded_facts={"residence_status": "dublin", "pregnant": "yes", "danger_now": "unknown"})
    current = current_triage(case)
    assert current is not None
    assert "dublin_assessment" in current.route and "reflection_period" not in current.route
    assert current.deadlines["dublin_assessment"] == {"working_days": 20}
    assert "pregnancy" in current.risk_factors and current.urgency == "urgent"
    # a new signal keeps the recorded facts
    with processing_context(actor=cast.reporter):
        register_signal(signal_input(forms=registered_signal.forms.all()[:1]), organisation=cast.reporter.organisation,
                        actor=cast.reporter, attach_to=case)
    latest = services.latest(case)
    assert latest.trigger == Trigger.SIGNAL
    assert latest.recorded_facts["residence_status"] == "dublin"
    assert "dublin_assessment" in latest.route


def test_danger_check_no_lowers_until_a_new_signal_with_danger(cast: Any) -> None:
    case = _register(cast, immediate_danger=True).case
    services.triage_case(case, actor=cast.coordinator, trigger=Trigger.FACTS, recorded_facts={"danger_now": "no"})
    case.refresh_from_db()
    assert case.urgency == "regular"
    with processing_context(actor=cast.reporter):
        register_signal(signal_input(immediate_danger=True), organisation=cast.reporter.organisation,
                        actor=cast.reporter, attach_to=case)
    case.refresh_from_db()
    assert case.urgency == "acute"


def test_override_with_reason_is_kept_and_counted(cast: Any, registered_signal: Any) -> None:
    case = registered_signal.case
    with pytest.raises(services.InvalidOverride):
        services.override(case, actor=cast.coordinator, reason="short", urgency="acute")
    with pytest.raises(services.InvalidOverride):
        services.override(case, actor=cast.coordinator, reason="Both routes at once, please.",
                          route=["reflection_period", "dublin_assessment"])
    row = services.override(case, actor=cast.coordinator, reason="Exploiter seen near the hospital today.",
                            urgency="acute", needs=["safe_shelter", "medical"])
    case.refresh_from_db()
    assert case.urgency == "acute"
    assert row.overridden and set(row.overridden_parts) == {"urgency", "needs"}
    # the shared test signal ticks "cannot come and go freely": the rules computed urgent
    assert row.computed_urgency == "urgent"
    current = current_triage(case)
    assert current is not None and current.overridden and current.urgency == "acute"
    stats = statistics()
    assert stats.totals == {"triages": 1, "overrides": 1, "cases_overridden": 1}
    row_stats = stats.by_version_urgency[0]
    assert (row_stats["urgency"], row_stats["triages"], row_stats["overrides"]) == ("urgent", 1, 1)
    assert stats.urgency_changes[0]["count"] == 1
    assert stats.override_parts == {"urgency": 1, "needs": 1}


def test_current_triage_for_placement(cast: Any) -> None:
    case = _register(cast, is_minor=True, birth_date=None, estimated_age=16, children_count=1).case
    current = current_triage(case)
    assert current is not None
    assert current.shelter_type == "minor"
    assert {"minor", "children"} <= set(current.risk_factors)
    assert {"safe_shelter", "child_care"} <= set(current.needs)
    assert current.urgency == "urgent"
    assert current_triage(case.pk) == current


def test_nationality_and_residence_on_the_signal_decide_the_route(cast: Any) -> None:
    from vangnet.core.models import Country

    romanian = _register(cast, nationality=Country.objects.get(pk="RO")).case
    nigerian = _register(cast, nationality=Country.objects.get(pk="NG"), residence_status="none").case
    unknown = _register(cast, nationality=None).case
    routes = {name: current_triage(case).route for name, case in
              (("ro", romanian), ("ng", nigerian), ("unknown", unknown))}
    assert "eu_free_movement" in routes["ro"] and "clarify_residence" not in routes["ro"]
    assert "reflection_period" not in routes["ro"]
    assert "reflection_period" in routes["ng"] and "clarify_residence" not in routes["ng"]
    assert "clarify_residence" in routes["unknown"]
    # "unknown" on the triage form does not erase the signal's residence status; a known answer corrects it
    services.triage_case(nigerian, actor=cast.coordinator, trigger=Trigger.FACTS,
                         recorded_facts={"residence_status": "unknown"})
    assert "reflection_period" in current_triage(nigerian).route
    services.triage_case(nigerian, actor=cast.coordinator, trigger=Trigger.FACTS,
                         recorded_facts={"residence_status": "dublin"})
    route = current_triage(nigerian).route
    assert "dublin_assessment" in route and "reflection_period" not in route


def test_violence_indicator_on_the_signal_raises_urgency(cast: Any) -> None:
    violent = list(Indicator.objects.filter(code="general.threats_or_violence"))
    case = _register(cast, indicators=violent).case
    case.refresh_from_db()
    assert case.urgency == "urgent"
    assert "violence" in current_triage(case).risk_factors
