"""Enforce the retention schedule: per category, find what has expired and anonymise or delete it.

Each category of ``data/retention.yaml`` has one handler here: ``candidates`` (a queryset of the rows
that would change, used by the dry run and the report) and ``apply`` (does it, returns how many).
Anonymising keeps the rows the yearly figures count (signals, cases, consultations) and erases only
what identifies a person, so the figures stay the same. A category whose model is not installed is
reported as ``not installed`` and skipped. The processing log is purged through
``vangnet.audit.retention`` (its append-only triggers allow only that path).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.lifecycle.models import ProcessingRestriction, RetentionRun
from vangnet.lifecycle.schedule import Category, Schedule, schedule

logger = logging.getLogger(__name__)

NOT_INSTALLED = "not_installed"
LOG_CATEGORIES = ("processing_log", "security_log")
FAILED = "failed"

#: Signal fields that identify the person (category ``identity``).
IDENTITY_FIELDS = ("given_names", "family_name", "aliases", "document_number")


@dataclass(frozen=True)
class Handler:
    candidates: Callable[[Category, datetime.datetime], QuerySet[Any]]
    apply: Callable[[Category, datetime.datetime], int]


def _model(category: Category) -> type[Model] | None:
    try:
        return apps.get_model(category.model)
    except (LookupError, ValueError):
        return None


# --- which cases have expired -------------------------------------------------------------------


def expired_cases(cutoff: datetime.datetime) -> QuerySet[Any]:
    """Closed before ``cutoff``; not while another case of the same person is open or recently closed;
    never while a processing restriction (GDPR art. 18) holds the person's data."""
    Case = apps.get_model("cases", "Case")
    live_keys = (Case.objects.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff))
                 .exclude(person_key="").values("person_key"))
    restricted = ProcessingRestriction.objects.filter(lifted_at__isnull=True)
    restricted_keys = (Case.objects.filter(pk__in=restricted.values("case_id")).exclude(person_key="")
                       .values("person_key"))
    return (Case.objects.filter(status="closed", closed_at__lt=cutoff)
            .exclude(person_key__in=live_keys).exclude(person_key__in=restricted_keys)
            .exclude(pk__in=restricted.values("case_id")))


def _signals_of_expired_cases(category: Category, now: datetime.datetime) -> QuerySet[Any]:
    Signal = apps.get_model("signals", "Signal")
    return Signal.objects.filter(case__in=expired_cases(category.cutoff(now)))


# --- identity -----------------------------------------------------------------------------------


def identity_candidates(category: Category, now: datetime.datetime) -> QuerySet[Any]:
    signals = _signals_of_expired_cases(category, now)
    still_identified = Q(birth_date__isnull=False) | Q(encoding__isnull=False)
    for name in IDENTITY_FIELDS:
        still_identified |= ~Q(**{name: ""})
    return signals.filter(still_identified).distinct()


def erase_identity(signal_ids: list[int]) -> int:
    Signal = apps.get_model("signals", "Signal")
    with transaction.atomic():
        if apps.is_installed("vangnet.persons"):
            apps.get_model("persons", "SignalEncoding").objects.filter(signal_id__in=signal_ids).delete()
        return Signal.objects.filter(pk__in=signal_ids).update(
            given_names="", family_name="", aliases="", birth_date=None, document_number="",
        )


def identity_apply(category: Category, now: datetime.datetime) -> int:
    rows = list(identity_candidates(category, now).values_list("pk", "case_id"))
    if not rows:
        return 0
    erased = erase_identity([pk for pk, _case in rows])
    Case = apps.get_model("cases", "Case")
    for case in Case.objects.filter(pk__in={case_id for _pk, case_id in rows}).only("pk", "pseudonym"):
        log_processing("retention_enforcement", Action.DELETE, subject=case, obj=case,
                       fields=["signals.identity", "signals.encoding"])
    return erased


# --- free-text account --------------------------------------------------------------------------


def account_candidates(category: Category, now: datetime.datetime) -> QuerySet[Any]:
    return _signals_of_expired_cases(category, now).exclude(account="")


def erase_account(signal_ids: list[int]) -> int:
    Signal = apps.get_model("signals", "Signal")
    return Signal.objects.filter(pk__in=signal_ids).update(account="")


def account_apply(category: Category, now: datetime.datetime) -> int:
    ids = list(account_candidates(category, now).values_list("pk", flat=True))
    return erase_account(ids) if ids else 0


