"""Thin views: permission checks, forms, then a selector or a service. Every page that shows personal data
logs it; a case or handover the user may not see answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.accounts.models import OrganisationType
from vangnet.audit.models import Action, LegalBasis
from vangnet.audit.services import log_processing
from vangnet.cases import panels
from vangnet.cases.access import CaseAccess, get_case_or_404
from vangnet.sharing import selectors, services
from vangnet.sharing.forms import ConsentWithNoteForm, DeclineForm, HandoverForm, RevokeForm
from vangnet.sharing.models import Handover, HandoverStatus
from vangnet.sharing.policies import load_policies
from vangnet.sharing.transitions import ALLOWED_TRANSITIONS, PARTY

ACTIONS = {"accept": HandoverStatus.ACCEPTED, "decline": HandoverStatus.DECLINED,
           "complete": HandoverStatus.COMPLETED, "revoke": HandoverStatus.REVOKED}


def _worker(request: HttpRequest) -> Any:
    if not selectors.user_may_work_on_cases(request.user):
        raise Http404
    return request.user


def _handover_worker(request: HttpRequest) -> Any:
    """Who may list, open, accept and decline handovers: case workers and the national coordinator."""
    if not selectors.user_may_work_handovers(request.user):
        raise Http404
    return request.user


def _involved_access(request: HttpRequest, reference: str) -> CaseAccess:
    _worker(request)
    access = get_case_or_404(request.user, reference)
    if not access.basis.startswith("involvement:"):
        raise Http404
    return access


@login_required
def handover_list(request: HttpRequest) -> HttpResponse:
    user = _handover_worker(request)
    handovers = list(selectors.handovers_for(user.organisation)[:200])
    log_processing("handover", Action.READ, fields=["reference", "purpose", "status", "organisations"])
    return render(request, "sharing/list.html", {
        "incoming": [h for h in handovers if h.recipient_id == user.organisation_id],
        "outgoing": [h for h in handovers if h.sender_id == user.organisation_id],
    })


@login_required
def handover_new(request: HttpRequest, reference: str) -> HttpResponse:
    """Choose purpose and receiver, see "may I share this?", then send."""
    access = _involved_access(request, reference)
    user: Any = request.user
    case, organisation = access.case, user.organisation
    if not selectors.standing(organisation, case).may_send:
        raise Http404
    recipients = selectors.eligible_recipients(organisation)
    data = request.POST if request.method == "POST" else (request.GET if "purpose" in request.GET else None)
    form = HandoverForm(data, recipients=recipients)
    decision, status = None, 200
    if form.is_bound and form.is_valid():
        decision = selectors.decide(case, organisation, form.cleaned_data["recipient"], form.cleaned_data["purpose"])
        if request.method == "POST":
            try:
                handover = services.request_handover(
                    case, sender=organisation, recipient=form.cleaned_data["recipient"],
                    purpose=form.cleaned_data["purpose"], message=form.cleaned_data["message"], actor=user)
            except services.SharingRefused as exc:
                form.add_error(None, " ".join(exc.problems))
                status = 400
            else:
                messages.success(request, _("The handover request is sent."))
                return redirect("sharing:detail", handover.public_id)
    elif form.is_bound:
        status = 400
    return render(request, "sharing/new.html", {"case": case, "form": form, "decision": decision}, status=status)


def _party_handover(request: HttpRequest, public_id: str) -> Handover:
    user = _handover_worker(request)
    handover = Handover.objects.select_related("case", "sender", "recipient").filter(public_id=public_id).filter(
        sender_id=user.organisation_id).first() or Handover.objects.select_related(
        "case", "sender", "recipient").filter(public_id=public_id, recipient_id=user.organisation_id).first()
    if handover is None:
        raise Http404
    return handover


@login_required
def handover_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    handover = _party_handover(request, public_id)
    return _render_detail(request, handover)


def _render_detail(request: HttpRequest, handover: Handover, *, decline_form: Any = None, status: int = 200) -> Any:
    user = request.user
    policies = load_policies()
    purpose = policies.purposes[handover.purpose]
    roles = {name for name, org_id in (("sender", handover.sender_id), ("recipient", handover.recipient_id))
             if org_id == user.organisation_id}  # type: ignore[union-attr]
    actions = [name for name, to in ACTIONS.items()
               if to in ALLOWED_TRANSITIONS[handover.status] and roles & PARTY[to]]
    log_processing(purpose.activity, Action.READ, subject=handover.case, obj=handover,
                   fields=["purpose", "legal_basis", "fields", "message", "status"], legal_basis=handover.legal_basis,
                   trace_id=handover.trace_id)
    return render(request, "sharing/detail.html", {
        "handover": handover, "purpose": purpose, "basis": LegalBasis.objects.filter(code=handover.legal_basis).first(),
        "fields": policies.ordered_fields(set(handover.fields)),
        "history": list(handover.history.select_related("organisation")),
        "actions": actions, "is_recipient": "recipient" in roles,
        "decline_form": decline_form or DeclineForm(prefix="decline"), "revoke_form": RevokeForm(prefix="revoke"),
        "ended_reason": _ended_reason(handover),
    }, status=status)


def _ended_reason(handover: Handover) -> str | None:
    """For an ended handover (revoked, completed): the reason given, "" without one; None while it runs."""
    if handover.status not in (HandoverStatus.REVOKED, HandoverStatus.COMPLETED):
        return None
    change = handover.history.filter(to_status=handover.status).order_by("-at").first()
    return change.reason if change else ""


def ended_handover_url(user: Any, reference: str) -> str | None:
    """Where a former recipient lands instead of "page not found": its ended handover of that case."""
    organisation_id = getattr(user, "organisation_id", None)
    if not organisation_id:
        return None
    handover = (Handover.objects.filter(case__reference=reference, recipient_id=organisation_id,
                                        status__in=(HandoverStatus.REVOKED, HandoverStatus.COMPLETED))
                .order_by("-updated_at").first())
    return reverse("sharing:detail", args=[handover.public_id]) if handover else None


@login_required
@require_POST
def handover_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    handover = _party_handover(request, public_id)
    if action not in ACTIONS:
        raise Http404
    reason = ""
    if action == "decline":
        form = DeclineForm(request.POST, prefix="decline")
        if not form.is_valid():
            return _render_detail(request, handover, decline_form=form, status=400)
        reason = form.cleaned_data["reason"]
    elif action == "revoke":
        reason = request.POST.get("revoke-reason", "")[:500]
    try:
        services.transition(handover.pk, ACTIONS[action], organisation=request.user.organisation,  # type: ignore[union-attr]
                            actor=request.user, reason=reason)
    except services.HandoverNotFound as exc:
        raise Http404 from exc
    except services.SharingRefused as exc:
        messages.error(request, " ".join(exc.problems))
        handover.refresh_from_db()
        return _render_detail(request, handover, status=400)
    messages.success(request, _("The handover is now: %(status)s.") % {"status": HandoverStatus(ACTIONS[action]).label})
    if action == "accept":
        return redirect("sharing:shared_case", handover.case.reference)
    return redirect("sharing:detail", handover.public_id)


@login_required
def shared_case(request: HttpRequest, reference: str) -> HttpResponse:
    """The case as a handover recipient may see it: only the fields the policy allows are rendered."""
    try:
        access = get_case_or_404(request.user, reference)
    except Http404:
        ended = ended_handover_url(request.user, reference)
        if ended:
            return redirect(ended)
        raise
    if access.basis != "involvement:handover":
        return redirect("cases:detail", reference)
    user: Any = request.user
    organisation = user.organisation
    fields = selectors.shared_fields_for(organisation, access.case)
    if not fields:
        raise Http404
    policies = load_policies()
    handovers = selectors.handovers_for_case_recipient(access.case, organisation)
    for handover in handovers:  # one entry per handover, under the trace id carried from the sender
        log_processing(policies.purposes[handover.purpose].view_activity, Action.READ, subject=access.case,
                       obj=handover, fields=sorted(selectors.shared_fields_for(organisation, access.case)
                                                   & set(policies.fields_for(handover.purpose, organisation.type))),
                       legal_basis=handover.legal_basis, trace_id=handover.trace_id)
    if not handovers:
        log_processing("handover_view", Action.READ, subject=access.case, obj=access.case, fields=sorted(fields))
    context = selectors.shared_case(access.case, fields)
    context.update({
        "case": access.case, "access": access, "fields": fields, "handovers": handovers,
        "labels": {code: f.label for code, f in policies.fields.items()},
        "panels": panels.render_context(request, access),
        "may_send": selectors.standing(organisation, access.case).may_send and selectors.user_may_work_on_cases(user),
        "may_record_consent": "consent" in fields and selectors.user_may_work_on_cases(user),
    })
    return render(request, "sharing/shared_case.html", context)


@login_required
def consent(request: HttpRequest, reference: str) -> HttpResponse:
    access = _involved_access(request, reference)
    if not access.can("consent"):
        raise Http404
    case, status = access.case, 200
    if request.method == "POST":
        form = ConsentWithNoteForm(request.POST)
        if form.is_valid():
            services.record_consent_with_note(case, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The consent is recorded."))
            return redirect("sharing:consent", reference)
        status = 400
    else:
        form = ConsentWithNoteForm(initial={
            "obtained_by": request.user.display_name, "obtained_on": timezone.localdate(),  # type: ignore[union-attr]
            "purpose": request.GET.get("purpose", "")})
    consents = list(case.consents.select_related("sharing_note").order_by("-recorded_at", "-id"))
    log_processing("consent_management", Action.READ, subject=case, obj=case,
                   fields=["purpose", "status", "obtained_by", "obtained_on", "method", "note"])
    return render(request, "sharing/consent.html", {"case": case, "form": form, "consents": consents,
                                                    "access": access}, status=status)


@login_required
def access_report(request: HttpRequest, reference: str) -> HttpResponse:
    """Data subject access report: every processing of this person's data, minus what the register keeps
    confidential (criminal investigation). For the lead organisation and the national coordinator."""
    access = get_case_or_404(request.user, reference)
    if access.basis not in ("involvement:lead", "national"):
        raise Http404
    entries = list(selectors.access_report(access.case))
    log_processing("data_subject_access", Action.EXPORT, subject=access.case, obj=access.case,
                   fields=["processing_log"])
    return render(request, "sharing/access_report.html", {"case": access.case, "entries": entries,
                                                          "now": timezone.now()})


@login_required
def policy_review(request: HttpRequest) -> HttpResponse:
    """Read-only review of the sharing policies, grouped by purpose, with the legal texts."""
    policies = load_policies()
    bases = {b.code: b for b in LegalBasis.objects.all()}
    type_label = dict(OrganisationType.choices)
    groups = []
    for purpose in policies.purposes.values():
        rules = []
        for policy in (p for p in policies.policies if p.purpose == purpose.code):
            shared = set(policy.fields)
            rules.append({
                "recipients": [type_label[t] for t in sorted(policy.recipients)],
                "fields": policies.ordered_fields(shared),
                "withheld": [(f, policy.withheld_reason(f.code)) for f in policies.fields.values()
                             if f.code not in shared],
                "bases": [{"senders": [type_label[t] for t in sorted(rule.senders)] if rule.senders else None,
                           "basis": bases.get(rule.basis), "code": rule.basis} for rule in policy.bases],
            })
        groups.append({"purpose": purpose, "rules": rules})
    return render(request, "sharing/policies.html", {"groups": groups, "version": policies.version})
