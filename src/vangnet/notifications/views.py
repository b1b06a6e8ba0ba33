"""The inbox: a badge in the header (htmx polling with a plain link without JavaScript), the list with
mark-read, and each user's choice per kind: in Vangnet and/or by e-mail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.notifications import selectors, services
from vangnet.notifications.models import Notification


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    show = "unread" if request.GET.get("show") == "unread" else "all"
    qs = selectors.for_user(user)
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    for n in page:
        try:
            n.text = selectors.render_message(n)  # type: ignore[attr-defined]
        except LookupError:  # a kind that is no longer registered
            n.text = n.kind  # type: ignore[attr-defined]
        n.kind_label = selectors.kind_label(n)  # type: ignore[attr-defined]
    return render(request, "notifications/inbox.html", {
        "page_obj": page, "show": show, "unread": selectors.unread_count(user),
        "querystring": "show=unread" if show == "unread" else "",
    })


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification: mark it read and go where it leads (a path inside Vangnet only)."""
    notification = Notification.objects.filter(recipient=request.user, pk=pk).first()
    if notification is None:
        raise Http404
    services.mark_read(request.user, [notification.pk])  # type: ignore[arg-type]
    target = notification.url if notification.url.startswith("/") and not notification.url.startswith("//") else ""
    return redirect(target or "notifications:inbox")


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    count = services.mark_read(request.user, ids or None)  # type: ignore[arg-type]
    if count:
        messages.success(request, _("Marked as read."))
    return redirect("notifications:inbox")


@login_required
def badge(request: HttpRequest) -> HttpResponse:
    """The header badge alone (htmx asks for it every ``NOTIFICATIONS_POLL_SECONDS``)."""
    return render(request, "notifications/_badge.html", {
        "unread": selectors.unread_count(request.user),  # type: ignore[arg-type]
        "poll_seconds": settings.NOTIFICATIONS_POLL_SECONDS,
    })


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    from vangnet.notifications.receivers import KIND_ROLES

    rows = [row for row in selectors.preferences_for(user)
            if user.role in KIND_ROLES.get(row[0].code, {user.role})]
    if request.method == "POST":
        choices = {k.code: (f"in_app:{k.code}" in request.POST, f"email:{k.code}" in request.POST)
                   for k, _in_app, _email in rows}
        services.set_preferences(user, choices)
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"rows": rows, "has_email": bool(user.email)})
