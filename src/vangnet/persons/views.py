from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.accounts.models import Role
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.persons import selectors, services
from vangnet.persons.models import SignalEncoding


def _national_only(request: HttpRequest) -> None:
    if request.user.role != Role.NATIONAL_COORDINATOR:
        raise Http404


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    _national_only(request)
    items = selectors.review_queue()
    log_processing("record_linkage_pseudonymisation", Action.READ,
                   fields=["cluster_id", "evidence", "observed_on", "municipality", "reporting_organisation"])
    return render(request, "persons/review.html", {
        "items": items, "counts": selectors.person_counts(), "decided": selectors.decided_pairs(),
        "cluster_sizes": selectors.cluster_sizes(),
    })


@login_required
@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    _national_only(request)
    choice = request.POST.get("decision")
    record_a, record_b = request.POST.get("record_a", ""), request.POST.get("record_b", "")
    same = {"same": True, "different": False, "withdraw": None}.get(choice or "", "invalid")
    if same == "invalid":
        messages.error(request, _("Choose “same person” or “different persons”."))
        return redirect("persons:review")
    try:
        services.decide(record_a, record_b, same=same, actor=request.user,  # type: ignore[arg-type]
                        note=request.POST.get("note", ""))
    except SignalEncoding.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Your decision is saved. The counts of persons are updated."))
    return redirect("persons:review")


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Find the cases of a person by name and date of birth (POST only, so no name ends up in a URL or log)."""
    from vangnet.cases.access import CASE_ROLES
    from vangnet.persons.forms import PersonSearchForm

    if request.user.role not in CASE_ROLES | {Role.NATIONAL_COORDINATOR}:
        raise Http404
    hits = None
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        hits = selectors.search_cases_by_person(
            request.user, given_names=form.cleaned_data["given_names"],
            family_name=form.cleaned_data["family_name"], birth_date=form.cleaned_data["birth_date"])
        log_processing("record_linkage_pseudonymisation", Action.READ,
                       fields=["given_names", "family_name", "birth_date"],
                       changes={"search": {"old": None, "new": f"{len(hits)} cases"}})
        for hit in hits:
            log_processing("record_linkage_pseudonymisation", Action.READ, subject=hit.case,
                           fields=["person_key", "status"])
    return render(request, "persons/search.html", {"form": form, "hits": hits})
