"""Yearly figures as ORM aggregates: no person, no signal and no name is ever loaded into Python.

Counting rule for persons (shown on the page): a signal with a linkage encoding belongs to a person
(``persons.SignalEncoding.cluster_id``) and that person is counted once per cell, however many signals
they have there; a signal without an encoding (anonymous, or identified without a name) cannot be linked,
so it counts as one person. The year of a signal is the year it was registered (``submitted_at``,
Europe/Amsterdam); a case counts in the year it was opened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as CaseWhen
from django.db.models import CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _

from vangnet.accounts.models import OrganisationType
from vangnet.cases.models import Case, CaseStatus, CloseReason
from vangnet.core.models import Country
from vangnet.regions.models import PoliceUnit
from vangnet.signals.models import ExploitationForm, Gender, Signal
from vangnet.statistics.suppression import Cell, suppress

MEASURES = ("persons", "signals")
TOP_NATIONALITIES = 10
AGE_GROUPS = (("lt18", "<18"), ("18_23", "18–23"), ("24_30", "24–30"), ("31_45", "31–45"), ("46plus", "46+"))


@dataclass(frozen=True)
class Filters:
    year_from: int
    year_to: int
    form: str = ""  # a top-level form code, or "" for every form
    measure: str = "persons"

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))


@dataclass
class FigureRow:
    label: str
    cells: list[Cell]
    is_total: bool = False


@dataclass
class FigureTable:
    key: str
    title: str
    caption: str
    row_header: str
    columns: list[str]
    rows: list[FigureRow] = field(default_factory=list)
    note: str = ""
    chart_column: int = -1  # the column drawn as a bar chart (by default the last: all years)

    @property
    def has_suppressed(self) -> bool:
        return any(c.suppressed for r in self.rows for c in r.cells)

    def csv_rows(self) -> list[list[str]]:
        return [[self.row_header, *self.columns], *([r.label, *(c.display for c in r.cells)] for r in self.rows)]


# --------------------------------------------------------------------------------------- querysets
def signals(filters: Filters) -> QuerySet[Signal]:
    qs = Signal.objects.filter(submitted_at__year__gte=filters.year_from, submitted_at__year__lte=filters.year_to)
    if filters.form:
        with_form = Signal.objects.filter(Q(forms__code=filters.form) | Q(forms__parent_id=filters.form))
        qs = qs.filter(pk__in=with_form.values("pk"))
    return qs


def cases(filters: Filters) -> QuerySet[Case]:
    qs = Case.objects.filter(opened_at__year__gte=filters.year_from, opened_at__year__lte=filters.year_to)
    if filters.form:
        with_form = Signal.objects.filter(Q(forms__code=filters.form) | Q(forms__parent_id=filters.form))
        qs = qs.filter(pk__in=with_form.values("case_id"))
    return qs


SIGNAL_AGGREGATES: dict[str, Any] = {
    "n_signals": Count("pk", distinct=True),
    "n_clusters": Count("encoding__cluster_id", distinct=True),
    "n_anonymous": Count("pk", filter=Q(encoding__isnull=True), distinct=True),
}


def _signal_value(measure: str) -> Callable[[Mapping[str, Any]], int]:
    if measure == "signals":
        return lambda row: int(row["n_signals"])
    return lambda row: int(row["n_clusters"]) + int(row["n_anonymous"])


@dataclass
class _Counts:
    by_year_key: dict[tuple[int, str], int]
    by_key: dict[str, int]
    by_year: dict[int, int]
    total: int


def _count(qs: QuerySet[Any], key: Any, year_field: str, aggregates: dict[str, Any],
           value: Callable[[Mapping[str, Any]], int]) -> _Counts:
    """Four grouped aggregates: per (year, key), per key over all years, per year, and in total. Distinct
    persons are counted in each group, so the all-years column is not the sum of the years."""
    with_year = qs.annotate(stat_year=ExtractYear(year_field))
    by_year_key = {(r["stat_year"], str(r["stat_key"])): value(r)
                   for r in with_year.annotate(stat_key=key).values("stat_year", "stat_key")
                   .annotate(**aggregates).order_by()}
    by_key = {str(r["stat_key"]): value(r)
              for r in qs.annotate(stat_key=key).values("stat_key").annotate(**aggregates).order_by()}
    by_year = {r["stat_year"]: value(r) for r in with_year.values("stat_year").annotate(**aggregates).order_by()}
    total = value(qs.aggregate(**aggregates))
    return _Counts(by_year_key, by_key, by_year, total)


def _table(key: str, title: str, caption: str, row_header: str, filters: Filters,
           categories: Iterable[tuple[str, str]], counts: _Counts, *, total_label: str, note: str = "",
           keep_empty_extra: bool = False) -> FigureTable:
    years = filters.years
    cats = list(categories)
    known = {code for code, _label in cats}
    extra = sorted(k for k in counts.by_key if k not in known and k != "None")
    cats += [(code, code) for code in extra]
    grid = [[counts.by_year_key.get((y, code), 0) for y in years] + [counts.by_key.get(code, 0)] for code, _l in cats]
    grid.append([counts.by_year.get(y, 0) for y in years] + [counts.total])
    published = suppress(grid, total_row=True, total_col=True)
    rows = [FigureRow(label, cells) for (_code, label), cells in zip(cats, published[:-1], strict=True)]
    rows.append(FigureRow(total_label, published[-1], is_total=True))
    return FigureTable(key=key, title=title, caption=caption, row_header=row_header,
                       columns=[str(y) for y in years] + [_("All years")], rows=rows, note=note)


def _measure_words(filters: Filters) -> str:
    return _("persons") if filters.measure == "persons" else _("signals")


# --------------------------------------------------------------------------------------- the tables
def summary_table(filters: Filters) -> FigureTable:
    """Signals, persons and cases per year."""
    sig = signals(filters).annotate(stat_year=ExtractYear("submitted_at"))
    per_year: dict[int, Mapping[str, Any]] = {
        r["stat_year"]: r for r in sig.values("stat_year").annotate(**SIGNAL_AGGREGATES).order_by()}
    overall = signals(filters).aggregate(**SIGNAL_AGGREGATES)
    case_qs = cases(filters)
    case_year = dict(case_qs.annotate(stat_year=ExtractYear("opened_at")).values("stat_year")
                     .annotate(n=Count("pk")).order_by().values_list("stat_year", "n"))
    persons = _signal_value("persons")
    empty = {"n_signals": 0, "n_clusters": 0, "n_anonymous": 0}
    grid = []
    for y in filters.years:
        r = per_year.get(y, empty)
        grid.append([int(r["n_signals"]), persons(r), case_year.get(y, 0)])
    grid.append([int(overall["n_signals"]), persons(overall), case_qs.count()])
    published = suppress(grid, total_row=True)
    labels = [str(y) for y in filters.years] + [_("All years")]
    rows = [FigureRow(label, cells, is_total=i == len(labels) - 1)
            for i, (label, cells) in enumerate(zip(labels, published, strict=True))]
    return FigureTable(
        key="summary", title=_("Signals, persons and cases per year"),
        caption=_("Signals registered, persons they concern and cases opened, per year"),
        row_header=_("Year"), columns=[_("Signals"), _("Persons"), _("Cases opened")], rows=rows,
        note=_("A person with signals in several years counts once in each of those years and once in "
               "“All years”, so the years do not add up to “All years”."),
        chart_column=1,
    )


def form_table(filters: Filters) -> FigureTable:
    key = Coalesce("forms__parent_id", "forms__code")
    counts = _count(signals(filters), key, "submitted_at", SIGNAL_AGGREGATES, _signal_value(filters.measure))
    cats = [(f.code, f.name) for f in ExploitationForm.objects.filter(parent__isnull=True)]
    return _table("forms", _("Form of exploitation"),
                  _("Number of %(measure)s per year by form of exploitation") % {"measure": _measure_words(filters)},
                  _("Form of exploitation"), filters, cats, counts, total_label=_("All forms"),
                  note=_("A signal can name more than one form, so the forms add up to more than the total."))


def reporter_table(filters: Filters) -> FigureTable:
    counts = _count(signals(filters), F("reporting_organisation__type"), "submitted_at", SIGNAL_AGGREGATES,
                    _signal_value(filters.measure))
    cats = [(str(v), str(label)) for v, label in OrganisationType.choices]
    return _table("reporters", _("Reporting organisation"),
                  _("Number of %(measure)s per year by type of reporting organisation")
                  % {"measure": _measure_words(filters)},
                  _("Reporting organisation"), filters, cats, counts, total_label=_("All organisations"),
                  note=_("A person reported by several kinds of organisation counts once under each of them."))


def age_expression() -> CaseWhen:
    return CaseWhen(
        When(age_at_signal__lt=18, then=Value("lt18")),
        When(age_at_signal__lte=23, then=Value("18_23")),
        When(age_at_signal__lte=30, then=Value("24_30")),
        When(age_at_signal__lte=45, then=Value("31_45")),
        When(age_at_signal__gte=46, then=Value("46plus")),
        When(is_minor=True, then=Value("lt18")),
        default=Value("unknown"), output_field=CharField(),
    )


def age_table(filters: Filters) -> FigureTable:
    counts = _count(signals(filters), age_expression(), "submitted_at", SIGNAL_AGGREGATES,
                    _signal_value(filters.measure))
    cats = [*AGE_GROUPS, ("unknown", _("Unknown"))]
    return _table("age", _("Age"),
                  _("Number of %(measure)s per year by age at the signal") % {"measure": _measure_words(filters)},
                  _("Age group"), filters, cats, counts, total_label=_("All ages"),
                  note=_("Age at the time of the signal (from the date of birth, else the estimated age). "
                         "“Under 18” without an age counts in <18."))


def gender_table(filters: Filters) -> FigureTable:
    counts = _count(signals(filters), F("gender"), "submitted_at", SIGNAL_AGGREGATES, _signal_value(filters.measure))
    cats = [(str(v), str(label)) for v, label in Gender.choices]
    return _table("gender", _("Gender"),
                  _("Number of %(measure)s per year by gender") % {"measure": _measure_words(filters)},
                  _("Gender"), filters, cats, counts, total_label=_("All genders"))


def nationality_table(filters: Filters) -> FigureTable:
    base = signals(filters)
    top = list(base.exclude(nationality__isnull=True).values("nationality_id").annotate(n=Count("pk"))
               .order_by("-n", "nationality_id").values_list("nationality_id", flat=True)[:TOP_NATIONALITIES])
    key = CaseWhen(When(nationality_id__in=top, then=F("nationality_id")),
                When(nationality__isnull=True, then=Value("unknown")),
                default=Value("other"), output_field=CharField())
    counts = _count(base, key, "submitted_at", SIGNAL_AGGREGATES, _signal_value(filters.measure))
    names = {c.code: c.name for c in Country.objects.filter(code__in=top)}
    cats = [(code, names.get(code, code)) for code in top] + [("other", _("Other nationalities")),
                                                             ("unknown", _("Unknown"))]
    return _table("nationality", _("Nationality"),
                  _("Number of %(measure)s per year by nationality (the %(top)s most frequent, then the rest)")
                  % {"measure": _measure_words(filters), "top": TOP_NATIONALITIES},
                  _("Nationality"), filters, cats, counts, total_label=_("All nationalities"))


def region_table(filters: Filters) -> FigureTable:
    counts = _count(signals(filters), F("municipality__police_unit_id"), "submitted_at", SIGNAL_AGGREGATES,
                    _signal_value(filters.measure))
    cats = [(u.code, u.name) for u in PoliceUnit.objects.all()]
    return _table("region", _("Police region"),
                  _("Number of %(measure)s per year by police region where the person was met")
                  % {"measure": _measure_words(filters)},
                  _("Police region"), filters, cats, counts, total_label=_("The Netherlands"))


def _case_count(row: Mapping[str, Any]) -> int:
    return int(row["n"])


def status_table(filters: Filters) -> FigureTable:
    counts = _count(cases(filters), F("status"), "opened_at", {"n": Count("pk")}, _case_count)
    cats = [(str(v), str(label)) for v, label in CaseStatus.choices]
    return _table("status", _("Cases by status"), _("Cases opened per year, by their status today"),
                  _("Status"), filters, cats, counts, total_label=_("All cases"),
                  note=_("From signal to case: signals about the same person are joined in one case where the "
                         "reporter knew of it. Each case counts in the year it was opened."))


def close_reason_table(filters: Filters) -> FigureTable:
    counts = _count(cases(filters).filter(status=CaseStatus.CLOSED), F("close_reason"), "opened_at",
                    {"n": Count("pk")}, _case_count)
    cats = [(str(v), str(label)) for v, label in CloseReason.choices] + [("", _("No reason recorded"))]
    return _table("close_reasons", _("Closed cases by reason"),
                  _("Closed cases by reason for closing, per year the case was opened"),
                  _("Reason for closing"), filters, cats, counts, total_label=_("All closed cases"))


TABLES: dict[str, Callable[[Filters], FigureTable]] = {
    "summary": summary_table,
    "forms": form_table,
    "reporters": reporter_table,
    "age": age_table,
    "gender": gender_table,
    "nationality": nationality_table,
    "region": region_table,
    "status": status_table,
    "close_reasons": close_reason_table,
}


def all_tables(filters: Filters) -> list[FigureTable]:
    return [build(filters) for build in TABLES.values()]
