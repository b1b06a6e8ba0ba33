from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS, content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.accounts.models import Role
from vangnet.audit.models import Action
from vangnet.audit.services import deferred_log, log_processing
from vangnet.cases import panels, services
from vangnet.cases.access import ended_access_url, get_case_or_404
from vangnet.cases.attachments import AttachmentRefused
from vangnet.cases.forms import AttachmentForm, ConsentForm, NoteForm, SavedFilterForm, StatusChangeForm
from vangnet.cases.models import CaseAttachment, CaseStatus, SavedFilter, Urgency
from vangnet.cases.selectors import (
    WorklistFilter,
    case_attachments,
    case_forms,
    case_notes,
    case_page,
    case_viewers,
    changed_since_seen,
    worklist,
)
from vangnet.cases.summary import case_summary
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
    today = timezone.localdate()
    detail_url, assign_url = case_url("cases:detail"), case_url("cases:assign")
    may_assign = user.role == Role.CARE_COORDINATOR  # type: ignore[union-attr]
    for case in page:
        case.form_list = case_forms(case)  # type: ignore[attr-defined]
        case.age_days = (today - timezone.localdate(case.opened_at)).days  # type: ignore[attr-defined]
        case.changed = changed_since_seen(case)  # type: ignore[attr-defined]
        case.detail_url = detail_url(case.reference)  # type: ignore[attr-defined]
        # "Assign to me" in the row: a coordinator of the lead organisation, for an open case nobody has yet
        case.assign_url = (assign_url(case.reference) if may_assign and case.assigned_to_id is None  # type: ignore[attr-defined]
                           and case.lead_organisation_id == user.organisation_id  # type: ignore[union-attr]
                           and case.status != CaseStatus.CLOSED else None)
    log_processing("worklist", Action.READ, fields=["reference", "status", "urgency", "municipality", "forms",
                                                    "assigned_to"])
    querystring = f.querystring()
    context = {
        "may_assign": may_assign, "next_url": f"{request.path}?{querystring}" if querystring else request.path,
        "saved_filters": SavedFilter.objects.filter(user=user),
        "filter_form": SavedFilterForm(initial={"query": querystring}),
        "page_obj": page, "filter": f, "counts": counts, "total": sum(counts.values()),
        "statuses": CaseStatus.choices, "urgencies": Urgency.choices,
        "forms": ExploitationForm.objects.filter(parent__isnull=True),
        "municipalities": Municipality.objects.filter(police_unit_id=user.organisation.region_id)  # type: ignore[union-attr]
        if getattr(user.organisation, "region_id", None) else Municipality.objects.all(),  # type: ignore[union-attr]
        "querystring": querystring, "today": today,
        "person_search_url": _optional_url("persons:search"),
    }
    template = "cases/_worklist_table.html" if request.headers.get("HX-Request") else "cases/worklist.html"
    return render(request, template, context)


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        access = get_case_or_404(request.user, reference)
    except Http404:
        ended = ended_access_url(request.user, reference)  # a former handover recipient: say so, not "not found"
        if ended:
            return redirect(ended)
        raise
    if access.basis == "involvement:handover":
        # a receiving organisation sees the purpose-limited view, field by field (vangnet.sharing)
        return redirect("sharing:shared_case", reference)
    case = access.case
    # One short transaction for what opening the page writes: the page's log entries (the case read and, for
    # the lead, the review of who read it) are chained together at its end, locking the log's chain head
    # once, just before commit, together with "seen now".
    with transaction.atomic(), deferred_log():
        context = _detail_context(request, access, log_extra_reads=False)
        # one entry for the page, notes and attachments included: the page costs the same queries for every case
        read_fields = sorted(set(access.sections) | set(context["extra_read_fields"]))
        log_processing("case_management", Action.READ, subject=case, obj=case, fields=read_fields)
        services.mark_seen(request.user, case)
    context.update({
        "status_form": StatusChangeForm(case=case) if access.can_change_status else None,
        "consent_form": ConsentForm(initial={"obtained_by": request.user.display_name}) if access.can("consent")  # type: ignore[union-attr]
        and access.basis.startswith("involvement:") else None,
    })
    return render(request, "cases/detail.html", context)


def case_url(name: str) -> Callable[[str], str]:
    """``reverse(name, args=[reference])`` for the many rows of one page, resolved once: the pattern is
    reversed with a marker and each row's reference put in its place, quoted as ``reverse`` quotes it."""
    marker = "VNREFERENCEMARKER"
    head, tail = reverse(name, args=[marker]).split(marker)
    return lambda reference: f"{head}{quote(reference, safe=RFC3986_SUBDELIMS + '~:@')}{tail}"


