"""Writes of triage: compute after a signal or new facts, and record a professional's override.

``triage_case`` is called inside ``signals.services.register_signal``'s transaction, so every signal
gives a triage, and by the triage form. It appends a ``Triage`` row, sets the case urgency (the worklist
sorts on it: acute first), adds a timeline event without personal details and logs the processing
(activity ``triage``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.cases import services as case_services
from vangnet.cases.models import Case, CaseEvent, Urgency
from vangnet.cases.timeline import choice, code
from vangnet.signals.models import Signal
from vangnet.triage.models import Triage, Trigger
from vangnet.triage.rules import RuleSet, current_rules, evaluate

#: The triage form's own question about danger (not a rule fact: it decides ``immediate_danger``).
DANGER_CHECK = "danger_now"


class InvalidOverride(ValueError):
    pass


def latest(case: Case) -> Triage | None:
    return Triage.objects.filter(case=case).order_by("-created_at", "-id").first()


def _tristate(values: Iterable[str]) -> str:
    values = list(values)
    if "yes" in values:
        return "yes"
    if values and all(v == "no" for v in values):
        return "no"
    return "unknown"


def signal_facts(case: Case, recorded: Mapping[str, Any] | None = None, recorded_at: Any = None) -> dict[str, Any]:
    """The facts the signals of the case supply (profile), in the rule file's terms.

    In danger now: any signal said so, unless the care coordinator checked since and found no danger
    (then only signals after that check count); a check that found danger keeps it acute.
    """
    signals = list(Signal.objects.filter(case=case).prefetch_related("forms", "languages", "indicators")
                   .order_by("submitted_at"))
    forms: set[str] = set()
    languages: set[str] = set()
    indicators: set[str] = set()
    for s in signals:
        for f in s.forms.all():
            forms.add(f.parent_id or f.code)
        languages.update(lang.pk for lang in s.languages.all())
        indicators.update(i.pk for i in s.indicators.all())
    # the newest signal that names a nationality decides (a later signal may correct an earlier one)
    nationality = next((s.nationality_id for s in reversed(signals) if s.nationality_id), None)
    residence = next((s.residence_status for s in reversed(signals) if s.residence_status != "unknown"), "unknown")
    check = (recorded or {}).get(DANGER_CHECK, "unknown")
    if check == "yes":
        danger = True
    elif check == "no" and recorded_at is not None:
        danger = any(s.immediate_danger and s.submitted_at > recorded_at for s in signals)
    else:
        danger = any(s.immediate_danger for s in signals)
    rs = current_rules()
    return {
        "immediate_danger": danger,
        "minor": bool(case.is_minor or any(s.is_minor for s in signals)),
        "forms": frozenset(forms & set(rs.facts["forms"].values)),
        "has_children": any(s.children_count > 0 for s in signals),
        "lvb": _tristate(s.has_lvb for s in signals),
        "multiple_problems": _tristate(s.has_multiple_problems for s in signals),
        "language_barrier": "unknown" if not languages else ("no" if "nl" in languages else "yes"),
        "citizenship": rs.citizenship(nationality),
        "residence_status": residence,
        **{name: bool(codes & indicators) for name, codes in rs.indicator_facts.items()},
    }


def case_facts(case: Case, recorded: Mapping[str, Any], recorded_at: Any, rs: RuleSet) -> dict[str, Any]:
    facts = signal_facts(case, recorded, recorded_at)
    for name, value in recorded.items():
        fact = rs.facts.get(name)
        if fact is None or fact.source != "triage":
            continue
        if value == "unknown" and facts.get(name, "unknown") != "unknown":
            continue  # "unknown" on the triage form does not erase what a signal recorded
        facts[name] = value
    return facts


def _facts_row(case: Case) -> Triage | None:
    return Triage.objects.filter(case=case, trigger=Trigger.FACTS).order_by("-created_at", "-id").first()


def _apply(case: Case, triage: Triage, *, actor: Any, organisation: Any, summary: tuple[str, dict[str, Any]],
           action: str) -> None:
    if case.urgency != triage.urgency:
        case_services.set_urgency(case, triage.urgency)
    message, params = summary
    case_services.add_event(case, CaseEvent.Kind.TRIAGE, message, params, actor=actor, organisation=organisation,
                            at=triage.created_at)
    log_processing("triage", action, subject=case, obj=triage,
                   fields=sorted({*triage.result.get("facts", {}), "urgency", "needs", "route"}),
                   actor=actor, organisation=organisation)


def triage_case(case: Case, *, actor: Any = None, trigger: str = Trigger.SIGNAL,
                recorded_facts: Mapping[str, Any] | None = None, at: Any = None) -> Triage:
    """Compute the triage of ``case`` from its signals and the recorded triage facts; make it current."""
    rs = current_rules()
    now = at or timezone.now()
    organisation = getattr(actor, "organisation", None) if getattr(actor, "pk", None) else None
    with transaction.atomic():
        facts_row = _facts_row(case)
        if recorded_facts is None:
            recorded = dict(facts_row.recorded_facts) if facts_row else {}
            recorded_at = facts_row.created_at if facts_row else None
        else:
            recorded, recorded_at = dict(recorded_facts), now
        result = evaluate(case_facts(case, recorded, recorded_at, rs), rs)
        triage = Triage.objects.create(
            case=case, created_at=now, trigger=trigger, actor=actor if getattr(actor, "pk", None) else None,
            organisation=organisation, rules_version=rs.version, recorded_facts=recorded,
            result=result.as_json(), computed_urgency=result.urgency.code, urgency=result.urgency.code,
            needs=[o.code for o in result.needs], route=[o.code for o in result.route],
        )
        summary = (gettext_noop("Triage with rules %(version)s: %(urgency)s, %(steps)s steps in the route"), {
            "version": rs.version, "urgency": choice(Urgency(triage.urgency)), "steps": len(triage.route)})
        _apply(case, triage, actor=actor, organisation=organisation, summary=summary, action=Action.CREATE)
    return triage


def override(case: Case, *, actor: Any, reason: str, urgency: str | None = None,
             needs: Iterable[str] | None = None, route: Iterable[str] | None = None, at: Any = None) -> Triage:
    """A professional changes the urgency, needs or route, with a reason. Appends a new current row."""
    rs = current_rules()
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise InvalidOverride(_("Explain in at least 10 characters why you change the triage."))
    with transaction.atomic():
        current = Triage.objects.select_for_update().filter(case=case).order_by("-created_at", "-id").first()
        if current is None:
            raise InvalidOverride(_("This case has no triage yet."))
        new_urgency = urgency or current.urgency
        if new_urgency not in Urgency.values:
            raise InvalidOverride(_("Choose an urgency."))
        new_needs = [c for c in rs.needs if c in set(needs)] if needs is not None else list(current.needs)
        new_route = [c for c in rs.steps if c in set(route)] if route is not None else list(current.route)
        unknown = (set(needs or ()) - set(rs.needs)) | (set(route or ()) - set(rs.steps))
        if unknown:
            raise InvalidOverride(_("Unknown codes: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
        conflicts = rs.conflicting_steps(new_route)
        if conflicts:
            raise InvalidOverride(_("These steps exclude each other: %(steps)s") % {
                "steps": "; ".join(" / ".join(rs.steps[s].label["en"] for s in pair) for pair in conflicts)})
        computed = current.result
        parts = [name for name, new, old in (
            ("urgency", new_urgency, computed["urgency"]["code"]),
            ("needs", new_needs, [o["code"] for o in computed["needs"]]),
            ("route", new_route, [o["code"] for o in computed["route"]]),
        ) if new != old]
        if not parts:
            raise InvalidOverride(_("You changed nothing compared to what the rules advise."))
        organisation = getattr(actor, "organisation", None)
        triage = Triage.objects.create(
            case=case, created_at=at or timezone.now(), trigger=Trigger.OVERRIDE, actor=actor,
            organisation=organisation, rules_version=current.rules_version, recorded_facts=current.recorded_facts,
            result=computed, computed_urgency=current.computed_urgency, urgency=new_urgency, needs=new_needs,
            route=new_route, overridden=True, overridden_parts=parts, override_reason=reason[:2000],
        )
        summary = (gettext_noop("Triage changed by a professional (%(parts)s): %(urgency)s"), {
            "parts": [code("triage.part", p) for p in parts], "urgency": choice(Urgency(new_urgency))})
        _apply(case, triage, actor=actor, organisation=organisation, summary=summary, action=Action.UPDATE)
    return triage
