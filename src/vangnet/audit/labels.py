"""Field names of a processing log entry, shown as labels in the reader's language (log page, access report).

A log entry stores field names (``given_names``), sharing field codes (``identity.name``) or case sections
(``identity``); people read labels ("voornamen", "Naam en andere namen", "Identiteit"). A name without a
label is shown humanised, never as a raw code with underscores.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

#: the sections of a case page (vangnet.cases.access.SECTIONS) and other names that are not model fields
SECTION_LABELS = {
    "summary": _("Case summary"), "status": _("Status"), "profile": _("Profile"), "identity": _("Identity"),
    "account": _("Account (what happened)"), "indicators": _("Signs seen"), "consent": _("Consent"),
    "timeline": _("Timeline"), "signals": _("Signals"), "triage": _("Triage"), "placement": _("Placement"),
    "handover": _("Handover"), "processing_log": _("Processing log"), "languages": _("Languages"),
    "forms": _("Forms of exploitation"), "password": _("Password"),
}


def field_label(name: str, object_type: str = "") -> str:
    name = name.strip()
    if not name:
        return ""
    if name in SECTION_LABELS:
        return str(SECTION_LABELS[name])
    if "." in name or name in ("account", "timeline", "placement", "consent", "forms", "indicators"):
        from vangnet.sharing.policies import load_policies

        field = load_policies().fields.get(name)
        if field is not None:
            return field.label
    if object_type:
        try:
            model = apps.get_model(object_type)
            return str(capfirst(model._meta.get_field(name).verbose_name))
        except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
            pass
    return capfirst(name.replace("_", " ").replace(".", ": "))


def field_labels(fields: str, object_type: str = "") -> list[str]:
    """The labels of a log entry's comma-separated ``fields``, in order, without duplicates."""
    labels: list[str] = []
    for name in fields.split(","):
        label = field_label(name, object_type)
        if label and label not in labels:
            labels.append(label)
    return labels