def _optional_url(name: str) -> str | None:
    """A link to a page another capability adds (e.g. search by name and date of birth), when it exists."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _may_assign(user: Any, access: Any) -> bool:
    return bool(access.can_change_status and user.role == Role.CARE_COORDINATOR)


def _may_note(access: Any) -> bool:
    """Notes are for organisations with full access by involvement (lead, reporter); not national, not handover."""
    return access.basis in ("involvement:lead", "involvement:reporter")


def _detail_context(request: HttpRequest, access: Any, *, log_extra_reads: bool = True,
                    **overrides: Any) -> dict[str, Any]:
    """The structured case page: summary card, sections, notes, who looked (for the lead organisation)."""
    user: Any = request.user
    case = access.case
    context = case_page(case, access.sections)
    summary = case_summary(case)
    context.update({
        "case": case, "access": access, "panels": panels.render_context(request, access),
        "summary": summary, "may_assign": _may_assign(user, access),
        "assignable": services.assignable_users(case) if _may_assign(user, access) else [],
        "may_note": _may_note(access), "note_form": NoteForm(),
        "notes": case_notes(case) if _may_note(access) else [],
        "attachment_form": AttachmentForm(),
        "attachments": case_attachments(case) if _may_note(access) else [],
        "viewers": None,
    })
    if access.basis == "involvement:lead":
        context["viewers"] = case_viewers(case)
        log_processing("processing_log_review", Action.READ, subject=case, obj=case,
                       fields=["actor", "organisation", "at", "action"])
    context["extra_read_fields"] = [f for f, rows in (("note", context["notes"]),
                                                      ("filename", context["attachments"])) if rows]
    if log_extra_reads and context["extra_read_fields"]:
        log_processing("case_management", Action.READ, subject=case, obj=case, fields=context["extra_read_fields"])
    context.update(overrides)
    return context


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
    context = _detail_context(request, access, status_form=form, consent_form=None)
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
    context = _detail_context(request, access, consent_form=form,
                              status_form=StatusChangeForm(case=access.case) if access.can_change_status else None)
    return render(request, "cases/detail.html", context, status=400)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return default


@login_required
@require_POST
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    """Assign the case: to me, to a named coordinator of the lead organisation, or to nobody."""
    user: Any = request.user
    access = get_case_or_404(user, reference)
    if not _may_assign(user, access):
        raise Http404
    choice = (request.POST.get("assignee") or "").strip()
    assignee = None
    if choice == "me":
        assignee = user
    elif choice:
        assignee = services.assignable_users(access.case).filter(pk=choice if choice.isdigit() else 0).first()
        if assignee is None:
            messages.error(request, _("Choose a care coordinator of your organisation."))
            return redirect(_safe_next(request, reverse("cases:detail", args=[reference])))
    try:
        case = services.assign(access.case.pk, assignee, actor=user)
    except services.AssignmentRefused as exc:
        messages.error(request, str(exc))
    else:
        if case.assigned_to_id is None:
            messages.success(request, _("Case %(case)s has no assignee now.") % {"case": reference})
        else:
            messages.success(request, _("Case %(case)s is assigned to %(name)s.")
                             % {"case": reference, "name": case.assigned_to.display_name})  # type: ignore[union-attr]
    return redirect(_safe_next(request, reverse("cases:detail", args=[reference])))


@login_required
@require_POST
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    access = get_case_or_404(request.user, reference)
    if not _may_note(access):
        raise Http404
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(access.case, text=form.cleaned_data["text"], actor=request.user)
        messages.success(request, _("The note is saved."))
        return redirect(reverse("cases:detail", args=[reference]) + "#h-notes")
    context = _detail_context(request, access, note_form=form,
                              status_form=StatusChangeForm(case=access.case) if access.can_change_status else None,
                              consent_form=None)
    return render(request, "cases/detail.html", context, status=400)


@login_required
def print_summary(request: HttpRequest, reference: str) -> HttpResponse:
    """A case summary for a handover meeting, laid out for paper (the browser's print or "save as PDF")."""
    access = get_case_or_404(request.user, reference)
    if access.basis == "involvement:handover":
        raise Http404
    case = access.case
    context = case_page(case, access.sections)
    context.update({"case": case, "access": access, "summary": case_summary(case),
                    "printed_at": timezone.now(), "printed_by": request.user})
    log_processing("case_management", Action.EXPORT, subject=case, obj=case, fields=sorted(access.sections))
    return render(request, "cases/print.html", context)


@login_required
@require_POST
def save_filter(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.role not in WORKLIST_ROLES:
        raise Http404
    form = SavedFilterForm(request.POST)
    query = ""
    if form.is_valid():
        query = WorklistFilter.from_query(QueryDict(form.cleaned_data["query"]), user).querystring()
        services.save_filter(user, form.cleaned_data["name"], query)
        messages.success(request, _("The filter “%(name)s” is saved.") % {"name": form.cleaned_data["name"]})
    else:
        messages.error(request, _("Give the filter a name."))
    return redirect(reverse("cases:worklist") + (f"?{query}" if query else ""))


@login_required
@require_POST
def delete_filter(request: HttpRequest, filter_id: int) -> HttpResponse:
    if services.delete_filter(request.user, filter_id):
        messages.success(request, _("The filter is deleted."))
    return redirect("cases:worklist")


@login_required
@require_POST
def add_attachment(request: HttpRequest, reference: str) -> HttpResponse:
    """Upload a file to the case: size- and type-limited, sniffed, virus-checked, stored encrypted."""
    access = get_case_or_404(request.user, reference)
    if not _may_note(access):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.ATTACHMENT_MAX_BYTES:  # before reading it into memory
            form.add_error("file", _("The file is too large: at most %(mb)s MB.")
                           % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)})
        else:
            try:
                services.add_attachment(access.case, name=upload.name, data=upload.read(), actor=request.user)
            except AttachmentRefused as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(request, _("The file is added."))
                return redirect(reverse("cases:detail", args=[reference]) + "#h-attachments")
    context = _detail_context(request, access, attachment_form=form,
                              status_form=StatusChangeForm(case=access.case) if access.can_change_status else None,
                              consent_form=None)
    return render(request, "cases/detail.html", context, status=400)


@login_required
def download_attachment(request: HttpRequest, reference: str, attachment_id: int) -> HttpResponse:
    access = get_case_or_404(request.user, reference)
    if not _may_note(access):
        raise Http404
    attachment = CaseAttachment.objects.filter(case=access.case, pk=attachment_id).select_related("content").first()
    if attachment is None:
        raise Http404
    log_processing("case_management", Action.READ, subject=access.case, obj=attachment,
                   fields=["attachment", "filename"])
    response = HttpResponse(attachment.content.data, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
