"""Retention schedule: validation, the dry run, and runs with the clock moved forward."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from tests.lifecycle.helpers import close_case, new_signal, years_later
from vangnet.api.models import IdempotencyRecord
from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases.models import Case, CaseStatusChange
from vangnet.infopoint.models import Consultation
from vangnet.lifecycle import retention
from vangnet.lifecycle.checks import retention_schedule_check
from vangnet.lifecycle.models import DataSubjectRequest, ProcessingRestriction, RetentionRun
from vangnet.lifecycle.schedule import REQUIRED_CATEGORIES, SCHEDULE_FILE, Period, ScheduleError, parse, schedule
from vangnet.persons.models import SignalEncoding
from vangnet.signals.models import Signal, SignalDraft
from vangnet.statistics import selectors as figures

pytestmark = pytest.mark.django_db


def raw_schedule() -> dict:
    return yaml.safe_load(SCHEDULE_FILE.read_text(encoding="utf-8"))


# --- the schedule as data -------------------------------------------------------------------------


def test_the_shipped_schedule_is_valid_and_complete() -> None:
    sched = schedule()
    assert {c.code for c in sched.categories} >= set(REQUIRED_CATEGORIES)
    assert all(c.article and c.text_nl and c.text_en for c in sched.categories)
    assert retention_schedule_check(None) == []


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["categories"].pop(0), "missing"),
    (lambda d: d["categories"][0].update(action="shred"), "action"),
    (lambda d: d["categories"][0].update(period={"weeks": 2}), "period"),
    (lambda d: d["categories"][0].update(period={"years": 0}), "positive"),
    (lambda d: d["categories"][0].pop("legal_source"), "legal_source"),
    (lambda d: d["categories"].append(dict(d["categories"][0])), "twice"),
])
def test_a_broken_schedule_is_refused_with_its_place(breakage, message) -> None:
    data = raw_schedule()
    breakage(data)
    with pytest.raises(ScheduleError, match=message):
        parse(data)


def test_the_system_check_reports_a_broken_file(monkeypatch, tmp_path) -> None:
    broken = tmp_path / "retention.yaml"
    broken.write_text("version: 1\ncategories: []\n")
    from vangnet.lifecycle import checks
    from vangnet.lifecycle import schedule as schedule_module

    monkeypatch.setattr(checks, "load", lambda: schedule_module.load(broken))
    problems = retention_schedule_check(None)
    assert [p.id for p in problems] == ["vangnet.lifecycle.E001"]


def test_periods_count_back_in_calendar_time() -> None:
    leap = datetime.datetime(2028, 2, 29, 12, tzinfo=datetime.UTC)
    assert Period(years=5).before(leap) == datetime.datetime(2023, 2, 28, 12, tzinfo=datetime.UTC)
    end_of_march = datetime.datetime(2026, 3, 31, tzinfo=datetime.UTC)
    assert Period(months=1).before(end_of_march).date() == datetime.date(2026, 2, 28)
    assert Period(days=30).before(leap).date() == datetime.date(2028, 1, 30)


# --- running with the clock moved -----------------------------------------------------------------


def test_nothing_goes_before_the_period_ends(cast) -> None:
    signal = new_signal(cast.reporter)
    close_case(signal.case)
    run = retention.run(years_later(4))
    assert run.counts["identity"] == 0 and run.counts["free_text_account"] == 0
    signal.refresh_from_db()
    assert signal.family_name == "Adeyemi"


def test_identity_and_account_go_five_years_after_closing_and_the_figures_stay(cast) -> None:
    signal = new_signal(cast.reporter)
    close_case(signal.case)
    SignalEncoding.objects.get_or_create(signal=signal, defaults={
        "record_id": "r-1", "encoding": "{}", "key_id": "test", "cluster_id": "r-1"})
    filters = figures.Filters(year_from=timezone.now().year, year_to=timezone.now().year)
    before = [t.csv_rows() for t in (figures.summary_table(filters), figures.age_table(filters),
                                     figures.gender_table(filters), figures.nationality_table(filters))]

    dry = retention.run(years_later(6), dry_run=True)
    assert dry.counts["identity"] == 1 and dry.counts["free_text_account"] == 1
    signal.refresh_from_db()
    assert signal.family_name == "Adeyemi", "a dry run changes nothing"

    run = retention.run(years_later(6))
    assert run.counts["identity"] == 1 and run.counts["free_text_account"] == 1 and run.counts["signal"] == 1
    signal = Signal.objects.get(pk=signal.pk)
    assert (signal.given_names, signal.family_name, signal.birth_date, signal.account) == ("", "", None, "")
    assert signal.reporter_id is None and signal.reporter_label == "" and signal.birth_year is None
    assert not SignalEncoding.objects.filter(signal=signal).exists()
    assert ProcessingLogEntry.objects.filter(activity__code="retention_enforcement", action="delete",
                                             subject_pseudonym=signal.case.pseudonym).exists()
    assert signal.age_at_signal is not None and signal.gender == "female" and signal.nationality_id == "NG"
    after = [t.csv_rows() for t in (figures.summary_table(filters), figures.age_table(filters),
                                    figures.gender_table(filters), figures.nationality_table(filters))]
    assert after == before
    again = retention.run(years_later(6))
    assert again.counts["identity"] == 0, "a second run finds nothing left"


def test_an_open_case_of_the_same_person_keeps_the_old_one(cast) -> None:
    old = new_signal(cast.reporter)
    close_case(old.case, person_key="person-1")
    recent = new_signal(cast.reporter, family_name="Other")
    Case.objects.filter(pk=recent.case_id).update(person_key="person-1")
    assert retention.run(years_later(6)).counts["identity"] == 0
    close_case(recent.case, years_ago=0)
    assert retention.run(years_later(6)).counts["identity"] == 2


def test_a_restriction_holds_the_data_past_the_period(cast) -> None:
    signal = new_signal(cast.reporter)
    close_case(signal.case)
    from vangnet.lifecycle.services import create_request

    request = create_request(kind="restriction", case=signal.case, received_on=timezone.localdate(), details="",
                             actor=cast.admin)
    ProcessingRestriction.objects.create(request=request, case=signal.case)
    assert retention.run(years_later(6)).counts["identity"] == 0
    ProcessingRestriction.objects.update(lifted_at=timezone.now())
    assert retention.run(years_later(6)).counts["identity"] == 1


def test_case_names_and_notes_are_erased_but_the_case_stays(cast) -> None:
    from vangnet.cases.services import record_consent

    signal = new_signal(cast.reporter)
    record_consent(signal.case, purpose="registration", status="given", obtained_by="J. Jansen (test)",
                   obtained_on=timezone.localdate(), actor=cast.reporter)
    CaseStatusChange.objects.create(case=signal.case, from_status="in_care", to_status="closed",
                                    note="Met haar broer gesproken", actor=cast.coordinator)
    close_case(signal.case)
    assert retention.run(years_later(6)).counts["case"] == 1
    case = Case.objects.get(pk=signal.case_id)
    assert case.status == "closed"
    assert list(case.consents.values_list("obtained_by", flat=True)) == [""]
    assert set(case.status_history.values_list("note", flat=True)) == {""}
    assert ProcessingLogEntry.objects.filter(activity__code="retention_enforcement",
                                             subject_pseudonym=case.pseudonym).exists()


def test_consultations_drafts_idempotency_and_old_log_entries(cast) -> None:
    now = timezone.now()
    old_question = Consultation.objects.create(role="public", question="Is dit uitbuiting?", answer="Ja")
    Consultation.objects.filter(pk=old_question.pk).update(asked_at=now - datetime.timedelta(days=800))
    fresh = Consultation.objects.create(role="public", question="Nieuwe vraag")
    old_draft = SignalDraft.objects.create(owner=cast.reporter, data={"situation": {}})
    SignalDraft.objects.filter(pk=old_draft.pk).update(updated_at=now - datetime.timedelta(days=31))
    SignalDraft.objects.create(owner=cast.reporter, data={})
    IdempotencyRecord.objects.create(organisation=cast.reporter.organisation, key="k1", endpoint="signals",
                                     request_fingerprint="x", response_status=201, response_body={},
                                     created_at=now - datetime.timedelta(days=40))
    IdempotencyRecord.objects.create(organisation=cast.reporter.organisation, key="k2", endpoint="signals",
                                     request_fingerprint="x", response_status=201, response_body={})
    new_signal(cast.reporter)
    logged = ProcessingLogEntry.objects.count()

    run = retention.run(now)
    assert run.counts["consultation"] == 1 and run.counts["draft"] == 1 and run.counts["idempotency"] == 1
    old_question.refresh_from_db()
    fresh.refresh_from_db()
    assert (old_question.question, old_question.answer, old_question.role) == ("", "", "public")
    assert fresh.question == "Nieuwe vraag"
    assert SignalDraft.objects.count() == 1 and IdempotencyRecord.objects.get().key == "k2"
    assert run.counts["processing_log"] == 0

    later = retention.run(years_later(6))
    assert later.counts["processing_log"] >= logged
    assert not ProcessingLogEntry.objects.filter(at__lt=timezone.now() - datetime.timedelta(days=1)).exists()


def test_a_category_whose_model_is_missing_is_skipped_cleanly(cast) -> None:
    data = raw_schedule()
    for category in data["categories"]:
        if category["code"] == "security_log":
            category["model"] = "audit.NoSuchModel"
    run = retention.run(years_later(6), sched=parse(data))
    assert run.counts["security_log"] == retention.NOT_INSTALLED
    report = {row.category.code: row for row in retention.report(years_later(6), parse(data))}
    assert report["security_log"].state == retention.NOT_INSTALLED and report["security_log"].count is None


def test_closed_requests_go_after_two_years(cast) -> None:
    from vangnet.lifecycle.services import change_status, create_request

    signal = new_signal(cast.reporter)
    request = create_request(kind="access", case=signal.case, received_on=timezone.localdate(), details="",
                             actor=cast.admin)
    change_status(request.pk, "in_progress", actor=cast.admin)
    change_status(request.pk, "completed", actor=cast.admin)
    assert retention.run(years_later(1)).counts["data_subject_request"] == 0
    assert retention.run(years_later(3)).counts["data_subject_request"] == 1
    assert not DataSubjectRequest.objects.exists()


def test_the_command_dry_run_and_the_run(cast) -> None:
    signal = new_signal(cast.reporter)
    close_case(signal.case, years_ago=6)
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert "identity" in out.getvalue() and "security_log" in out.getvalue()
    assert not RetentionRun.objects.exists()
    call_command("retention", stdout=StringIO())
    assert Signal.objects.get(pk=signal.pk).family_name == ""
    assert RetentionRun.objects.get().counts["identity"] == 1


def test_the_command_refuses_a_bad_date(cast) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("retention", "--as-of", "31-12-2030", stdout=StringIO())


def test_the_task_runs_and_plans_the_next_run(cast, settings) -> None:
    from django_tasks_db.models import DBTaskResult

    from vangnet.lifecycle.tasks import run_retention_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    counts = run_retention_task.call()
    assert "identity" in counts
    waiting = DBTaskResult.objects.filter(task_path="vangnet.lifecycle.tasks.run_retention_task", status="READY")
    assert waiting.count() == 1
    assert waiting.get().run_after > timezone.now()


def test_the_security_log_category_works_once_its_model_exists(cast) -> None:
    """Stand-in for the security log (built in parallel): any model with the named date field."""
    data = raw_schedule()
    for category in data["categories"]:
        if category["code"] == "security_log":
            category.update(model="api.IdempotencyRecord", date_field="created_at")
    old = IdempotencyRecord.objects.create(organisation=cast.reporter.organisation, key="old", endpoint="e",
                                           request_fingerprint="x", response_status=201, response_body={},
                                           created_at=timezone.now() - datetime.timedelta(days=400))
    sched = parse(data)
    assert retention.installed(sched.get("security_log"))
    report = {row.category.code: row for row in retention.report(timezone.now(), sched)}
    assert report["security_log"].count == 1
    run = retention.run(timezone.now(), sched=sched)
    assert run.counts["security_log"] == 1 and run.counts["idempotency"] == 0  # the logs run first
    assert not IdempotencyRecord.objects.filter(pk=old.pk).exists()
    data_bad = raw_schedule()
    for category in data_bad["categories"]:
        if category["code"] == "security_log":
            category.update(model="api.IdempotencyRecord", date_field="no_such_field")
    assert not retention.installed(parse(data_bad).get("security_log"))
