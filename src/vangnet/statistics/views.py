"""Figures for the national coordinator and the analyst (rapporteur): aggregates only, never a person.

Every other role gets a 404, as for any page it may not see (docs/adr/0002). Every view appends a
``statistics_anonymised`` read to the processing log, without a subject.
"""

from __future__ import annotations

import csv
import logging
import math
from typing import Any

import numpy as np
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from vangnet.accounts.models import Role
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.estimation import Estimate, EstimationError, estimate
from vangnet.statistics import chain as chain_selectors
from vangnet.statistics import charts, monitor, selectors
from vangnet.statistics.capture import CaptureHistories, capture_histories
from vangnet.statistics.estimate import covariate_names, live_estimate
from vangnet.statistics.forms import FIRST_YEAR, MAX_YEARS, filters_from
from vangnet.statistics.suppression import suppress

logger = logging.getLogger(__name__)

FIGURE_ROLES = {Role.ANALYST, Role.NATIONAL_COORDINATOR}
LOGGED_FIELDS = ["submitted_at", "forms", "reporting_organisation", "age_at_signal", "gender", "nationality",
                 "municipality", "cluster_id", "status", "close_reason"]


def _figures_only(request: HttpRequest) -> None:
    user: Any = request.user
    if not (user.is_active and user.role in FIGURE_ROLES):
        raise Http404


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _figures_only(request)
    form, filters = filters_from(request.GET)
    tables = selectors.all_tables(filters)
    log_processing("statistics_anonymised", Action.READ, fields=LOGGED_FIELDS)
    params: dict[str, str | int] = {"year_from": filters.year_from, "year_to": filters.year_to,
                                    "exploitation": filters.form, "measure": filters.measure}
    query = urlencode(params)
    return render(request, "statistics/index.html", {
        "form": form, "filters": filters, "query": query,
        "tables": [{"table": t, "chart": charts.bar_chart(t)} for t in tables],
    })


@login_required
def table_csv(request: HttpRequest, key: str) -> HttpResponse:
    _figures_only(request)
    build = selectors.TABLES.get(key)
    if build is None:
        raise Http404
    _form, filters = filters_from(request.GET)
    table = build(filters)
    log_processing("statistics_anonymised", Action.EXPORT, fields=LOGGED_FIELDS)
    name = f"vangnet-{key}-{filters.measure}-{filters.year_from}-{filters.year_to}"
    if filters.form:
        name += f"-{filters.form}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    for row in table.csv_rows():
        writer.writerow([_safe_csv(v) for v in row])
    return response


