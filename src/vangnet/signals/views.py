"""The signal flow: new draft → steps → review → submit; and the reporter's own signals."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vangnet.accounts.models import Role
from vangnet.cases.access import get_case_or_404
from vangnet.signals import drafts
from vangnet.signals.forms import FIELD_STEP, STEP_ORDER, STEPS
from vangnet.signals.models import SignalDraft
from vangnet.signals.selectors import own_signals
from vangnet.signals.services import InvalidSignal, register_signal

REPORTING_ROLES = {Role.REPORTER, Role.CARE_COORDINATOR, Role.SHELTER_INTAKE, Role.NATIONAL_COORDINATOR}


def _require_reporting_role(request: HttpRequest) -> None:
    if request.user.role not in REPORTING_ROLES or request.user.organisation_id is None:  # type: ignore[union-attr]
        raise Http404


def _steps_nav(draft: SignalDraft, current: str) -> list[dict[str, Any]]:
    labels = {name: form.title for name, form in STEPS.items()} | {"review": _("Check and send")}
    return [{"name": name, "label": labels[name], "current": name == current,
             "done": name in draft.data} for name in STEP_ORDER]


@login_required
@require_POST
def new_signal(request: HttpRequest) -> HttpResponse:
    _require_reporting_role(request)
    data: dict[str, Any] = {}
    attach = request.POST.get("case")
    if attach:
        data["attach_to"] = get_case_or_404(request.user, attach).case.reference
    draft = SignalDraft.objects.create(owner=request.user, data=data)
    return redirect("signals:step", draft.public_id, "situation")


@login_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, draft_id: Any, step: str) -> HttpResponse:
    _require_reporting_role(request)
    draft = drafts.get_draft_or_404(request.user, draft_id)
    if step not in STEPS:
        raise Http404
    if request.method == "POST":
        drafts.save_step(draft, step, request.POST)
        if request.POST.get("action") == "save":
            messages.success(request, _("Your draft is saved. You can continue later from “My signals”."))
            return redirect("signals:step", draft.public_id, step)
        form = drafts.bind_step(draft, step)
        if form.is_valid():
            target = request.POST.get("goto")
            if target not in STEP_ORDER:
                target = STEP_ORDER[STEP_ORDER.index(step) + 1]
            return redirect("signals:step", draft.public_id, target) if target != "review" else redirect(
                "signals:review", draft.public_id)
    else:
        form = drafts.unbound_step(draft, step)
    index = STEP_ORDER.index(step)
    return render(request, "signals/step.html", {
        "draft": draft, "form": form, "step": step, "step_title": STEPS[step].title, "steps": _steps_nav(draft, step),
        "step_number": index + 1, "step_total": len(STEP_ORDER),
        "previous_step": STEP_ORDER[index - 1] if index else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, draft_id: Any) -> HttpResponse:
    _require_reporting_role(request)
    draft = drafts.get_draft_or_404(request.user, draft_id)
    forms = {name: drafts.bind_step(draft, name) for name in STEPS}
    invalid = [name for name, form in forms.items() if not form.is_bound or not form.is_valid()]
    if request.method == "POST" and not invalid:
        data = drafts.build_input({name: form.cleaned_data for name, form in forms.items()})
        attach_ref = draft.data.get("attach_to")
        attach_to = get_case_or_404(request.user, attach_ref).case if attach_ref else None
        try:
            signal = register_signal(data, organisation=request.user.organisation, actor=request.user,  # type: ignore[union-attr]
                                     attach_to=attach_to, draft=draft)
        except InvalidSignal as exc:
            first_step = None
            for field, errors in exc.errors.items():
                target = FIELD_STEP.get(field, "situation")
                first_step = first_step or target
                for error in errors:
                    messages.error(request, error)
            return redirect("signals:step", draft.public_id, first_step or "situation")
        messages.success(request, _("Signal %(ref)s is registered. The care coordinator of the region has been "
                                    "informed.") % {"ref": signal.reference})
        return redirect("cases:detail", signal.case.reference)
    if request.method == "POST" and invalid:
        messages.error(request, _("Some steps are not complete. Check the steps marked below."))
    return render(request, "signals/review.html", {
        "draft": draft, "invalid": invalid, "steps": _steps_nav(draft, "review"),
        "sections": [{"name": name, "title": form.title, "rows": drafts.describe(form) if name not in invalid else None}
                     for name, form in forms.items()],
        "step_number": len(STEP_ORDER), "step_total": len(STEP_ORDER),
    })


@login_required
@require_POST
def discard(request: HttpRequest, draft_id: Any) -> HttpResponse:
    draft = drafts.get_draft_or_404(request.user, draft_id)
    draft.delete()
    messages.success(request, _("The draft is deleted."))
    return redirect("signals:mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    _require_reporting_role(request)
    scope = "organisation" if request.GET.get("scope") == "organisation" else "mine"
    page = Paginator(own_signals(request.user, scope=scope), settings.WORKLIST_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "signals/mine.html", {
        "page_obj": page, "scope": scope, "querystring": f"scope={scope}",
        "drafts": SignalDraft.objects.filter(owner=request.user).only("public_id", "step", "updated_at"),
    })
