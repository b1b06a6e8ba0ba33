from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import Organisation, Role
from vangnet.audit import search_form as sf
from vangnet.audit.models import Action, ProcessingActivity, SecurityEvent, SecurityEventKind
from vangnet.audit.selectors import LogFilter, pseudonym_for_number, search_log
from vangnet.audit.services import log_processing

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
    organisations = Organisation.objects.all() if user.role == Role.NATIONAL_COORDINATOR else []  # type: ignore[union-attr]
    fields = [
        sf.text("l-case", "case", _("Case or signal number"), f.case,
                hint=_("For example VN-2026-000123 or S-2026-000456.")),
        sf.text("l-pseudonym", "pseudonym", _("Case pseudonym"), f.pseudonym),
        sf.text("l-trace", "trace_id", _("Request number (trace id)"), f.trace_id),
        sf.text("l-actor", "actor", _("User"), f.actor),
    ]
    if organisations:
        fields.append(sf.select("l-org", "organisation", _("Organisation"), f.organisation,
                                [(o.pk, o.name) for o in organisations]))
    fields += [
        sf.select("l-activity", "activity", _("Processing activity"), f.activity,
                  [(a.code, a.name) for a in ProcessingActivity.objects.all()]),
        sf.select("l-action", "action", _("Action"), f.action, Action.choices),
        sf.date("l-from", "date_from", _("Date from"), f.date_from),
        sf.date("l-to", "date_to", _("Date to"), f.date_to),
    ]
    return render(request, "audit/log.html", {
        "page_obj": page, "filter": f, "querystring": f.querystring(),
        "search_legend": _("Search the log"), "search_fields": fields,
        "today": datetime.date.today(),
        "case_unknown": bool(f.case) and not pseudonym_for_number(f.case),
    })


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The register of processing activities, readable by every signed-in professional."""
    activities = ProcessingActivity.objects.select_related("legal_basis")
    return render(request, "audit/register.html", {"activities": activities})


@login_required
def security_log(request: HttpRequest) -> HttpResponse:
    """The security log (failed logins, lockouts, refused case access, token and MFA changes), for the
    functional administrator; searchable by kind, username or address and date."""
    if request.user.role != Role.FUNCTIONAL_ADMIN:  # type: ignore[union-attr]
        raise Http404
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "").strip()[:150]
    date_from = _date(request.GET.get("date_from", ""))
    events = SecurityEvent.objects.all()
    if kind in SecurityEventKind.values:
        events = events.filter(kind=kind)
    if query:
        events = events.filter(Q(username__icontains=query) | Q(ip_address=query) if _is_ip(query)
                               else Q(username__icontains=query))
    if date_from:
        events = events.filter(at__date__gte=date_from)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    log_processing("professional_accounts", Action.READ, fields=["security_log"])
    return render(request, "audit/security.html", {
        "page_obj": page, "search_legend": _("Search the security log"), "search_fields": [
            sf.select("s-kind", "kind", _("Kind"), kind, SecurityEventKind.choices),
            sf.text("s-q", "q", _("Username or address"), query),
            sf.date("s-from", "date_from", _("Date from"), date_from.isoformat() if date_from else ""),
        ],
        "querystring": urlencode({k: v for k, v in {"kind": kind, "q": query, "date_from": date_from or ""}.items()
                                  if v}),
    })


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _is_ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
