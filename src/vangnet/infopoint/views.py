"""The central information point: public pages (no login) and the national coordinator's answer desk.

Public pages read only reference data (indicator catalogue, desks, guide); they never touch cases.
The question form asks for no personal data, checks the text for it, is CSRF-protected, and is
rate-limited per client (a salted hash of the address from the trusted proxy, counted in the database for an hour).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vangnet.accounts.models import Role
from vangnet.core import ratelimit
from vangnet.core.clientip import client_ip
from vangnet.infopoint import content
from vangnet.infopoint.forms import AnswerForm, QuestionForm
from vangnet.infopoint.languages import public_language
from vangnet.infopoint.models import Consultation
from vangnet.regions.models import Municipality, PoliceUnit
from vangnet.signals.models import ExploitationForm, Indicator


def _rate_limit() -> int:
    return int(getattr(settings, "INFOPOINT_QUESTIONS_PER_HOUR", 5))


def _desk_context(request: HttpRequest) -> dict[str, Any]:
    """The regional desk for ``?municipality=<CBS code>`` (or ``?region=<police unit>``), plus national numbers."""
    d = content.desks()
    municipality = None
    region_code = request.GET.get("region", "")
    code = request.GET.get("municipality", "")
    if code:
        municipality = Municipality.objects.select_related("police_unit").filter(pk=code).first()
        if municipality is not None:
            region_code = municipality.police_unit_id
    region = PoliceUnit.objects.filter(pk=region_code).first() if region_code else None
    desk = d.regions[region.code].localised() if region is not None and region.code in d.regions else None
    return {
        "municipalities": Municipality.objects.only("cbs_code", "name").order_by("name"),
        "chosen_municipality": municipality, "chosen_region": region, "desk": desk,
        "asked": bool(code or region_code), "demo": d.demo, "desks_version": d.version,
    }


@public_language
def home(request: HttpRequest) -> HttpResponse:
    national = [n.localised() for n in content.desks().national.values()]
    return render(request, "infopoint/home.html", {"national": national})


@public_language
def signs(request: HttpRequest) -> HttpResponse:
    forms = list(ExploitationForm.objects.filter(parent__isnull=True).order_by("order"))
    indicators = list(Indicator.objects.filter(active=True).order_by("order"))
    groups = [{"code": "general", "name": _("Signs of every form of exploitation"),
               "indicators": [i for i in indicators if i.group == "general"]}]
    for form in forms:
        groups.append({"code": form.code, "name": form.name,
                       "subtypes": [s.name for s in form.subtypes.all()],
                       "indicators": [i for i in indicators if i.group == form.code]})
    return render(request, "infopoint/signs.html", {"groups": groups})


@public_language
def what_to_do(request: HttpRequest) -> HttpResponse:
    return render(request, "infopoint/what_to_do.html",
                  {"emergency": content.desks().national["emergency"].localised()})


@public_language
def contact(request: HttpRequest) -> HttpResponse:
    d = content.desks()
    regions = {u.code: u.name for u in PoliceUnit.objects.all()}
    all_desks = [{**desk.localised(), "region": regions.get(code, code)} for code, desk in d.regions.items()]
    return render(request, "infopoint/contact.html", {
        **_desk_context(request), "national": [n.localised() for n in d.national.values()], "all_desks": all_desks,
    })


@public_language
def guide(request: HttpRequest, key: str | None = None) -> HttpResponse:
    key = key or content.guide()["start"]
    node = content.node(key)
    if node is None:
        raise Http404
    context: dict[str, Any] = {"node": node, "is_start": key == content.guide()["start"]}
    if node["desks"]:
        context.update(_desk_context(request))
    return render(request, "infopoint/guide.html", context)


def _client_key(request: HttpRequest) -> str:
    """The client's address from the trusted proxy, salted and hashed."""
    address = client_ip(request)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:infopoint:{address}".encode()).hexdigest()[:24]
    return f"infopoint:questions:{digest}"


def _questions_limited(request: HttpRequest, *, count: bool) -> bool:
    """Whether this client has asked its allowance this hour; the counter is shared by every worker."""
    return ratelimit.hit(_client_key(request), limit=_rate_limit(), window_seconds=3600, increment=count)


@require_http_methods(["GET", "POST"])
@public_language
def ask(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if _questions_limited(request, count=False):
            form.is_valid()
            form.add_error(None, _("You asked many questions in a short time. Try again in an hour, or call the "
                                   "desk in your region."))
            status = 429
        elif form.is_valid():
            consultation = form.save(commit=False)
            consultation.language = (get_language() or "nl")[:8]
            consultation.save()
            _questions_limited(request, count=True)
            messages.success(request, _("Your question is sent. Keep the reference code: you need it to read "
                                        "the answer."))
            return redirect("infopoint:question", code=consultation.code)
        else:
            status = 400
    else:
        form = QuestionForm()
    return render(request, "infopoint/ask.html", {"form": form}, status=status)


def normalise_code(code: str) -> str:
    """``abcd efgh-2345`` or ``ABCDEFGH2345`` -> ``ABCD-EFGH-2345`` (the form the code is stored in)."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else code.strip().upper()


@public_language
def question(request: HttpRequest, code: str) -> HttpResponse:
    normal = normalise_code(code)
    if normal != code:
        return redirect("infopoint:question", code=normal)
    consultation = Consultation.objects.select_related("region", "form").filter(code=normal).first()
    if consultation is None:
        response = render(request, "infopoint/question_unknown.html", {"code": code}, status=404)
        response["Cache-Control"] = "no-store"
        return response
    response = render(request, "infopoint/question.html", {"consultation": consultation})
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@public_language
def find_question(request: HttpRequest) -> HttpResponse:
    """A small form: type the reference code, go to the answer."""
    code = normalise_code(request.GET.get("code") or "")
    if code:
        return redirect("infopoint:question", code=code)
    return redirect("infopoint:ask")


# --- the national coordination centre's side ---------------------------------------------------------


def _require_national(request: HttpRequest) -> None:
    if request.user.role != Role.NATIONAL_COORDINATOR:  # type: ignore[union-attr]
        raise Http404


@login_required
def consultations(request: HttpRequest) -> HttpResponse:
    _require_national(request)
    base = Consultation.objects.select_related("region", "form")
    open_items = base.filter(answered_at__isnull=True).order_by("asked_at")
    answered = base.filter(answered_at__isnull=False).order_by("-answered_at")[:50]
    return render(request, "infopoint/consultations.html", {"open_items": open_items, "answered": answered})


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, code: str) -> HttpResponse:
    _require_national(request)
    consultation = get_object_or_404(Consultation.objects.select_related("region", "form"), code=code)
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            consultation.answer = form.cleaned_data["answer"]
            consultation.answered_at = timezone.now()
            consultation.answered_by = request.user  # type: ignore[assignment]
            consultation.save(update_fields=["answer", "answered_at", "answered_by"])
            messages.success(request, _("The answer is saved. The asker can read it with the reference code."))
            return redirect("infopoint:consultations")
    else:
        form = AnswerForm(initial={"answer": consultation.answer})
    return render(request, "infopoint/answer.html", {"consultation": consultation, "form": form},
                  status=400 if form.is_bound else 200)
