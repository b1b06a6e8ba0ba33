"""The chain from signal to verdict, in persons, with the time spent between stages and where people drop out.

A **person** is a case's linkage person key (``Case.person_key``, shared by the cases of one person); a case
without one (its signals are anonymous or not linked yet) is a person of its own. The **cohort** of a
year is the persons whose first signal was registered in that year; their stages count whenever they were
reached (up to today), so recent cohorts have had less time to reach the end of the chain.

The stages, and the record that shows a person reached them (the first date counts):

==============  ===========================================================================================
signal          a signal registered (``Signal.submitted_at``)
triage          a triage of the case (``triage.Triage.created_at``)
shelter         admitted to a shelter place (``shelters.Placement.admission_date``)
reflection      a reflection period granted or started (procedure ``reflection_period``)
report          a police report filed (procedure ``police_report`` step ``filed``, or ``dublin_report`` step
                ``report_filed``)
investigation   the case went to the Public Prosecution Service after investigation (a ``prosecution``
                procedure opened) or the police continued the investigation after a Dublin assessment
prosecution     the OM decided: summons or dismissal (procedure ``prosecution``)
verdict         a court verdict (procedure ``prosecution`` step ``verdict``)
==============  ===========================================================================================

Only dates, codes and keys are read: no name, no free text.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vangnet.cases.models import Case
from vangnet.procedures.models import Procedure, ProcedureStep
from vangnet.shelters.models import Placement
from vangnet.signals.models import ExploitationForm, Signal
from vangnet.statistics.selectors import AGE_GROUPS, FigureRow, FigureTable, Filters, age_expression
from vangnet.statistics.suppression import Cell, suppress
from vangnet.triage.models import Triage


@dataclass(frozen=True)
class Stage:
    code: str
    label: str | Promise


STAGES: tuple[Stage, ...] = (
    Stage("signal", _("Signal")),
    Stage("triage", _("Triage")),
    Stage("shelter", _("Shelter")),
    Stage("reflection", _("Reflection period")),
    Stage("report", _("Police report")),
    Stage("investigation", _("Investigation (case with the OM)")),
    Stage("prosecution", _("Prosecution decision")),
    Stage("verdict", _("Verdict")),
)
STAGE_CODES = tuple(s.code for s in STAGES)
#: the outcome of the prosecution stage
OUTCOMES = (("summoned", _("Summons")), ("dismissed", _("Dismissal")))

#: which procedure steps mark a stage: (procedure code, step codes)
STEP_STAGES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "reflection": (("reflection_period", ("granted", "started")),),
    "report": (("police_report", ("filed",)), ("dublin_report", ("report_filed",))),
    "investigation": (("dublin_report", ("assessed_continue",)),),
    "prosecution": (("prosecution", ("summoned", "dismissed")),),
    "verdict": (("prosecution", ("verdict",)),),
}
MIN_DURATION_PERSONS = 5  # durations are shown only over at least this many persons


@dataclass
class PersonPath:
    person: str
    cohort: int
    reached: dict[str, date] = field(default_factory=dict)
    outcome: str = ""
    forms: set[str] = field(default_factory=set)
    region: str = ""
    age_group: str = "unknown"


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _person_of_cases(cases: Iterable[tuple[int, str]]) -> dict[int, str]:
    return {pk: key or f"case:{pk}" for pk, key in cases}


def person_paths(filters: Filters) -> list[PersonPath]:
    """Every person in the cohorts ``filters.years``, with the first date of each stage they reached."""
    signals = Signal.objects.all()
    if filters.form:
        with_form = Signal.objects.filter(Q(forms__code=filters.form) | Q(forms__parent_id=filters.form))
        signals = signals.filter(pk__in=with_form.values("pk"))
    first = list(signals.values("case_id").annotate(first=Min("submitted_at")).order_by()
                 .values_list("case_id", "first"))
    # the cases are given to the database as a subquery, never as a list of ids (50,000 of them cost more to
    # send than to count)
    with_signal = signals.values("case_id")
    cases = Case.objects.filter(pk__in=with_signal)
    persons = _person_of_cases(cases.values_list("pk", "person_key"))
    regions = dict(cases.values_list("pk", "region_id"))
    paths: dict[str, PersonPath] = {}
    first_signal: dict[str, tuple[date, int]] = {}
    for case_id, at in first:
        person, day = persons[case_id], _as_date(at)
        if person not in first_signal or (day, case_id) < first_signal[person]:
            first_signal[person] = (day, case_id)
    for person, (day, case_id) in first_signal.items():
        if filters.year_from <= day.year <= filters.year_to:
            paths[person] = PersonPath(person=person, cohort=day.year, reached={"signal": day},
                                       region=regions.get(case_id) or "")
    if not paths:
        return []

    def reach(stage: str, rows: Iterable[tuple[int, Any]]) -> None:
        for case_id, at in rows:
            path = paths.get(persons.get(case_id, ""))
            if at is None or path is None:
                continue
            day = _as_date(at)
            if stage not in path.reached or day < path.reached[stage]:
                path.reached[stage] = day

    reach("triage", Triage.objects.filter(case_id__in=with_signal).values("case_id").annotate(at=Min("created_at"))
          .order_by().values_list("case_id", "at"))
    reach("shelter", Placement.objects.filter(request__case_id__in=with_signal, admission_date__isnull=False)
          .values("request__case_id").annotate(at=Min("admission_date")).order_by()
          .values_list("request__case_id", "at"))
    steps = ProcedureStep.objects.filter(procedure__case_id__in=with_signal)
    for stage, markers in STEP_STAGES.items():
        condition = Q()
        for procedure, codes in markers:
            condition |= Q(procedure__code=procedure, code__in=codes)
        reach(stage, steps.filter(condition).values("procedure__case_id").annotate(at=Min("on")).order_by()
              .values_list("procedure__case_id", "at"))
    reach("investigation", Procedure.objects.filter(case_id__in=with_signal, code="prosecution")
          .values("case_id").annotate(at=Min("started_on")).order_by().values_list("case_id", "at"))
    decisions = (steps.filter(procedure__code="prosecution", code__in=[c for c, _l in OUTCOMES])
                 .order_by("on", "id").values_list("procedure__case_id", "code"))
    for case_id, code in decisions:
        path = paths.get(persons.get(case_id, ""))
        if path is not None:
            path.outcome = path.outcome or code
    # a later stage implies the earlier legal stages (a verdict needs a decision, a decision a case at the OM)
    for path in paths.values():
        for later, earlier in (("verdict", "prosecution"), ("prosecution", "investigation")):
            if later in path.reached and earlier not in path.reached:
                path.reached[earlier] = path.reached[later]

    cohort_signals = Signal.objects.filter(case_id__in=with_signal)
    for case_id, top in cohort_signals.annotate(top=Coalesce("forms__parent_id", "forms__code")).values_list(
            "case_id", "top"):
        path = paths.get(persons.get(case_id, ""))
        if top and path is not None:
            path.forms.add(top)
    seen: set[str] = set()  # the age group at the person's first signal
    for case_id, group in (cohort_signals.annotate(group=age_expression()).order_by("submitted_at", "pk")
                           .values_list("case_id", "group")):
        person = persons.get(case_id, "")
        if person in paths and person not in seen:
            paths[person].age_group = group
            seen.add(person)
    return sorted(paths.values(), key=lambda p: p.person)


# ------------------------------------------------------------------------------------------ tables
@dataclass
class StageTime:
    """Per stage: the persons for whom it was the last stage reached, and the time spent in it."""

    label: str
    dropped: Cell
    persons: int  # persons who went on to a later stage (the durations are over them)
    median_days: float | None = None
    p90_days: float | None = None


def _percentile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def durations(paths: Iterable[PersonPath]) -> dict[str, list[int]]:
    """Days from reaching a stage to reaching the next stage the person reached (the time spent in it)."""
    spent: dict[str, list[int]] = defaultdict(list)
    for path in paths:
        reached = [(code, path.reached[code]) for code in STAGE_CODES if code in path.reached]
        for (code, start), (_next, end) in itertools.pairwise(reached):
            spent[code].append(max((end - start).days, 0))
    return spent


def dropped_out(paths: Iterable[PersonPath]) -> dict[str, int]:
    """Per stage, the persons for whom it is the last stage reached."""
    last: dict[str, int] = defaultdict(int)
    for path in paths:
        reached = [code for code in STAGE_CODES if code in path.reached]
        if reached:
            last[reached[-1]] += 1
    return last


def flow_table(paths: list[PersonPath], filters: Filters) -> FigureTable:
    """Persons per stage per cohort year and in all years (each person is in one cohort: a total column)."""
    years = filters.years
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for path in paths:  # one pass over the persons
        for code in path.reached:
            counts[(code, path.cohort)] += 1
    grid = [[counts[(code, y)] for y in years] + [sum(counts[(code, y)] for y in years)] for code in STAGE_CODES]
    published = suppress(grid, total_col=True)
    return FigureTable(
        key="chain", title=str(_("From signal to verdict")),
        caption=str(_("Persons per stage of the chain, by the year of their first signal")),
        row_header=str(_("Stage")), columns=[str(y) for y in years] + [str(_("All years"))],
        rows=[FigureRow(str(stage.label), cells) for stage, cells in zip(STAGES, published, strict=True)],
        note=str(_("A person counts in the year of their first signal, at every stage they reached by today. "
                   "Recent years have had less time to reach the end of the chain.")),
    )


def stage_times(paths: list[PersonPath]) -> list[StageTime]:
    spent = durations(paths)
    last = dropped_out(paths)
    dropped = suppress([[last.get(code, 0)] for code in STAGE_CODES])
    rows = []
    for stage, cells in zip(STAGES, dropped, strict=True):
        days = spent.get(stage.code, [])
        row = StageTime(label=str(stage.label), dropped=cells[0], persons=len(days))
        if len(days) >= MIN_DURATION_PERSONS:
            row.median_days, row.p90_days = _percentile(days, 0.5), _percentile(days, 0.9)
        rows.append(row)
    return rows


def outcome_counts(paths: Iterable[PersonPath]) -> list[tuple[str, Cell]]:
    counts = [sum(1 for p in paths if p.outcome == code) for code, _label in OUTCOMES]
    return [(str(label), cell[0]) for (_c, label), cell in zip(OUTCOMES, suppress([[n] for n in counts]),
                                                                strict=True)]


def breakdown(paths: list[PersonPath], key: str) -> FigureTable:
    """Persons per stage (columns) by form of exploitation, police region or age group (rows)."""
    from vangnet.regions.models import PoliceUnit

    groups: list[tuple[str, str]]
    if key == "form":
        groups = [(f.code, f.name) for f in ExploitationForm.objects.filter(parent__isnull=True)]
        title, header = _("By form of exploitation"), _("Form of exploitation")
    elif key == "region":
        groups = [(u.code, u.name) for u in PoliceUnit.objects.all()]
        title, header = _("By police region"), _("Police region")
    elif key == "age":
        groups = [*AGE_GROUPS, ("unknown", str(_("Unknown")))]
        title, header = _("By age group at the first signal"), _("Age group")
    else:
        raise ValueError(f"unknown breakdown {key!r}")

    counts: dict[tuple[str, str], int] = defaultdict(int)
    for path in paths:  # one pass over the persons; a person counts under every form they have
        keys = path.forms if key == "form" else {path.region if key == "region" else path.age_group}
        for group in keys:
            for stage in path.reached:
                counts[(group, stage)] += 1
    grid = [[counts[(code, stage)] for stage in STAGE_CODES] for code, _label in groups]
    published = suppress(grid)
    return FigureTable(
        key=f"chain-{key}", title=str(title), caption=str(title), row_header=str(header),
        columns=[str(s.label) for s in STAGES],
        rows=[FigureRow(str(label), cells) for (_code, label), cells in zip(groups, published, strict=True)],
        chart_column=0,
    )


@dataclass
class Chain:
    filters: Filters
    persons: int
    flow: FigureTable
    times: list[StageTime]
    outcomes: list[tuple[str, Cell]]
    breakdowns: list[FigureTable]


def chain(filters: Filters) -> Chain:
    paths = person_paths(filters)
    return Chain(filters=filters, persons=len(paths), flow=flow_table(paths, filters), times=stage_times(paths),
                 outcomes=outcome_counts(paths),
                 breakdowns=[breakdown(paths, k) for k in ("form", "region", "age")])
