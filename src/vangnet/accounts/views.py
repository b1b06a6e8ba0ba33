"""The functional administrator's security screens: API tokens and login locks. Others get 404."""

from __future__ import annotations

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.accounts import services
from vangnet.accounts.forms import TokenForm
from vangnet.accounts.models import ApiToken, Role
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing


def _admin_or_404(request: HttpRequest) -> None:
    if request.user.role != Role.FUNCTIONAL_ADMIN:  # type: ignore[union-attr]
        raise Http404


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    _admin_or_404(request)
    new_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.issue_token(form.cleaned_data["organisation"], form.cleaned_data["name"],
                                              days=form.cleaned_data["days"], actor=request.user, request=request)
        messages.success(request, _("Token issued. Copy the key now: it is shown only once."))
        form = TokenForm()
    rows = ApiToken.objects.select_related("organisation").order_by("-created_at")[:500]
    log_processing("professional_accounts", Action.READ, fields=["api_tokens"])
    return render(request, "accounts/tokens.html", {"form": form, "tokens": rows, "new_key": new_key})


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    _admin_or_404(request)
    if not ApiToken.objects.filter(pk=token_id).exists():
        raise Http404
    token = services.revoke_token(token_id, actor=request.user, request=request)
    messages.success(request, _("Token %(prefix)s… is revoked; it no longer works.") % {"prefix": token.prefix})
    return redirect("accounts:tokens")


@login_required
def locks(request: HttpRequest) -> HttpResponse:
    _admin_or_404(request)
    if request.method == "POST":
        removed = services.lift_lock(username=request.POST.get("username", "")[:150],
                                     ip_address=request.POST.get("ip_address", "")[:45], actor=request.user,
                                     request=request)
        if removed:
            messages.success(request, _("The lock is lifted."))
        else:
            messages.info(request, _("There was no lock to lift."))
        return redirect("accounts:locks")
    since = timezone.now() - datetime.timedelta(minutes=settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    attempts = AccessAttempt.objects.filter(Q(attempt_time__gte=since)).order_by("-attempt_time")[:200]
    log_processing("professional_accounts", Action.READ, fields=["login_locks"])
    return render(request, "accounts/locks.html", {
        "attempts": attempts, "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    })


def locked_out(request: HttpRequest, original_response: object = None, credentials: object = None) -> HttpResponse:
    """django-axes' answer while a login is locked: HTTP 429 with a clear page in the user's language."""
    return render(request, "accounts/locked_out.html", {
        "limit": settings.AXES_FAILURE_LIMIT, "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }, status=429)
