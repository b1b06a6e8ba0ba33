"""A fast bulk loader: tens of thousands of synthetic cases in a few minutes (benchmarks, big demos).

``DemoGenerator`` builds the persons and the signal inputs (same distributions as the small demo);
this module writes what ``register_signal`` and ``change_status`` would have written — case, signals
with their forms / indicators / languages, involvements, status history, timeline events and consents
— with ``bulk_create`` in batches instead of one transaction per signal. Identifying fields still go
through the model fields, so they are encrypted at rest exactly as in the normal write path.

Differences from the normal write path, on purpose: no processing log entries are written for the
loaded data (the log records real processing; a bulk load is not), and some persons get a second or
third signal attached to their case (the small demo opens a new case for each repeat report).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from vangnet.accounts.models import Organisation, OrganisationType, User
from vangnet.cases.models import (
    URGENCY_ORDER,
    Case,
    CaseEvent,
    CaseStatus,
    CaseStatusChange,
    CloseReason,
    Consent,
    ConsentPurpose,
    ConsentStatus,
    Involvement,
    InvolvementRole,
    Urgency,
)
from vangnet.cases.timeline import choice
from vangnet.demo.generator import DemoGenerator, Person
from vangnet.signals.catalogue import catalogue_info
from vangnet.signals.input import SignalInput
from vangnet.signals.models import Signal, SignalConsent, Source

#: Share of persons whose case gets more than one signal (1 or 2 more, from other reporters).
REPEAT_SHARE = 0.10
CHUNK = 2000  # cases written per transaction
BATCH = 1000  # rows per INSERT statement


@dataclass
class _PlannedCase:
    person: Person
    signals: list[tuple[SignalInput, User, datetime.datetime]] = field(default_factory=list)


def _reserve_ids(model: type[Any], n: int) -> list[int]:
    """Take ``n`` primary keys for ``model`` up front, so references (VN-2026-000123) are set on insert."""
    if n <= 0:
        return []
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            return [row[0] for row in cursor.fetchall()]
    # SQLite & co.: writers are serialised and we are inside the chunk's transaction
    start = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    return list(range(start, start + n))


class BulkLoader:
    def __init__(self, seed: int = 1, today: datetime.date | None = None) -> None:
        self.gen = DemoGenerator(seed=seed, today=today)
        if not self.gen.reporters:
            raise RuntimeError("No demo reporters (gen.* users): call create_organisations() and "
                               "create_users() from vangnet.demo.organisations first")
        self.rng = self.gen.rng
        self.now = timezone.now()
        self.catalogue_version = catalogue_info().version
        self.leads: dict[str, Organisation] = {}
        ncc = Organisation.objects.filter(type=OrganisationType.NATIONAL_COORDINATION_CENTRE,
                                          is_active=True).order_by("pk").first()
        for org in Organisation.objects.filter(type=OrganisationType.CARE_COORDINATION,
                                               is_active=True).order_by("-pk"):
            self.leads[org.region_id] = org  # type: ignore[index]  # lowest pk wins, as lead_organisation_for
        self.ncc = ncc
        self.lead_users = {u.organisation_id: u for u in
                           User.objects.filter(username__startswith="gen.care.").select_related("organisation")}
        self.ncc_user = User.objects.filter(
            organisation__type=OrganisationType.NATIONAL_COORDINATION_CENTRE).select_related("organisation").first()
        # the message ids the services write (timeline lines are translated when read: cases.timeline)
        self.text = {
            "opened": gettext_noop("Case opened, led by %(org)s"),
            "signal": gettext_noop("Signal %(ref)s registered by %(org)s"),
            "status": gettext_noop("Status changed from “%(from)s” to “%(to)s”"),
            "consent": gettext_noop("Consent for “%(purpose)s”: %(status)s"),
            "involved": gettext_noop("%(org)s involved: %(role)s"),
        }

    # --- planning (pure Python, no queries) -------------------------------------------------------

    def _plan(self, n: int) -> list[_PlannedCase]:
        rng, gen = self.rng, self.gen
        plan = []
        for _i in range(n):
            person = gen.person()
            first = gen.when()
            case = _PlannedCase(person)
            data, reporter = gen.signal_input(person, first, repeat=False)
            case.signals.append((data, reporter, first))
            if rng.random() < REPEAT_SHARE:
                later = first
                for _j in range(rng.randint(1, 2)):
                    later = min(later + datetime.timedelta(days=rng.randint(1, 400),
                                                           minutes=rng.randint(0, 600)), self.now)
                    data, reporter = gen.signal_input(person, later, repeat=True)
                    case.signals.append((data, reporter, later))
            plan.append(case)
        return plan

    def _lead_for(self, data: SignalInput) -> Organisation:
        lead = self.leads.get(data.municipality.police_unit_id) or self.ncc
        if lead is None:
            raise Organisation.DoesNotExist("No care coordination or national coordination centre")
        return lead

    def _steps(self, opened: datetime.datetime) -> list[tuple[str, str, datetime.datetime]]:
        """The same story as ``DemoGenerator.advance``: triage, care or shelter, and often closure."""
        rng = self.rng
        age_days = (self.now - opened).days
        steps: list[tuple[str, str]] = []
        if age_days > 2:
            steps.append((CaseStatus.IN_TRIAGE, ""))
        if age_days > 10:
            steps.append((rng.choice([CaseStatus.IN_CARE, CaseStatus.PLACED]), ""))
        if age_days > 120 and rng.random() < 0.75:
            steps.append((CaseStatus.CLOSED, rng.choice(CloseReason.values[:5])))
        at, result = opened, []
        for status, reason in steps:
            at = min(at + datetime.timedelta(days=rng.randint(1, 20)), self.now)
            result.append((status, reason, at))
        return result

    # --- writing -------------------------------------------------------------------------------------

    def write_chunk(self, n: int) -> int:
        """Plan ``n`` cases and write them in one transaction. Returns ``n``."""
        plan = self._plan(n)
        with transaction.atomic():
            case_ids = _reserve_ids(Case, len(plan))
            signal_ids = iter(_reserve_ids(Signal, sum(len(c.signals) for c in plan)))
            rows = _Rows()
            for case_id, planned in zip(case_ids, plan, strict=True):
                self._case(case_id, planned, signal_ids, rows)
            rows.save()
        return len(plan)

    def _case(self, case_id: int, planned: _PlannedCase, signal_ids: Iterator[int], rows: _Rows) -> None:
        """What ``open_case``, ``register_signal`` (per signal) and ``change_status`` (per step) write."""
        first, first_reporter, opened = planned.signals[0]
        lead = self._lead_for(first)
        lead_user = self.lead_users.get(lead.pk) or self.ncc_user
        rows.history.append(CaseStatusChange(
            case_id=case_id, from_status="", to_status=CaseStatus.NEW, actor_id=first_reporter.pk,
            organisation_id=first_reporter.organisation_id, at=opened))
        rows.involvements.append(Involvement(case_id=case_id, organisation_id=lead.pk,
                                             role=InvolvementRole.LEAD, started_at=opened))
        rows.events.append(CaseEvent(
            case_id=case_id, kind=CaseEvent.Kind.OPENED, at=opened, actor_id=first_reporter.pk,
            organisation_id=first_reporter.organisation_id,
            message=self.text["opened"], params={"org": lead.name}))

        # signals and status steps in time order (a later signal may come in after triage or closure)
        timeline: list[tuple[datetime.datetime, int, Any]] = [
            (at, 0 if k == 0 else 1, (data, reporter))
            for k, (data, reporter, at) in enumerate(planned.signals)
        ]
        if lead_user is not None:
            timeline += [(at, 2, (status, reason)) for status, reason, at in self._steps(opened)]
        timeline.sort(key=lambda item: (item[0], item[1]))

        status, urgency, is_minor = CaseStatus.NEW, first.initial_urgency, False
        closed_at: datetime.datetime | None = None
        close_reason, updated = "", opened
        reporter_orgs: set[int] = set()
        for at, kind, item in timeline:
            updated = max(updated, at)
            if kind == 2:
                to_status, reason = item
                self._status_change(case_id, status, to_status, reason, lead_user, at, rows)
                status = to_status
                closed_at, close_reason = (at, reason) if to_status == CaseStatus.CLOSED else (None, "")
                continue
            data, reporter = item
            self._signal(case_id, next(signal_ids), data, reporter, at, attach=kind == 1,
                         new_reporter_org=reporter.organisation_id not in reporter_orgs, rows=rows)
            reporter_orgs.add(reporter.organisation_id)
            is_minor = is_minor or data.minor
            if data.immediate_danger:
                urgency = Urgency.ACUTE
        rows.cases.append(Case(
            id=case_id, reference=f"VN-{opened.year}-{case_id:06d}", status=status, urgency=urgency,
            urgency_rank=URGENCY_ORDER[Urgency(urgency)], open_rank=int(status == CaseStatus.CLOSED),
            lead_organisation_id=lead.pk,
            municipality_id=first.municipality.pk, region_id=first.municipality.police_unit_id,
            opened_at=opened, updated_at=updated, closed_at=closed_at, close_reason=close_reason,
            signal_count=len(planned.signals), is_minor=is_minor,
        ))

    def _status_change(self, case_id: int, from_status: str, to_status: str, reason: str, actor: Any,
                       at: datetime.datetime, rows: _Rows) -> None:
        rows.history.append(CaseStatusChange(
            case_id=case_id, from_status=from_status, to_status=to_status, reason=reason, actor_id=actor.pk,
            organisation_id=actor.organisation_id, at=at))
        params = {"from": choice(CaseStatus(from_status)), "to": choice(CaseStatus(to_status))}
        rows.events.append(CaseEvent(case_id=case_id, kind=CaseEvent.Kind.STATUS, at=at, actor_id=actor.pk,
                                     organisation_id=actor.organisation_id, message=self.text["status"],
                                     params=params))

    def _signal(self, case_id: int, signal_id: int, data: SignalInput, reporter: User,
                at: datetime.datetime, *, attach: bool, new_reporter_org: bool, rows: _Rows) -> None:
        org = reporter.organisation
        assert org is not None
        reference = f"S-{at.year}-{signal_id:06d}"
        rows.signals.append(Signal(
            id=signal_id, public_id=uuid.uuid4(), reference=reference, case_id=case_id, source=Source.WEB,
            reporting_organisation_id=org.pk, reporter_id=reporter.pk,
            reporter_label=reporter.display_name or org.name, submitted_at=at, observed_on=data.observed_on,
            municipality_id=data.municipality.pk,
            exploitation_municipality_id=getattr(data.exploitation_municipality, "pk", None),
            immediate_danger=data.immediate_danger, indicator_catalogue_version=self.catalogue_version,
            is_identified=data.is_identified, given_names=data.given_names.strip(),
            family_name=data.family_name.strip(), aliases=data.aliases.strip(), birth_date=data.birth_date,
            document_type=data.document_type, document_number=data.document_number.strip(),
            estimated_age=data.estimated_age, age_at_signal=data.age, birth_year=data.birth_year,
            gender=data.gender, nationality_id=getattr(data.nationality, "pk", None), is_minor=data.minor,
            has_lvb=data.has_lvb, has_multiple_problems=data.has_multiple_problems,
            children_count=data.children_count, consent=data.consent, account=data.account.strip(),
        ))
        rows.forms += [FormLink(signal_id=signal_id, exploitationform_id=f.pk) for f in data.forms]
        rows.indicators += [IndicatorLink(signal_id=signal_id, indicator_id=i.pk) for i in data.indicators]
        rows.languages += [LanguageLink(signal_id=signal_id, language_id=lang.pk) for lang in data.languages]
        if new_reporter_org:
            rows.involvements.append(Involvement(case_id=case_id, organisation_id=org.pk,
                                                 role=InvolvementRole.REPORTER, started_at=at))
            if attach:  # involve() adds a timeline event only when a signal is attached to an existing case
                rows.events.append(CaseEvent(
                    case_id=case_id, kind=CaseEvent.Kind.INVOLVEMENT, at=at, actor_id=reporter.pk,
                    organisation_id=org.pk, message=self.text["involved"],
                    params={"org": org.name, "role": choice(InvolvementRole.REPORTER)}))
        rows.events.append(CaseEvent(
            case_id=case_id, kind=CaseEvent.Kind.SIGNAL, at=at, actor_id=reporter.pk, organisation_id=org.pk,
            message=self.text["signal"], params={"ref": reference, "org": org.name}))
        if data.consent not in (SignalConsent.GIVEN, SignalConsent.REFUSED):
            return
        status = ConsentStatus.GIVEN if data.consent == SignalConsent.GIVEN else ConsentStatus.REFUSED
        for purpose in data.consent_purposes or ["registration"]:
            rows.consents.append(Consent(
                case_id=case_id, purpose=purpose, status=status, obtained_by=data.consent_obtained_by,
                obtained_on=data.consent_obtained_on, method="verbal", recorded_by_id=reporter.pk,
                recorded_at=at))
            params = {"purpose": choice(ConsentPurpose(purpose)), "status": choice(ConsentStatus(status))}
            rows.events.append(CaseEvent(case_id=case_id, kind=CaseEvent.Kind.CONSENT, at=at,
                                         actor_id=reporter.pk, organisation_id=org.pk, message=self.text["consent"],
                                         params=params))


FormLink = Signal.forms.through
IndicatorLink = Signal.indicators.through
LanguageLink = Signal.languages.through


@dataclass
class _Rows:
    """Everything one chunk writes, in insert order (parents before children)."""

    cases: list[Case] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    forms: list[Any] = field(default_factory=list)
    indicators: list[Any] = field(default_factory=list)
    languages: list[Any] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)
    history: list[CaseStatusChange] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)

    def save(self) -> None:
        for model, objects in ((Case, self.cases), (Signal, self.signals), (FormLink, self.forms),
                               (IndicatorLink, self.indicators), (LanguageLink, self.languages),
                               (Involvement, self.involvements), (CaseStatusChange, self.history),
                               (CaseEvent, self.events), (Consent, self.consents)):
            model.objects.bulk_create(objects, batch_size=BATCH)


def _vacuum_analyze() -> None:
    """After a bulk load, do now what autovacuum would do a little later: planner statistics and the
    visibility map (index-only scans). Otherwise autovacuum starts mid-benchmark, and plans are made on
    statistics of the empty tables."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    models = (Case, Signal, FormLink, IndicatorLink, LanguageLink, Involvement, CaseStatusChange, CaseEvent,
              Consent)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models))


def load_bulk(n_cases: int, seed: int = 1, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Create ``n_cases`` synthetic cases (with signals, involvements, history, events, consents).

    Needs the demo cast (``create_organisations()`` and ``create_users()``). Returns the number of
    cases created. Calling it again adds more cases (use another seed for other persons).
    """
    loader = BulkLoader(seed=seed)
    done = 0
    while done < n_cases:
        done += loader.write_chunk(min(CHUNK, n_cases - done))
        if progress is not None:
            progress(done, n_cases)
    _vacuum_analyze()
    return done


__all__ = ["BulkLoader", "load_bulk"]
