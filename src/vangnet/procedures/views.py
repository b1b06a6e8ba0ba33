from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from vangnet.accounts.models import Organisation, Role
from vangnet.audit.context import processing_context
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.cases.access import CASE_ROLES, get_case_or_404
from vangnet.procedures import calendar_feed, services
from vangnet.procedures.definitions import load
from vangnet.procedures.forms import StartForm, StepForm
from vangnet.procedures.models import Procedure
from vangnet.procedures.selectors import (
    deadline_label,
    feed_deadlines,
    may_record,
    organisation_deadlines,
    startable,
    week_end,
)


def _writer_access(request: HttpRequest, reference: str):  # type: ignore[no-untyped-def]
    access = get_case_or_404(request.user, reference)
    if not may_record(request.user, access):
        raise Http404
    return access


@login_required
def start(request: HttpRequest, reference: str) -> HttpResponse:
    access = _writer_access(request, reference)
    org = request.user.organisation  # type: ignore[union-attr]
    options = startable(access.case, org.type)
    if not options:
        raise Http404
    initial = {"on": timezone.localdate()}
    if request.GET.get("procedure") in {p.code for p in options}:
        initial["procedure"] = request.GET["procedure"]
    form = StartForm(request.POST or None, procedures=options, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_procedure(access.case, form.cleaned_data["procedure"], organisation=org,
                                     actor=request.user, on=form.cleaned_data["on"])
        except services.ProcedureRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The procedure is started."))
            return redirect(reverse("cases:detail", args=[reference]) + "#procedures")
    status = 400 if request.method == "POST" else 200
    return render(request, "procedures/start.html", {"case": access.case, "form": form}, status=status)


@login_required
def record(request: HttpRequest, reference: str, procedure_id: int) -> HttpResponse:
    access = _writer_access(request, reference)
    procedure = get_object_or_404(Procedure, pk=procedure_id, case=access.case)
    org = request.user.organisation  # type: ignore[union-attr]
    definition = load().get(procedure.code)
    steps = [s for s in definition.steps_from(procedure.state) if org.type in s.by] if procedure.is_open else []
    if not steps:
        raise Http404
    form = StepForm(request.POST or None, steps=steps, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_step(procedure.pk, form.cleaned_data["step"], on=form.cleaned_data["on"],
                                 organisation=org, actor=request.user,
                                 document_reference=form.cleaned_data["document_reference"])
        except services.ProcedureRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The step is recorded."))
            return redirect(reverse("cases:detail", args=[reference]) + "#procedures")
    log_processing("legal_procedures", Action.READ, subject=access.case, obj=procedure, fields=["procedure", "state"])
    status = 400 if request.method == "POST" else 200
    return render(request, "procedures/record.html", {
        "case": access.case, "procedure": procedure, "definition": definition, "form": form,
        "history": list(procedure.steps.select_related("organisation")),
    }, status=status)


@login_required
def deadlines(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in CASE_ROLES | {Role.NATIONAL_COORDINATOR} or user.organisation_id is None:  # type: ignore[union-attr]
        raise Http404
    today = timezone.localdate()
    groups = organisation_deadlines(user, today=today)
    for rows in groups.values():
        for d in rows:
            d.label = deadline_label(d)  # type: ignore[attr-defined]
    log_processing("legal_procedures", Action.READ, fields=["case_reference", "deadline", "due"])
    feed = request.build_absolute_uri(reverse("procedures:calendar", args=[
        user.organisation_id, calendar_feed.token_for(user.organisation_id)]))  # type: ignore[union-attr]
    return render(request, "procedures/deadlines.html", {
        "groups": groups, "today": today, "week_end": week_end(today), "feed_url": feed,
        "reminder_days": settings.VANGNET_DEADLINE_REMINDER_DAYS,
    })


def calendar(request: HttpRequest, organisation_id: int, token: str) -> HttpResponse:
    """The secret-URL iCalendar feed: 404 for a wrong token, so a guessed URL reveals nothing."""
    if not calendar_feed.token_ok(organisation_id, token):
        raise Http404
    organisation = get_object_or_404(Organisation, pk=organisation_id, is_active=True)
    with override(settings.LANGUAGE_CODE):
        rows = [(d, deadline_label(d)) for d in feed_deadlines(organisation.pk)]
        name = _("Vangnet deadlines")
    with processing_context(organisation=organisation, actor_label="calendar-feed"):
        log_processing("legal_procedures", Action.READ, organisation=organisation,
                       fields=["case_reference", "deadline", "due"])
    body = calendar_feed.render(rows, name=name, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
