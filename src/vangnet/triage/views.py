from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vangnet.accounts.models import Role
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.cases.access import CaseAccess, get_case_or_404
from vangnet.cases.models import Urgency
from vangnet.core.i18n import active_language
from vangnet.triage import scenarios, services
from vangnet.triage.forms import OverrideForm, TriageFactsForm
from vangnet.triage.rules import current_rules, describe
from vangnet.triage.selectors import deadline_text, display_value, organisation_label, panel_context, statistics

#: Who may read the rule file in the application (it holds no personal data).
RULES_ROLES = {Role.FUNCTIONAL_ADMIN, Role.NATIONAL_COORDINATOR, Role.CARE_COORDINATOR}
#: Who reviews the scenarios (invented cases, no personal data).
SCENARIO_ROLES = {Role.FUNCTIONAL_ADMIN, Role.NATIONAL_COORDINATOR}
#: Who sees the triage figures (aggregates only).
STATISTICS_ROLES = {Role.FUNCTIONAL_ADMIN, Role.NATIONAL_COORDINATOR, Role.ANALYST}


def can_triage(user, access: CaseAccess) -> bool:  # type: ignore[no-untyped-def]
    """Only a care coordinator of the organisation that leads the case records facts or overrides."""
    return access.can_change_status and user.role == Role.CARE_COORDINATOR



def _tree(description: Any) -> dict[str, Any]:
    if isinstance(description, str):
        return {"text": description, "children": []}
    heading, parts = description
    return {"text": heading, "children": [_tree(p) for p in parts]}


@login_required
def rules_view(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "role", None) not in RULES_ROLES:
        raise Http404
    rs = current_rules()
    lang = active_language()
    rules = []
    for rule in rs.rules:
        rules.append({
            "id": rule.id, "description": rule.description[lang],
            "condition": _tree(describe(rs, rule.condition, lang)),
            "urgency": rule.urgency,
            "urgency_label": Urgency(rule.urgency).label if rule.urgency else "",
            "risk_factors": [rs.risk_factors[c][lang] for c in rule.risk_factors],
            "needs": [rs.needs[c][lang] for c in rule.needs],
            "route": [{"label": rs.steps[c].label[lang],
                       "organisation": organisation_label(rs.steps[c].organisation),
                       "deadline": deadline_text(rs.steps[c].deadline)} for c in rule.route],
            "source": rs.source_text(rule, lang),
        })
    groups: dict[str, list[str]] = {}
    for step in rs.steps.values():
        if step.exclusive_group:
            groups.setdefault(step.exclusive_group, []).append(step.label[lang])
    exclusive = list(groups.values())
    return render(request, "triage/rules.html", {
        "ruleset": rs, "rules": rules, "exclusive": exclusive,
        "sources": [{"code": c, "title": s["title"], "says": s["says"][lang]} for c, s in rs.sources.items()],
        "facts": [{"name": n, "label": f.label[lang], "source": f.source} for n, f in rs.facts.items()],
    })


def _words(rs: Any, outcome: dict[str, Any], lang: str) -> dict[str, Any]:
    shelter = next((rs.steps[c].label[lang] for c in outcome["route"] if rs.steps[c].exclusive_group == "shelter_type"),
                   "")
    return {"urgency": outcome["urgency"], "urgency_label": Urgency(outcome["urgency"]).label, "shelter": shelter,
            "needs": [rs.needs[c][lang] for c in outcome["needs"]],
            "route": [rs.steps[c].label[lang] for c in outcome["route"]]}


@login_required
def scenarios_view(request: HttpRequest) -> HttpResponse:
    """The scenarios for reviewers: story, facts in words, expected and actual outcome, sources."""
    if getattr(request.user, "role", None) not in SCENARIO_ROLES:
        raise Http404
    rs = current_rules()
    lang = active_language()
    rows = []
    for outcome in scenarios.run(scenarios.current_scenarios(), rs):
        s = outcome.scenario
        facts = rs.normalise_facts(s.facts)
        rows.append({
            "title": s.title[lang], "story": s.story[lang], "passes": outcome.passes,
            "facts": [{"label": rs.facts[n].label[lang], "value": display_value(rs, n, sorted(v) if isinstance(
                v, frozenset) else v, lang)} for n, v in facts.items() if n in s.facts],
            "expected": _words(rs, dict(s.expected), lang), "actual": _words(rs, outcome.actual, lang),
            "sources": [str(_("Practice")) if c == "practice" else rs.sources[c]["title"] for c in s.sources],
            "review": s.reviews[-1] if s.reviews else None,
        })
    return render(request, "triage/scenarios.html", {
        "rows": rows, "version": rs.version, "failing": sum(not r["passes"] for r in rows)})


@login_required
def statistics_view(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "role", None) not in STATISTICS_ROLES:
        raise Http404
    return render(request, "triage/statistics.html", {"stats": statistics(), "version": current_rules().version})


def _case_for_triage(request: HttpRequest, reference: str) -> CaseAccess:
    access = get_case_or_404(request.user, reference)
    if not can_triage(request.user, access):
        raise Http404
    return access


@login_required
def facts_view(request: HttpRequest, reference: str) -> HttpResponse:
    access = _case_for_triage(request, reference)
    case = access.case
    current = services.latest(case)
    if request.method == "POST":
        form = TriageFactsForm(request.POST)
        if form.is_valid():
            services.triage_case(case, actor=request.user, trigger="facts", recorded_facts=form.cleaned_data)
            messages.success(request, _("The triage facts are saved and the triage is updated."))
            return redirect("cases:detail", reference)
    else:
        initial: dict[str, Any] = {}
        if current:
            # what the signals told (e.g. the residence status), then what the care coordinator recorded
            triage_facts = {n for n, f in current_rules().facts.items() if f.source == "triage"}
            initial = {k: v for k, v in current.result.get("facts", {}).items() if k in triage_facts}
            initial.update(current.recorded_facts)
        form = TriageFactsForm(initial=initial)
        log_processing("triage", Action.READ, subject=case, obj=current or case,
                       fields=sorted(current.recorded_facts) if current else [])
    return render(request, "triage/facts.html", {"case": case, "form": form},
                  status=400 if form.is_bound else 200)


@login_required
def override_view(request: HttpRequest, reference: str) -> HttpResponse:
    access = _case_for_triage(request, reference)
    case = access.case
    current = services.latest(case)
    if current is None:
        raise Http404
    if request.method == "POST":
        form = OverrideForm(request.POST)
        if form.is_valid():
            try:
                services.override(case, actor=request.user, reason=form.cleaned_data["reason"],
                                  urgency=form.cleaned_data["urgency"], needs=form.cleaned_data["needs"],
                                  route=form.cleaned_data["route"])
            except services.InvalidOverride as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your change to the triage is saved."))
                return redirect("cases:detail", reference)
    else:
        form = OverrideForm(initial={"urgency": current.urgency, "needs": current.needs, "route": current.route})
    return render(request, "triage/override.html",
                  {"case": case, "form": form, **panel_context(current)}, status=400 if form.is_bound else 200)
