"""Pages for the functional admin: data-subject requests and the retention dry-run report.

Every page loads through ``selectors.require_handler`` / ``get_request_or_404`` (404 for anyone else) and
writes a processing log entry when it shows personal data.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.accounts.models import Role
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.lifecycle import retention, selectors, services
from vangnet.lifecycle.forms import NewRequestForm, RectificationForm, StatusForm
from vangnet.lifecycle.models import RequestKind, RequestStatus
from vangnet.lifecycle.schedule import schedule
from vangnet.signals.models import Signal


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.role == Role.FUNCTIONAL_ADMIN and not selectors.can_handle_requests(user):
        # the menu shows this page to every functional admin; only the controller's admins handle requests
        return render(request, "lifecycle/not_handler.html")
    requests = selectors.requests_for(user)
    show = request.GET.get("show", "open")
    if show != "all":
        requests = requests.exclude(status__in=[RequestStatus.COMPLETED, RequestStatus.PARTLY_REFUSED,
                                                RequestStatus.REFUSED])
    return render(request, "lifecycle/request_list.html", {
        "requests": requests, "show": show, "today": timezone.localdate(),
    })


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    selectors.require_handler(request.user)
    form = NewRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_request(
                kind=form.cleaned_data["kind"], case=form.cleaned_data["case_reference"],
                received_on=form.cleaned_data["received_on"], details=form.cleaned_data["details"],
                actor=request.user,
            )
        except services.RequestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Request %(ref)s registered. Answer before %(due)s.") % {
                "ref": created.reference, "due": created.due_on.strftime("%d-%m-%Y")})
            return redirect("lifecycle:detail", reference=created.reference)
    return render(request, "lifecycle/request_new.html", {"form": form})


def _detail_context(dsr: Any, **extra: Any) -> dict[str, Any]:
    cases = services.linked_cases(dsr.case)
    context: dict[str, Any] = {
        "dsr": dsr, "cases": cases, "history": dsr.history.all(),
        "status_form": StatusForm(current=dsr.status) if dsr.is_open else None,
        "today": timezone.localdate(),
    }
    if dsr.kind == RequestKind.ERASURE:
        context["plan"] = services.erasure_plan(dsr)
    if dsr.kind == RequestKind.RESTRICTION:
        context["restricted"] = services.active_restrictions(cases)
    if dsr.kind == RequestKind.RECTIFICATION:
        signals = list(Signal.objects.filter(case__in=cases).order_by("submitted_at", "id"))
        context["signals"] = signals
        context.setdefault("rectification_form", RectificationForm(signals=signals))
    context.update(extra)
    return context


@login_required
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    dsr = selectors.get_request_or_404(request.user, reference)
    log_processing("data_subject_requests", Action.READ, subject=dsr.case, obj=dsr, fields=["details", "outcome"])
    return render(request, "lifecycle/request_detail.html", _detail_context(dsr))


@login_required
@require_POST
def request_status(request: HttpRequest, reference: str) -> HttpResponse:
    dsr = selectors.get_request_or_404(request.user, reference)
    form = StatusForm(request.POST, current=dsr.status)
    if form.is_valid():
        try:
            services.change_status(dsr.pk, form.cleaned_data["to_status"], actor=request.user,
                                   note=form.cleaned_data["note"], outcome=form.cleaned_data["outcome"] or None)
        except services.RequestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The status was changed."))
            return redirect("lifecycle:detail", reference=dsr.reference)
    return render(request, "lifecycle/request_detail.html", _detail_context(dsr, status_form=form), status=400)


def _access(request: HttpRequest, reference: str, fmt: str) -> tuple[Any, dict[str, Any]]:
    dsr = selectors.get_request_or_404(request.user, reference)
    if dsr.kind != RequestKind.ACCESS:
        from django.http import Http404

        raise Http404
    report = selectors.access_report(dsr)
    services.record_access_export(dsr, actor=request.user, fmt=fmt)
    return dsr, report


@login_required
def access_html(request: HttpRequest, reference: str) -> HttpResponse:
    dsr, report = _access(request, reference, "html")
    return render(request, "lifecycle/access_report.html", {"dsr": dsr, "report": report,
                                                             "printed_at": timezone.now()})


@login_required
def access_json(request: HttpRequest, reference: str) -> HttpResponse:
    dsr, report = _access(request, reference, "json")
    response = HttpResponse(json.dumps(report, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{dsr.reference}.json"'
    return response


@login_required
@require_POST
def rectify(request: HttpRequest, reference: str) -> HttpResponse:
    dsr = selectors.get_request_or_404(request.user, reference)
    cases = services.linked_cases(dsr.case)
    signals = list(Signal.objects.filter(case__in=cases).order_by("submitted_at", "id"))
    form = RectificationForm(request.POST, signals=signals)
    if form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.RECTIFIABLE_FIELDS
                   if name in request.POST and request.POST.get(name, "") != ""}
        try:
            signal = services.rectify(dsr, form.cleaned_data["signal"], changes, actor=request.user)
        except services.RequestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Signal %(ref)s was corrected.") % {"ref": signal.reference})
            return redirect("lifecycle:detail", reference=dsr.reference)
    return render(request, "lifecycle/request_detail.html", _detail_context(dsr, rectification_form=form),
                  status=400)


@login_required
@require_POST
def restrict(request: HttpRequest, reference: str) -> HttpResponse:
    dsr = selectors.get_request_or_404(request.user, reference)
    try:
        if request.POST.get("lift"):
            count = services.lift_restriction(dsr, actor=request.user)
            messages.success(request, _("Restriction lifted for %(n)s case(s).") % {"n": count})
        else:
            count = services.restrict(dsr, actor=request.user)
            messages.success(request, _("Processing restricted for %(n)s case(s).") % {"n": count})
    except services.RequestError as exc:
        messages.error(request, str(exc))
    return redirect("lifecycle:detail", reference=dsr.reference)


@login_required
@require_POST
def erase(request: HttpRequest, reference: str) -> HttpResponse:
    dsr = selectors.get_request_or_404(request.user, reference)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the erasure."))
        return redirect("lifecycle:detail", reference=dsr.reference)
    try:
        erased, kept = services.erase(dsr, actor=request.user)
    except services.RequestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(erased)s signal(s) erased; %(kept)s kept because the law requires it.")
                         % {"erased": erased, "kept": kept})
    return redirect("lifecycle:detail", reference=dsr.reference)


@login_required
def retention_report(request: HttpRequest) -> HttpResponse:
    """The dry run: what the schedule would anonymise or delete today. Counts only, no personal data."""
    selectors.require_handler(request.user)
    from vangnet.lifecycle.models import RetentionRun

    sched = schedule()
    return render(request, "lifecycle/retention.html", {
        "schedule": sched, "rows": retention.report(sched=sched), "now": timezone.now(),
        "runs": RetentionRun.objects.filter(dry_run=False)[:10],
    })
