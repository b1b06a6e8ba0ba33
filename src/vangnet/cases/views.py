from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.accounts.models import Role
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.cases import panels, services
from vangnet.cases.access import get_case_or_404
from vangnet.cases.forms import ConsentForm, StatusChangeForm
from vangnet.cases.models import CaseStatus, Urgency
from vangnet.cases.selectors import WorklistFilter, case_forms, case_page, worklist
from vangnet.regions.models import Municipality
from vangnet.signals.models import ExploitationForm

WORKLIST_ROLES = {Role.REPORTER, Role.CARE_COORDINATOR, Role.SHELTER_INTAKE, Role.NATIONAL_COORDINATOR}


@login_required
def worklist_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in WORKLIST_ROLES:  # type: ignore[union-attr]
        raise Http404
    f = WorklistFilter.from_query(request.GET, user)
    cases, counts = worklist(user, f)
    page = Paginator(cases, settings.WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page:
        case.form_list = case_forms(case)  # type: ignore[attr-defined]
    log_processing("worklist", Action.READ, fields=["reference", "status", "urgency", "municipality", "forms"])
    context = {
        "page_obj": page, "filter": f, "counts": counts, "total": sum(counts.values()),
        "statuses": CaseStatus.choices, "urgencies": Urgency.choices,
        "forms": ExploitationForm.objects.filter(parent__isnull=True),
        "municipalities": Municipality.objects.filter(police_unit_id=user.organisation.region_id)  # type: ignore[union-attr]
        if getattr(user.organisation, "region_id", None) else Municipality.objects.all(),  # type: ignore[union-attr]
        "querystring": f.querystring(), "today": timezone.localdate(),
    }
    template = "cases/_worklist_table.html" if request.headers.get("HX-Request") else "cases/worklist.html"
    return render(request, template, context)


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    access = get_case_or_404(request.user, reference)
    if access.basis == "involvement:handover":
        # a receiving organisation sees the purpose-limited view, field by field (vangnet.sharing)
        return redirect("sharing:shared_case", reference)
    case = access.case
    context = case_page(case, access.sections)
    read_fields = sorted(access.sections)
    log_processing("case_management", Action.READ, subject=case, obj=case, fields=read_fields)
    context.update({
        "case": case, "access": access, "panels": panels.render_context(request, access),
        "status_form": StatusChangeForm(case=case) if access.can_change_status else None,
        "consent_form": ConsentForm(initial={"obtained_by": request.user.display_name}) if access.can("consent")  # type: ignore[union-attr]
        and access.basis.startswith("involvement:") else None,
    })
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def change_status(request: HttpRequest, reference: str) -> HttpResponse:
    access = get_case_or_404(request.user, reference)
    if not access.can_change_status:
        raise Http404
    form = StatusChangeForm(request.POST, case=access.case)
    if form.is_valid():
        try:
            services.change_status(access.case.pk, form.cleaned_data["to_status"], actor=request.user,
                                   reason=form.cleaned_data["reason"], note=form.cleaned_data["note"])
        except (services.TransitionNotAllowed, services.ReasonRequired) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The status is changed."))
            return redirect("cases:detail", reference)
    context = case_page(access.case, access.sections)
    context.update({"case": access.case, "access": access, "status_form": form, "consent_form": None,
                    "panels": panels.render_context(request, access)})
    return render(request, "cases/detail.html", context, status=400)


@login_required
@require_POST
def record_consent(request: HttpRequest, reference: str) -> HttpResponse:
    access = get_case_or_404(request.user, reference)
    if not (access.can("consent") and access.basis.startswith("involvement:")):
        raise Http404
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.record_consent(access.case, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The consent is recorded."))
        return redirect("cases:detail", reference)
    context = case_page(access.case, access.sections)
    context.update({"case": access.case, "access": access, "consent_form": form,
                    "panels": panels.render_context(request, access),
                    "status_form": StatusChangeForm(case=access.case) if access.can_change_status else None})
    return render(request, "cases/detail.html", context, status=400)