def _safe_csv(value: str) -> str:
    """Labels never start a formula in a spreadsheet."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _number(x: float) -> str:
    return number_format(round(x), force_grouping=True) if math.isfinite(x) else _("unbounded")


def _result(result: Estimate, capture: CaptureHistories) -> dict[str, Any]:
    labels = {lst.code: str(lst.label) for lst in capture.lists}
    names = [labels[c] for c in result.table.lists]
    return {
        "observed": result.observed, "total": _number(result.total), "dark": _number(result.dark_figure),
        "ci_low": _number(result.ci_low), "ci_high": _number(result.ci_high),
        "level": round(result.level * 100), "ci_method": result.ci_label,
        "share_seen": round(100 * result.observed / result.total) if result.total > 0 else 100,
        "spec": result.model.spec, "interactions": result.model.interaction_labels(names, sep=" × "),
        "lists": names,
    }


def _history_table(capture: CaptureHistories) -> dict[str, Any]:
    """The capture histories as published: small counts suppressed, with the number of persons seen as
    their total (so one hidden history cannot be worked out from it)."""
    codes, rows = capture.rows()
    labels = {lst.code: str(lst.label) for lst in capture.lists}
    published = suppress([[n] for _h, n in rows] + [[capture.observed]], total_row=True)
    observed = published[-1][0]
    return {"lists": [labels[c] for c in codes],
            "rows": [{"history": [bool(b) for b in h], "cell": cells[0]} for (h, _n), cells in zip(
                rows, published[:-1], strict=True)],
            "observed": observed.display if observed.suppressed else _number(observed.value)}


@login_required
def estimate_view(request: HttpRequest) -> HttpResponse:
    _figures_only(request)
    form, filters = filters_from(request.GET, with_measure=False)
    capture = capture_histories(filters)
    result: dict[str, Any] | None = None
    error = ""
    try:
        result = _result(estimate(capture.table(), "stepwise"), capture)
    except EstimationError as exc:
        error = " ".join(str(exc).split())
    except (ArithmeticError, ValueError, np.linalg.LinAlgError):
        logger.exception("estimation failed")
        error = _("The estimate could not be computed for these years. Try a longer period.")
    live: dict[str, Any] | None = None
    live_error = ""
    try:
        live = _live(live_estimate(filters), capture)
    except EstimationError as exc:
        live_error = " ".join(str(exc).split())
    except (ArithmeticError, ValueError, np.linalg.LinAlgError):
        logger.exception("estimation with covariates failed")
        live_error = _("The estimate could not be computed for these years. Try a longer period.")
    log_processing("statistics_anonymised", Action.READ,
                   fields=["submitted_at", "reporting_organisation", "cluster_id", "forms", "age_at_signal",
                           "gender"])
    totals = [(str(lst.label), cell) for (lst, _n), cell in zip(
        capture.list_totals(), suppress([[n] for _l, n in capture.list_totals()]), strict=True)]
    return render(request, "statistics/estimate.html", {
        "form": form, "filters": filters, "capture": capture, "result": result, "error": error,
        "list_totals": [(label, cells[0]) for label, cells in totals],
        "history": _history_table(capture), "empty_lists": [str(lst.label) for lst in capture.empty_lists()],
        "breadcrumbs": [{"url": reverse("statistics:index"), "label": _("Figures")},
                        {"url": "", "label": _("Estimate of the dark number")}],
        "anonymous": suppress([[capture.anonymous_signals]])[0][0],
        "live": live, "live_error": live_error,
    })


@login_required
def chain_view(request: HttpRequest) -> HttpResponse:
    """The chain from signal to verdict, in persons (docs/statistics.md, "The chain")."""
    _figures_only(request)
    form, filters = filters_from(request.GET, with_measure=False)
    result = chain_selectors.chain(filters)
    log_processing("statistics_anonymised", Action.READ,
                   fields=["submitted_at", "cluster_id", "forms", "triage", "admission_date", "procedure_steps"])
    return render(request, "statistics/chain.html", {
        "form": form, "filters": filters, "chain": result, "chart": charts.bar_chart(result.flow),
        "breakdowns": result.breakdowns,
        "breadcrumbs": [{"url": reverse("statistics:index"), "label": _("Figures")},
                        {"url": "", "label": _("From signal to verdict")}],
    })


def _monitor_year(raw: str | None) -> int:
    this_year = timezone.localdate().year
    if raw and raw.isdigit() and FIRST_YEAR <= int(raw) <= this_year:
        return int(raw)
    return this_year - 1  # the last whole year


def _monitor_context(year: int) -> dict[str, Any]:
    result = monitor.build(year)
    log_processing("statistics_anonymised", Action.READ,
                   fields=[*LOGGED_FIELDS, "triage", "admission_date", "procedure_steps", "controls"])
    return {
        "monitor": result,
        "charts": {"figures": [{"table": t, "chart": charts.bar_chart(t)} for t in result.figures],
                   "chain": charts.bar_chart(result.chain.flow)},
    }


@login_required
def monitor_view(request: HttpRequest) -> HttpResponse:
    """The annual monitor for the National Rapporteur (docs/statistics.md, "The annual monitor")."""
    _figures_only(request)
    year = _monitor_year(request.GET.get("year"))
    this_year = timezone.localdate().year
    return render(request, "statistics/monitor.html", {
        **_monitor_context(year), "years": list(range(this_year, this_year - MAX_YEARS, -1)),
        "breadcrumbs": [{"url": reverse("statistics:index"), "label": _("Figures")},
                        {"url": "", "label": _("Annual monitor")}],
    })


@login_required
def monitor_pdf(request: HttpRequest, year: int) -> HttpResponse:
    _figures_only(request)
    if year != _monitor_year(str(year)):
        raise Http404
    html = render_to_string("statistics/monitor_pdf.html", _monitor_context(year), request=request)
    response = HttpResponse(monitor.to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="monitor-{year}.pdf"'
    return response


# ----------------------------------------------------------------------------- estimate with covariates
def _source_label(sources: tuple[str, ...]) -> str:
    names = {"stepwise": _("chosen step by step"), "plain": _("without covariates (step by step)"),
             "latent": _("latent classes (Bayesian)")}
    return " = ".join(names.get(s) or _("BIC rank %(n)s") % {"n": s.removeprefix("bic-")} for s in sources)


def _live(live: Any, capture: CaptureHistories) -> dict[str, Any]:
    """Numbers and charts of the estimate with covariates, formatted for the page (charts as SVG strings
    built in Python, so their coordinates never depend on the language)."""
    from django.utils.safestring import mark_safe

    from vangnet.estimation.sensitivity import IntervalItem, Sensitivity, SensitivityRow, interval_svg

    est = live.estimate
    table = live.table
    labels = {lst.code: str(lst.label) for lst in capture.lists}
    cov_names = covariate_names()
    names = {**labels, **cov_names}
    fit = est.fit
    terms = sorted(fit.model.terms, key=lambda t: [list(table.lists + table.covariates).index(x) for x in t])
    years = est.by("year")
    published = suppress([[r.observed] for r in years] + [[est.total.observed]], total_row=True) if years else []
    year_rows = [{"year": r.level, "observed": cells[0].display, "estimate": _number(r.estimate),
                  "low": _number(r.ci_low), "high": _number(r.ci_high)}
                 for r, cells in zip(years, published[:-1], strict=True)]
    rows: list[SensitivityRow] = list(live.sensitivity.rows)
    if live.plain is not None:
        rows.append(live.plain)
    if live.latent is not None:
        lat = live.latent
        rows.append(SensitivityRow(("latent",), "", "", math.nan, math.nan, lat.estimate, lat.ci_low, lat.ci_high))
    spread = Sensitivity(tuple(rows), table.observed)
    sens_rows = [{"label": _source_label(r.sources), "model": r.model,
                  "delta": number_format(r.delta, 1) if math.isfinite(r.delta) else "–",
                  "estimate": _number(r.estimate), "low": _number(r.ci_low), "high": _number(r.ci_high)}
                 for r in rows]
    warning = ""
    if spread.disagree:
        warning = _("Models that fit the lists about equally well give very different answers: from %(low)s to "
                    "%(high)s, a factor %(factor)s. The data cannot tell which is right. Do not use one of these "
                    "numbers without this spread.") % {
            "low": _number(spread.low), "high": _number(spread.high), "factor": number_format(spread.ratio, 1)}
    year_chart = interval_svg(
        [IntervalItem(r.level, r.estimate, r.ci_low, r.ci_high, r.observed) for r in years],
        title=_("Estimated number of victims per year with interval; the light bar is the number seen"),
    ) if years else ""
    sens_chart = interval_svg(
        [IntervalItem(row["label"], r.estimate, r.ci_low, r.ci_high) for row, r in zip(sens_rows, rows, strict=True)],
        title=_("Estimates of the credible models with their intervals; the dashed line is the number seen"),
        observed=table.observed, observed_label=_("seen"),
    )
    return {
        "total": _number(est.total.estimate), "low": _number(est.total.ci_low), "high": _number(est.total.ci_high),
        "observed": _number(table.observed), "level": round(est.level * 100),
        "covariates": [cov_names[c] for c in table.covariates],
        "terms": [" × ".join(names.get(x, x) for x in t) for t in terms],
        "years": year_rows, "year_chart": mark_safe(year_chart),  # numbers and escaped labels only
        "sensitivity": sens_rows, "sensitivity_chart": mark_safe(sens_chart),
        "spread_low": _number(spread.low), "spread_high": _number(spread.high),
        "factor": number_format(spread.ratio, 2), "warning": warning,
        "latent": live.latent is not None,
        "latent_unsettled": live.latent is not None and not live.latent.converged,
    }
