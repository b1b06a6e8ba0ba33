"""Shelter pages. Thin: permission check, form, one service call, render. 404 for anything not allowed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.accounts.models import OrganisationType, Role
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.cases.access import CaseAccess, get_case_or_404
from vangnet.core.i18n import active_language
from vangnet.shelters import charts, selectors, services
from vangnet.shelters.forms import (
    AdmitForm,
    BlockForm,
    CapacityForm,
    DeclineForm,
    DischargeForm,
    LocationForm,
    PlacementRequestForm,
)
from vangnet.shelters.matching import EXCLUSION_LABELS, format_points, lead_reasons
from vangnet.shelters.models import (
    Notification,
    PlaceBlock,
    PlaceCapacity,
    Placement,
    PlacementRequest,
    PlacementStatus,
    PlaceType,
    RequestStatus,
    ShelterLocation,
)
from vangnet.shelters.selectors import ADVISED_FIELDS, advice_differences
from vangnet.triage.rules import current_rules

NEEDS_FIELDS = ["gender", "age", "is_minor", "children_count", "lvb", "addiction", "psychiatric",
                "multiple_problems", "wheelchair", "languages", "urgency"]
REQUEST_BASES = {"involvement:lead", "involvement:reporter", "national"}


# --- permission helpers -------------------------------------------------------------------------------


def _is_provider_user(user: Any) -> bool:
    org = getattr(user, "organisation", None)
    return (user.is_active and user.role == Role.SHELTER_INTAKE and org is not None
            and org.type == OrganisationType.SHELTER_PROVIDER)


def _require_provider(user: Any) -> None:
    if not _is_provider_user(user):
        raise Http404


def _own_location(user: Any, pk: int) -> ShelterLocation:
    _require_provider(user)
    location = ShelterLocation.objects.select_related("municipality", "region").filter(
        pk=pk, provider_id=user.organisation_id).first()
    if location is None:
        raise Http404
    return location


def _case_access_for_placement(user: Any, case_reference: str, *, write: bool = False) -> CaseAccess:
    access = get_case_or_404(user, case_reference)
    if not access.can("placement") or (write and access.basis not in REQUEST_BASES):
        raise Http404
    return access


def _request_for(user: Any, pk: int, *, write: bool = False) -> tuple[PlacementRequest, CaseAccess]:
    req = PlacementRequest.objects.select_related("case", "exploitation_municipality").filter(pk=pk).first()
    if req is None:
        raise Http404
    return req, _case_access_for_placement(user, req.case.reference, write=write)


def _provider_placement(user: Any, pk: int) -> Placement | None:
    """The placement when the user is intake staff of the provider that holds it; else None."""
    if not _is_provider_user(user):
        return None
    return (Placement.objects.select_related("request__case", "capacity__location__municipality",
                                             "capacity__location__provider")
            .filter(pk=pk, capacity__location__provider_id=user.organisation_id).first())


# --- overview -----------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.role not in (Role.REPORTER, Role.CARE_COORDINATOR, Role.SHELTER_INTAKE, Role.NATIONAL_COORDINATOR):
        raise Http404
    context: dict[str, Any] = {"notifications": selectors.unread_notifications(user.organisation_id)}
    if _is_provider_user(user):
        inbox = selectors.provider_inbox(user.organisation_id)
        for placement in [*inbox["held"], *inbox["accepted"], *inbox["admitted"]]:
            log_processing(services.ACTIVITY, Action.READ, subject=placement.request.case, obj=placement,
                           fields=NEEDS_FIELDS)
        context.update({"inbox": inbox, "is_provider": True,
                        "locations": selectors.provider_locations(user.organisation_id)})
    if user.organisation_id is not None:
        context["my_requests"] = selectors.requests_for_organisation(user.organisation_id)[:25]
    return render(request, "shelters/index.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    notification = Notification.objects.filter(pk=pk, organisation_id=user.organisation_id).first()
    if notification is None or user.organisation_id is None:
        raise Http404
    services.mark_read(notification)
    return redirect("shelters:index")


# --- the provider's locations ---------------------------------------------------------------------------


@login_required
def location_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    _require_provider(user)
    form = LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        location = services.save_location(provider=user.organisation, data=form.cleaned_data,
                                          languages=form.cleaned_data["languages"])
        messages.success(request, _("The location is saved. Now add its places."))
        return redirect("shelters:location", location.pk)
    return render(request, "shelters/location_form.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    location = _own_location(user, pk)
    form = LocationForm(request.POST or None, instance=location,
                        initial=None if request.method == "POST" else {"languages": location.languages.all()})
    if request.method == "POST" and form.is_valid():
        services.save_location(provider=user.organisation, data=form.cleaned_data,
                               languages=form.cleaned_data["languages"], location=location)
        messages.success(request, _("The location is saved."))
        return redirect("shelters:location", location.pk)
    return _render_location(request, location, form=form, status=400 if form.errors else 200)


def _render_location(request: HttpRequest, location: ShelterLocation, *, form: Any = None,
                     capacity_form: Any = None, block_form: Any = None, status: int = 200) -> HttpResponse:
    return render(request, "shelters/location_detail.html", {
        "location": location, "form": form or LocationForm(instance=location,
                                                           initial={"languages": location.languages.all()}),
        "capacity_form": capacity_form or CapacityForm(), "block_form": block_form or BlockForm(),
        "occupancy": selectors.occupancy(location),
    }, status=status)


@login_required
@require_POST
def capacity_set(request: HttpRequest, pk: int) -> HttpResponse:
    location = _own_location(request.user, pk)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            services.set_capacity(location, form.cleaned_data["place_type"], form.cleaned_data["places"])
        except services.PlacementError as exc:
            form.add_error("places", str(exc))
        else:
            messages.success(request, _("The number of places is saved."))
            return redirect("shelters:location", location.pk)
    return _render_location(request, location, capacity_form=form, status=400)


@login_required
@require_POST
def block_create(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    location = _own_location(user, pk)
    form = BlockForm(request.POST)
    if form.is_valid():
        capacity = PlaceCapacity.objects.filter(location=location, place_type=form.cleaned_data["place_type"]).first()
        try:
            if capacity is None:
                raise services.CapacityError(_("This location has no places of this type."))
            services.block_places(capacity, places=form.cleaned_data["places"], reason=form.cleaned_data["reason"],
                                  ends_on=form.cleaned_data["ends_on"], actor=user)
        except services.PlacementError as exc:
            form.add_error("places", str(exc))
        else:
            messages.success(request, _("The places are blocked."))
            return redirect("shelters:location", location.pk)
    return _render_location(request, location, block_form=form, status=400)


@login_required
@require_POST
def block_lift(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    _require_provider(user)
    block = PlaceBlock.objects.select_related("capacity").filter(
        pk=pk, capacity__location__provider_id=user.organisation_id).first()
    if block is None:
        raise Http404
    services.lift_block(block)
    messages.success(request, _("The places are free again."))
    return redirect("shelters:location", block.capacity.location_id)


# --- requests and matching ---------------------------------------------------------------------------


@login_required
def request_create(request: HttpRequest, reference: str) -> HttpResponse:
    user: Any = request.user
    access = _case_access_for_placement(user, reference, write=True)
    case = access.case
    if request.method == "POST":
        form = PlacementRequestForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                req = services.create_request(case, actor=user, data=data, languages=data.pop("languages"),
                                              avoid_municipalities=data.pop("avoid_municipalities"))
            except services.PlacementError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The placement request is saved. Choose a place below."))
                return redirect("shelters:request", req.pk)
    else:
        form = PlacementRequestForm(initial=selectors.initial_needs(case))
        log_processing(services.ACTIVITY, Action.READ, subject=case, obj=case, fields=NEEDS_FIELDS)
    return render(request, "shelters/request_form.html", {"form": form, "case": case},
                  status=400 if form.errors else 200)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    req, access = _request_for(user, pk)
    result = selectors.find_matches(req) if req.status in (RequestStatus.OPEN, RequestStatus.WAITING) else None
    log_processing(services.ACTIVITY, Action.READ, subject=req.case, obj=req, fields=NEEDS_FIELDS)
    fitting = result.fitting[:51] if result else []
    return render(request, "shelters/request_detail.html", {
        "req": req, "case": req.case, "access": access, "result": result,
        "fitting": [_explained(m, fitting[i + 1] if i + 1 < len(fitting) else None)
                    for i, m in enumerate(fitting[:50])],
        "advice": _advice_text(req),
        "excluded": result.excluded[:50] if result else [],
        "excluded_total": len(result.excluded) if result else 0,
        "excluded_reasons": _reason_counts(result) if result else [],
        "can_act": access.basis in REQUEST_BASES, "live": selectors.live_placement(req),
        "history": req.placements.select_related("capacity__location__provider").order_by("-reserved_at"),
    })


def _explained(match: Any, below: Any) -> dict[str, Any]:
    """A fitting place with its score per criterion and why it ranks above the next place."""
    return {"m": match, "score": format_points(match.score),
            "breakdown": [{"label": p.label, "points": format_points(p.points)} for p in match.breakdown],
            "lead": [str(r) for r in lead_reasons(match, below)] if below is not None else []}


def _advice_text(req: Any) -> dict[str, Any]:
    """What the triage advised, in words, and whether the request follows it."""
    advice = req.triage_advice or {}
    if not advice:
        return {}
    lang = active_language()
    needs = current_rules().needs
    changed = bool(advice_differences(advice, {k: getattr(req, k) for k in ADVISED_FIELDS}))
    return {"types": [str(PlaceType(t).label) for t in advice.get("place_types", []) if t in PlaceType.values],
            "needs": [needs[c][lang] for c in advice.get("care_needs", []) if c in needs], "changed": changed}


def _reason_counts(result: Any) -> list[tuple[str, int]]:
    """How many places each criterion left out (a place can be left out by several)."""
    counts = result.exclusion_counts()  # without building a Match per left-out place
    return sorted(((str(EXCLUSION_LABELS[code]), n) for code, n in counts.items()), key=lambda item: -item[1])


@login_required
@require_POST
def reserve(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    req, _access = _request_for(user, pk, write=True)
    try:
        capacity_id = int(request.POST.get("capacity", ""))
    except ValueError:
        messages.error(request, _("Choose a place to reserve."))
        return redirect("shelters:request", req.pk)
    try:
        placement = services.reserve(req.pk, capacity_id, actor=user)
    except services.PlacementError as exc:
        messages.error(request, str(exc))
        return redirect("shelters:request", req.pk)
    messages.success(request, _("The place is reserved. The shelter has been asked to answer."))
    return redirect("shelters:placement", placement.pk)


@login_required
@require_POST
def request_wait(request: HttpRequest, pk: int) -> HttpResponse:
    req, _access = _request_for(request.user, pk, write=True)
    try:
        services.put_on_waiting_list(req.pk, actor=request.user)
    except services.PlacementError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The request waits for a place. You get a message when a fitting place is free."))
    return redirect("shelters:request", req.pk)


@login_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    req, _access = _request_for(request.user, pk, write=True)
    try:
        services.cancel_request(req.pk, actor=request.user)
    except services.PlacementError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The placement request is cancelled."))
    return redirect("cases:detail", req.case.reference)


# --- a placement: the provider's answer, admission and discharge ----------------------------------------


@login_required
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_placement(request, pk)


def _render_placement(request: HttpRequest, pk: int, *, forms: dict[str, Any] | None = None,
                      status: int = 200) -> HttpResponse:
    user: Any = request.user
    placement = _provider_placement(user, pk)
    is_provider = placement is not None
    access = None
    if placement is None:
        placement = (Placement.objects.select_related("request__case", "capacity__location__municipality",
                                                      "capacity__location__provider").filter(pk=pk).first())
        if placement is None:
            raise Http404
        access = _case_access_for_placement(user, placement.request.case.reference)
    show_address = selectors.address_visible(placement, user)
    fields = NEEDS_FIELDS + (["address"] if show_address else [])
    log_processing(services.ACTIVITY, Action.READ, subject=placement.request.case, obj=placement, fields=fields)
    forms = forms or {}
    today = timezone.localdate()
    context = {
        "placement": placement, "req": placement.request, "is_provider": is_provider, "access": access,
        "show_address": show_address,
        "show_case": not is_provider or placement.status in (PlacementStatus.ACCEPTED, PlacementStatus.ADMITTED,
                                                              PlacementStatus.DISCHARGED),
        "can_give_back": access is not None and access.basis in REQUEST_BASES
        and placement.status == PlacementStatus.HELD,
        "decline_form": forms.get("decline") or DeclineForm(),
        "admit_form": forms.get("admit") or AdmitForm(initial={"admission_date": today}),
        "discharge_form": forms.get("discharge") or DischargeForm(initial={"discharge_date": today}),
    }
    return render(request, "shelters/placement_detail.html", context, status=status)


def _provider_action(request: HttpRequest, pk: int) -> Placement:
    placement = _provider_placement(request.user, pk)
    if placement is None:
        raise Http404
    return placement


@login_required
@require_POST
def placement_accept(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _provider_action(request, pk)
    try:
        services.accept(placement.pk, actor=request.user)
    except services.PlacementError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You accepted the placement. Record the admission when the person arrives."))
    return redirect("shelters:placement", placement.pk)


@login_required
@require_POST
def placement_decline(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _provider_action(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline(placement.pk, actor=request.user, reason=form.cleaned_data["reason"],
                             note=form.cleaned_data["note"])
        except services.PlacementError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You declined the placement. The place is free again."))
        return redirect("shelters:index")
    return _render_placement(request, pk, forms={"decline": form}, status=400)


@login_required
@require_POST
def placement_admit(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _provider_action(request, pk)
    form = AdmitForm(request.POST)
    if form.is_valid():
        try:
            services.admit(placement.pk, actor=request.user, admission_date=form.cleaned_data["admission_date"])
        except services.PlacementError as exc:
            form.add_error("admission_date", str(exc))
        else:
            messages.success(request, _("The admission is recorded."))
            return redirect("shelters:placement", placement.pk)
    return _render_placement(request, pk, forms={"admit": form}, status=400)


@login_required
@require_POST
def placement_discharge(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _provider_action(request, pk)
    form = DischargeForm(request.POST)
    if form.is_valid():
        try:
            services.discharge(placement.pk, actor=request.user, discharge_date=form.cleaned_data["discharge_date"],
                               destination=form.cleaned_data["destination"])
        except services.PlacementError as exc:
            form.add_error("discharge_date", str(exc))
        else:
            messages.success(request, _("The discharge is recorded. The place is free again."))
            return redirect("shelters:placement", placement.pk)
    return _render_placement(request, pk, forms={"discharge": form}, status=400)


@login_required
@require_POST
def placement_give_back(request: HttpRequest, pk: int) -> HttpResponse:
    placement = Placement.objects.select_related("request__case").filter(pk=pk).first()
    if placement is None:
        raise Http404
    _case_access_for_placement(request.user, placement.request.case.reference, write=True)
    try:
        services.cancel_hold(placement.pk, actor=request.user)
    except services.PlacementError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The reservation is given back."))
    return redirect("shelters:request", placement.request_id)


# --- the national view ------------------------------------------------------------------------------------


@login_required
def national(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not (user.is_active and user.role == Role.NATIONAL_COORDINATOR):
        raise Http404
    regions, totals = selectors.capacity_by_region()
    times = selectors.time_to_admission()
    log_processing("statistics_anonymised", Action.READ, fields=["capacity", "occupancy", "time_to_admission"])
    return render(request, "shelters/national.html", {
        "regions": regions, "totals": totals, "place_types": selectors.PLACE_TYPE_LABELS,
        "open_requests": selectors.open_requests()[:100], "escalations": selectors.escalations()[:100],
        "times": times,
        "occupancy_chart": charts.bar_chart(
            [(r.name, r.total("occupied"), r.total("places")) for r in regions],
            title=_("Occupied places and total places per region"), value_label=_("occupied"),
            total_label=_("places")),
        "time_chart": charts.bar_chart(
            [(t["month_label"], t["median"], t["p90"]) for t in times],
            title=_("Hours from request to admission per month: median and 90th percentile"),
            value_label=_("median"), total_label=_("90th percentile")),
    })