# --- the rest of the signal ---------------------------------------------------------------------


def signal_candidates(category: Category, now: datetime.datetime) -> QuerySet[Any]:
    return (_signals_of_expired_cases(category, now)
            .filter(Q(reporter__isnull=False) | ~Q(reporter_label="") | Q(birth_year__isnull=False)))


def anonymise_signals(signal_ids: list[int]) -> int:
    Signal = apps.get_model("signals", "Signal")
    return Signal.objects.filter(pk__in=signal_ids).update(reporter=None, reporter_label="", birth_year=None)


def signal_apply(category: Category, now: datetime.datetime) -> int:
    ids = list(signal_candidates(category, now).values_list("pk", flat=True))
    return anonymise_signals(ids) if ids else 0


# --- the case -----------------------------------------------------------------------------------


def case_candidates(category: Category, now: datetime.datetime) -> QuerySet[Any]:
    cases = expired_cases(category.cutoff(now))
    has_names = (Q(consents__obtained_by__gt="") | Q(status_history__note__gt=""))
    if apps.is_installed("vangnet.sharing"):
        has_names |= Q(handovers__message__gt="") | Q(consents__sharing_note__note__gt="")
    return cases.filter(has_names).distinct()


def anonymise_cases(case_ids: list[int]) -> int:
    """Erase names of professionals and free text around the case; the case row and its dates stay."""
    with transaction.atomic():
        apps.get_model("cases", "Consent").objects.filter(case_id__in=case_ids).update(obtained_by="")
        apps.get_model("cases", "CaseStatusChange").objects.filter(case_id__in=case_ids).update(note="")
        if apps.is_installed("vangnet.sharing"):
            apps.get_model("sharing", "Handover").objects.filter(case_id__in=case_ids).update(message="")
            apps.get_model("sharing", "ConsentNote").objects.filter(consent__case_id__in=case_ids).update(note="")
    return len(case_ids)


def case_apply(category: Category, now: datetime.datetime) -> int:
    ids = list(case_candidates(category, now).values_list("pk", flat=True))
    if not ids:
        return 0
    anonymise_cases(ids)
    Case = apps.get_model("cases", "Case")
    for case in Case.objects.filter(pk__in=ids).only("pk", "pseudonym"):
        log_processing("retention_enforcement", Action.DELETE, subject=case, obj=case,
                       fields=["consents.obtained_by", "status_history.note", "handovers.message"])
    return len(ids)


# --- consultations ------------------------------------------------------------------------------


def consultation_candidates(category: Category, now: datetime.datetime) -> QuerySet[Any]:
    Consultation = apps.get_model("infopoint", "Consultation")
    return (Consultation.objects.filter(asked_at__lt=category.cutoff(now))
            .filter(~Q(question="") | ~Q(answer="")))


def consultation_apply(category: Category, now: datetime.datetime) -> int:
    return consultation_candidates(category, now).update(question="", answer="")


# --- plain deletes ------------------------------------------------------------------------------


def _date_filter(category: Category, model: type[Model], default: str) -> str:
    field = category.date_field or default
    model._meta.get_field(field)  # raises FieldDoesNotExist: reported as not installed
    return field


def _queryset_delete(qs: QuerySet[Any]) -> int:
    model_name = qs.model._meta.label
    deleted, per_model = qs.delete()
    return int(per_model.get(model_name, deleted))


def idempotency_candidates(category: Category, now: datetime.datetime) -> QuerySet[Any]:
    return apps.get_model("api", "IdempotencyRecord").objects.filter(created_at__lt=category.cutoff(now))


def draft_candidates(category: Category, now: datetime.datetime) -> QuerySet[Any]:
    return apps.get_model("signals", "SignalDraft").objects.filter(updated_at__lt=category.cutoff(now))


def request_candidates(category: Category, now: datetime.datetime) -> QuerySet[Any]:
    from vangnet.lifecycle.models import DataSubjectRequest

    return (DataSubjectRequest.objects.filter(closed_at__lt=category.cutoff(now))
            .exclude(restrictions__lifted_at__isnull=True, restrictions__isnull=False))


def processing_log_candidates(category: Category, now: datetime.datetime) -> QuerySet[Any]:
    return apps.get_model("audit", "ProcessingLogEntry").objects.filter(at__lt=category.cutoff(now))


