"""Procedures: transitions from the data, who may record, deadlines opened and closed, the triage route."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import OrganisationFactory, UserFactory
from vangnet.accounts.models import OrganisationType, Role
from vangnet.audit.context import processing_context
from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases.deadlines import with_next_deadline
from vangnet.cases.models import Case
from vangnet.deadlines import compute
from vangnet.procedures import services
from vangnet.procedures.definitions import ProcedureDataError, load, parse
from vangnet.procedures.models import Deadline, Procedure, ProcedureStep
from vangnet.triage.models import Trigger
from vangnet.triage.services import triage_case

D = datetime.date


@pytest.fixture
def case(registered_signal: Any) -> Any:
    return registered_signal.case


@pytest.fixture
def ind_user(cast: Any) -> Any:
    org = OrganisationFactory(name="IND (test)", type=OrganisationType.IND, municipality_id="GM0518")
    return UserFactory(username="ind", organisation=org, role=Role.REPORTER)


def test_the_data_file_is_valid_and_cites_sources() -> None:
    data = load()
    assert {"reflection_period", "police_report", "dublin_report", "b83_permit", "prosecution",
            "non_punishment", "guardian", "return_support", "compensation"} <= set(data.procedures)
    for p in data.procedures.values():
        assert p.source in data.sources
        for s in p.steps.values():
            assert s.source in data.sources and s.by
    assert [p.code for p in data.started_by_route("dublin_assessment")] == ["dublin_report"]


@pytest.mark.parametrize(("path", "value", "message"), [
    (("procedures", "dublin_report", "deadlines", "assessment", "rule"), "no-such-rule", "unknown rule"),
    (("procedures", "dublin_report", "steps", "withdrawn", "by"), ["police", "martians"], "unknown organisation"),
    (("procedures", "dublin_report", "steps", "withdrawn", "from"), ["nowhere"], "unknown states"),
    (("procedures", "dublin_report", "steps", "withdrawn", "source"), "nope", "unknown source"),
    (("procedures", "dublin_report", "steps", "withdrawn", "closes"), ["other"], "unknown deadlines"),
])
def test_invalid_data_is_refused(path: tuple[str, ...], value: Any, message: str) -> None:
    import yaml

    from vangnet.accounts.models import OrganisationType as T
    from vangnet.procedures.definitions import PROCEDURES_FILE

    raw = yaml.safe_load(PROCEDURES_FILE.read_text(encoding="utf-8"))
    node = raw
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ProcedureDataError, match=message):
        parse(raw, frozenset(T.values))


def test_reflection_period_flow_opens_and_closes_its_deadline(cast: Any, case: Any, ind_user: Any) -> None:
    with processing_context(actor=cast.coordinator):
        p = services.start_procedure(case, "reflection_period", organisation=cast.coordinator.organisation,
                                     actor=cast.coordinator, on=D(2026, 1, 5))
        services.record_step(p.pk, "requested", on=D(2026, 1, 5), organisation=cast.coordinator.organisation,
                             actor=cast.coordinator)
    with processing_context(actor=ind_user):
        services.record_step(p.pk, "granted", on=D(2026, 1, 6), organisation=ind_user.organisation, actor=ind_user,
                             document_reference="IND-123")
        services.record_step(p.pk, "started", on=D(2026, 1, 6), organisation=ind_user.organisation, actor=ind_user)
    deadline = Deadline.objects.get(procedure=p)
    # 6 Jan + 3 months = Mon 6 Apr 2026, Easter Monday → Tue 7 Apr
    assert deadline.due_on == D(2026, 4, 7) == compute("reflection-period", D(2026, 1, 6))
    assert with_next_deadline(Case.objects.filter(pk=case.pk)).get().next_deadline == D(2026, 4, 7)
    with processing_context(actor=cast.coordinator):
        services.record_step(p.pk, "ended_early", on=D(2026, 2, 1), organisation=cast.coordinator.organisation,
                             actor=cast.coordinator)
    deadline.refresh_from_db()
    p.refresh_from_db()
    assert deadline.closed_on == D(2026, 2, 1) and not p.is_open and p.state == "ended_early"
    assert with_next_deadline(Case.objects.filter(pk=case.pk)).get().next_deadline is None
    assert [s.code for s in p.steps.all()] == ["requested", "granted", "started", "ended_early"]
    entries = ProcessingLogEntry.objects.filter(activity__code="legal_procedures", subject_pseudonym=case.pseudonym)
    assert entries.count() == 5  # start + 4 steps
    assert case.events.filter(message="%(procedure)s: %(step)s").count() == 4


def test_transitions_and_organisation_types_come_from_the_data(cast: Any, case: Any, ind_user: Any) -> None:
    with processing_context(actor=cast.coordinator):
        p = services.start_procedure(case, "reflection_period", organisation=cast.coordinator.organisation,
                                     actor=cast.coordinator, on=D(2026, 1, 5))
        with pytest.raises(services.ProcedureRefused) as exc:  # granted needs "requested" first
            services.record_step(p.pk, "granted", on=D(2026, 1, 5), organisation=ind_user.organisation)
        assert exc.value.slug == "transition-not-allowed"
        services.record_step(p.pk, "requested", on=D(2026, 1, 5), organisation=cast.coordinator.organisation)
        with pytest.raises(services.ProcedureRefused) as exc:  # only IND grants
            services.record_step(p.pk, "granted", on=D(2026, 1, 6), organisation=cast.coordinator.organisation)
        assert exc.value.slug == "organisation-not-allowed"
        with pytest.raises(services.ProcedureRefused) as exc:  # not before the previous step
            services.record_step(p.pk, "granted", on=D(2026, 1, 4), organisation=ind_user.organisation)
        assert exc.value.slug == "invalid-date"
        with pytest.raises(services.ProcedureRefused):  # not in the future
            services.record_step(p.pk, "granted", on=timezone.localdate() + datetime.timedelta(days=1),
                                 organisation=ind_user.organisation)
        with pytest.raises(services.ProcedureRefused) as exc:  # one open procedure per kind
            services.start_procedure(case, "reflection_period", organisation=cast.coordinator.organisation)
        assert exc.value.slug == "already-open"
        with pytest.raises(services.ProcedureRefused) as exc:  # an NGO may not start a prosecution procedure
            services.start_procedure(case, "prosecution", organisation=cast.outsider.organisation)
        assert exc.value.slug == "organisation-not-allowed"
    assert ProcedureStep.objects.filter(procedure=p).count() == 1


def test_steps_are_append_only(cast: Any, case: Any) -> None:
    with processing_context(actor=cast.reporter):
        p = services.start_procedure(case, "police_report", organisation=cast.reporter.organisation,
                                     on=D(2026, 1, 5))
        step = services.record_step(p.pk, "filed", on=D(2026, 1, 5), organisation=cast.reporter.organisation)
    step.document_reference = "changed"
    with pytest.raises(ValueError, match="append-only"):
        step.save()
    with pytest.raises(ValueError, match="append-only"):
        step.delete()


def test_dublin_route_starts_the_four_week_assessment(cast: Any, case: Any,
                                                     django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        triage = triage_case(case, actor=cast.coordinator, trigger=Trigger.FACTS,
                             recorded_facts={"residence_status": "dublin"})
    assert "dublin_assessment" in triage.route
    p = Procedure.objects.get(case=case, code="dublin_report")
    assert p.route == "dublin_assessment" and p.started_by == case.lead_organisation
    deadline = Deadline.objects.get(procedure=p)
    start = timezone.localdate(triage.created_at)
    assert deadline.due_on == compute("dublin-report-assessment", start)
    # the same route again does not start it twice
    with django_capture_on_commit_callbacks(execute=True):
        triage_case(case, actor=cast.coordinator, trigger=Trigger.FACTS, recorded_facts={"residence_status": "dublin"})
    assert Procedure.objects.filter(case=case, code="dublin_report").count() == 1
    # police record the assessment: the deadline is met
    with processing_context(actor=cast.reporter):
        services.record_step(p.pk, "assessed_continue", on=start, organisation=cast.reporter.organisation)
    assert not Deadline.objects.filter(case=case, closed_on__isnull=True).exists()


def test_reflection_route_is_offered_not_started(cast: Any, case: Any, django_capture_on_commit_callbacks: Any,
                                                  logged_in: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        triage_case(case, actor=cast.coordinator, trigger=Trigger.FACTS, recorded_facts={"residence_status": "none"})
    assert not Procedure.objects.filter(case=case).exists()
    page = logged_in(cast.coordinator).get(f"/cases/{case.reference}/").content.decode()
    assert f"/procedures/{case.reference}/start/?procedure=reflection_period" in page
