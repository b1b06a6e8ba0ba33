"""Prostitution controls: register (municipality, police), list, and the report against targets."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.controls import access, charts, selectors, services
from vangnet.controls.forms import ControlForm
from vangnet.controls.models import Control, LocationKind

REPORT_FIELDS = ["municipality", "performed_on", "location_kind", "workers_spoken", "indicators_checked", "signals"]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    access.require_report(user)
    own = Control.objects.none()
    if access.may_register(user):
        own = (Control.objects.filter(organisation=user.organisation).select_related("municipality")
               .prefetch_related("signals")[:100])
        log_processing("prostitution_control_reporting", Action.READ, fields=REPORT_FIELDS)
    return render(request, "controls/index.html", {
        "controls": own, "may_register": access.may_register(user),
    })


@login_required
def new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    access.require_register(user)
    form = ControlForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.register_control(
            user=user, municipality=data["municipality"], performed_on=data["performed_on"],
            location_kind=data["location_kind"], workers_spoken=data["workers_spoken"],
            indicators=data["indicators"], signals=data["signal_numbers"],
        )
        messages.success(request, _("The control has been registered."))
        return redirect("controls:index")
    return render(request, "controls/new.html", {"form": form}, status=400 if form.errors else 200)


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    if raw.isdigit() and 2000 <= int(raw) <= this_year + 1:
        return int(raw)
    return this_year


def _report_for(request: HttpRequest) -> selectors.ControlsReport:
    user: Any = request.user
    access.require_report(user)
    scope = None if access.sees_national_report(user) else access.municipalities_for(user)
    report = selectors.report(_year(request), scope)
    log_processing("prostitution_control_reporting", Action.READ, fields=REPORT_FIELDS)
    return report


@login_required
def report(request: HttpRequest) -> HttpResponse:
    result = _report_for(request)
    user: Any = request.user
    return render(request, "controls/report.html", {
        "report": result, "chart": charts.achievement_chart(result), "years": selectors.years_with_data(),
        "kinds": LocationKind.choices, "national": access.sees_national_report(user),
    })


@login_required
def report_csv(request: HttpRequest) -> HttpResponse:
    result = _report_for(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="controls-{result.year}.csv"'
    writer = csv.writer(response)
    writer.writerow(["municipality_code", "municipality", "target", "controls", "achievement", "workers_spoken",
                     "signals", *LocationKind.values, "uniformity"])
    for row in result.rows:
        writer.writerow([row.code, row.name, "" if row.target is None else row.target, row.controls,
                         "" if row.achievement is None else f"{row.achievement:.3f}", row.workers_spoken,
                         row.signals, *(row.by_kind[k] for k in LocationKind.values),
                         "" if row.uniformity is None else f"{row.uniformity:.3f}"])
    return response