def processing_log_apply(category: Category, now: datetime.datetime) -> int:
    from vangnet.audit.retention import purge_before

    return purge_before(category.cutoff(now), opened_by=f"retention schedule: {category.code}")


def security_log_candidates(category: Category, now: datetime.datetime) -> QuerySet[Any]:
    model = _model(category)
    if model is None:
        raise LookupError(category.model)
    field = _date_filter(category, model, "at")
    return model._default_manager.filter(**{f"{field}__lt": category.cutoff(now)})


def security_log_apply(category: Category, now: datetime.datetime) -> int:
    """The security log is append-only too; when it offers a purge function (like the processing log),
    use it, otherwise delete through the ORM."""
    purge = getattr(_security_module(), "purge_before", None)
    if callable(purge):
        return int(purge(category.cutoff(now)))
    return _queryset_delete(security_log_candidates(category, now))


def _security_module() -> Any:
    import importlib

    try:
        return importlib.import_module("vangnet.audit.security_retention")
    except ImportError:
        return None


HANDLERS: dict[str, Handler] = {
    "identity": Handler(identity_candidates, identity_apply),
    "free_text_account": Handler(account_candidates, account_apply),
    "signal": Handler(signal_candidates, signal_apply),
    "case": Handler(case_candidates, case_apply),
    "consultation": Handler(consultation_candidates, consultation_apply),
    "idempotency": Handler(idempotency_candidates, lambda c, n: _queryset_delete(idempotency_candidates(c, n))),
    "draft": Handler(draft_candidates, lambda c, n: _queryset_delete(draft_candidates(c, n))),
    "data_subject_request": Handler(request_candidates, lambda c, n: _queryset_delete(request_candidates(c, n))),
    "processing_log": Handler(processing_log_candidates, processing_log_apply),
    "security_log": Handler(security_log_candidates, security_log_apply),
}


# --- the run ------------------------------------------------------------------------------------


@dataclass
class CategoryReport:
    category: Category
    cutoff: datetime.datetime
    count: int | None
    state: str  # "ok" | NOT_INSTALLED | FAILED


def installed(category: Category) -> bool:
    model = _model(category)
    if model is None:
        return False
    if category.date_field:
        try:
            model._meta.get_field(category.date_field)
        except FieldDoesNotExist:
            return False
    return True


def report(now: datetime.datetime | None = None, sched: Schedule | None = None) -> list[CategoryReport]:
    """The dry run: per category, how many rows would be anonymised or deleted at ``now``."""
    now = now or timezone.now()
    sched = sched or schedule()
    rows = []
    for category in sched.categories:
        cutoff = category.cutoff(now)
        if not installed(category):
            rows.append(CategoryReport(category, cutoff, None, NOT_INSTALLED))
            continue
        rows.append(CategoryReport(category, cutoff, HANDLERS[category.code].candidates(category, now).count(), "ok"))
    return rows


def run(now: datetime.datetime | None = None, *, dry_run: bool = False, triggered_by: str = "system",
        sched: Schedule | None = None) -> RetentionRun:
    """Apply the schedule at ``now`` (default: the current time). Each category commits on its own, so a
    failure in one (reported as ``failed``) does not undo the others. Returns the recorded run."""
    now = now or timezone.now()
    sched = sched or schedule()
    if dry_run:
        counts: dict[str, Any] = {r.category.code: (r.count if r.state == "ok" else r.state)
                                  for r in report(now, sched)}
    else:
        counts = {}
        # the logs first: the entries this run writes about what it erases must survive the run itself
        logs_first = sorted(sched.categories, key=lambda c: c.code not in LOG_CATEGORIES)
        for category in logs_first:
            if not installed(category):
                counts[category.code] = NOT_INSTALLED
                continue
            try:
                with transaction.atomic():
                    counts[category.code] = HANDLERS[category.code].apply(category, now)
            except DatabaseError:
                logger.exception("Retention of category %s failed", category.code)
                counts[category.code] = FAILED
    record = RetentionRun.objects.create(as_of=now, dry_run=dry_run, schedule_version=sched.version,
                                         counts=counts, triggered_by=triggered_by[:200])
    if not dry_run:
        log_processing("retention_enforcement", Action.DELETE, obj=record, fields=sorted(counts),
                       changes={code: {"new": value} for code, value in counts.items()})
    return record

