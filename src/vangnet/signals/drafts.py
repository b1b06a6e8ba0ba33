"""Drafts of the signal flow: load (404 for anyone but the owner), save a step, build the input."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.signals.forms import STEPS, IndicatorsForm
from vangnet.signals.input import SignalInput
from vangnet.signals.models import SignalDraft


def get_draft_or_404(user: Any, public_id: Any) -> SignalDraft:
    draft = SignalDraft.objects.filter(public_id=public_id, owner_id=user.pk).first()
    if draft is None:
        raise Http404("No draft found")
    return draft


def save_step(draft: SignalDraft, step: str, data: QueryDict) -> None:
    """Keep everything the person typed for ``step``, valid or not."""
    fields = STEPS[step].base_fields
    draft.data = {**draft.data, step: {name: data.getlist(name) for name in fields if name in data}}
    draft.step = step
    draft.updated_at = timezone.now()
    draft.save(update_fields=["data", "step", "updated_at"])
    log_processing("signal_registration", Action.UPDATE, obj=draft, fields=sorted(draft.data[step]))


def step_data(draft: SignalDraft, step: str) -> QueryDict | None:
    stored = draft.data.get(step)
    if stored is None:
        return None
    qd = QueryDict(mutable=True)
    for name, values in stored.items():
        qd.setlist(name, values)
    return qd


def unbound_step(draft: SignalDraft, step: str) -> Any:
    """The step's form showing what was saved, without validating it (a page load shows no errors)."""
    form_class = STEPS[step]
    kwargs: dict[str, Any] = {"form_codes": chosen_form_codes(draft)} if form_class is IndicatorsForm else {}
    stored = draft.data.get(step) or {}
    initial: dict[str, Any] = {}
    for name, values in stored.items():
        field = form_class.base_fields.get(name)
        if field is None:
            continue
        multiple = isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField))
        initial[name] = values if multiple else (values[0] if values else "")
    return form_class(initial=initial, **kwargs)


def bind_step(draft: SignalDraft, step: str) -> Any:
    form_class = STEPS[step]
    kwargs: dict[str, Any] = {}
    if form_class is IndicatorsForm:
        kwargs["form_codes"] = chosen_form_codes(draft)
    data = step_data(draft, step)
    return form_class(data, **kwargs) if data is not None else form_class(**kwargs)


def chosen_form_codes(draft: SignalDraft) -> list[str]:
    from vangnet.signals.models import ExploitationForm

    codes = (draft.data.get("situation") or {}).get("forms") or []
    forms = ExploitationForm.objects.filter(code__in=codes)
    return sorted({f.parent_id or f.code for f in forms})


def build_input(cleaned: dict[str, dict[str, Any]]) -> SignalInput:
    s, i, p, c = cleaned["situation"], cleaned["indicators"], cleaned["person"], cleaned["consent"]
    return SignalInput(
        observed_on=s["observed_on"], municipality=s["municipality"],
        exploitation_municipality=s.get("exploitation_municipality"), immediate_danger=s["immediate_danger"],
        forms=list(s["forms"]), indicators=list(i.get("indicators") or []),
        is_identified=p["is_identified"], given_names=p.get("given_names", ""),
        family_name=p.get("family_name", ""), aliases=p.get("aliases", ""), birth_date=p.get("birth_date"),
        document_type=p.get("document_type", ""), document_number=p.get("document_number", ""),
        estimated_age=p.get("estimated_age"), gender=p["gender"], nationality=p.get("nationality"),
        languages=list(p.get("languages") or []), residence_status=p.get("residence_status") or "unknown",
        is_minor=p.get("is_minor", False), has_lvb=p["has_lvb"],
        has_multiple_problems=p["has_multiple_problems"], children_count=p.get("children_count") or 0,
        consent=c["consent"], consent_purposes=list(c.get("consent_purposes") or []),
        consent_obtained_by=c.get("consent_obtained_by", ""), consent_obtained_on=c.get("consent_obtained_on"),
        account=c.get("account", ""),
    )


def describe(form: Any) -> list[tuple[str, str]]:
    """Label and readable value of every field of a valid step form (for the review page)."""
    rows: list[tuple[str, str]] = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if isinstance(field, forms.ModelMultipleChoiceField):
            text = "; ".join(str(v) for v in value)
        elif isinstance(field, forms.ModelChoiceField):
            text = str(value) if value else ""
        elif isinstance(field, forms.MultipleChoiceField):
            labels = {str(k): str(v) for k, v in field.choices}
            text = "; ".join(labels.get(str(v), str(v)) for v in value)
        elif isinstance(field, forms.ChoiceField):
            labels = {str(k): str(v) for k, v in field.choices}
            text = labels.get(str(form[name].value()), "")
        elif isinstance(field, forms.BooleanField):
            text = str(_("Yes") if value else _("No"))
        elif isinstance(value, datetime.date):
            text = date_format(value, "DATE_FORMAT")
        else:
            text = "" if value in (None, "") else str(value)
        rows.append((str(field.label), text or "—"))
    return rows
