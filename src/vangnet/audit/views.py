from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from vangnet.accounts.models import Organisation, Role
from vangnet.audit.models import Action, ProcessingActivity
from vangnet.audit.selectors import LogFilter, pseudonym_for_number, search_log

LOG_ROLES = {Role.FUNCTIONAL_ADMIN, Role.NATIONAL_COORDINATOR}


@login_required
def log_search(request: HttpRequest) -> HttpResponse:
    """Search the processing log. Functional admins see their own organisation's entries; the national
    coordinator (who supervises the whole mechanism) sees all."""
    user = request.user
    if user.role not in LOG_ROLES:  # type: ignore[union-attr]
        raise Http404
    f = LogFilter.from_query(request.GET)
    if user.role == Role.FUNCTIONAL_ADMIN:  # type: ignore[union-attr]
        f.organisation = str(user.organisation_id)  # type: ignore[union-attr]
    entries = search_log(f)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {
        "page_obj": page, "filter": f, "querystring": f.querystring(),
        "activities": ProcessingActivity.objects.all(), "actions": Action.choices,
        "organisations": Organisation.objects.all() if user.role == Role.NATIONAL_COORDINATOR else [],  # type: ignore[union-attr]
        "today": datetime.date.today(),
        "case_unknown": bool(f.case) and not pseudonym_for_number(f.case),
    })


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The register of processing activities, readable by every signed-in professional."""
    activities = ProcessingActivity.objects.select_related("legal_basis")
    return render(request, "audit/register.html", {"activities": activities})
