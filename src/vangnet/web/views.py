from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from vangnet.accounts.models import Role
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.signals.models import SignalDraft
from vangnet.web import start


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page per role: what needs doing now (``vangnet.web.start``)."""
    user: Any = request.user
    # what needs doing first: blocks with something in them come before the empty ones (stable order)
    blocks = sorted(start.blocks_for(user), key=lambda b: b["count"] == 0)
    if blocks:
        log_processing("worklist", Action.READ, fields=["reference", "status", "urgency", "assigned_to"])
    return render(request, "web/home.html", {
        "can_report": user.role in {Role.REPORTER, Role.CARE_COORDINATOR, Role.SHELTER_INTAKE,
                                    Role.NATIONAL_COORDINATOR} and user.organisation_id is not None,
        "drafts": SignalDraft.objects.filter(owner=user).only("public_id", "updated_at")[:5],
        "blocks": blocks, "unread": start.unread(user),
    })


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(loader.get_template("500.html").render(), status=500)
