"""A triage of a case: the facts, the rule-file version, what the rules gave and what the professional decided.

Append-only: every triage (after a signal, after new facts, an override) is a new row; the newest row is
the current triage. ``result`` keeps the computed outcome with the rule ids and the text of every rule
that fired, so an old triage stays explainable after the rule file has changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.cases.models import Urgency


class Trigger(models.TextChoices):
    SIGNAL = "signal", _("New signal")
    FACTS = "facts", _("Triage facts recorded")
    OVERRIDE = "override", _("Changed by a professional")
    RERUN = "rerun", _("Triage repeated")


class Triage(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="triages")
    created_at = models.DateTimeField(default=timezone.now)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    rules_version = models.CharField(_("version of the triage rules"), max_length=32)
    #: Facts recorded on the triage form (carried forward to the next triage of the case).
    recorded_facts = models.JSONField(default=dict, blank=True)
    #: What the rules computed: facts, fired rules, outcomes with their rule ids, rule texts.
    result = models.JSONField(default=dict)
    computed_urgency = models.CharField(max_length=8, choices=Urgency.choices)
    # --- the decision (the computed values unless a professional overrode them)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices)
    needs = models.JSONField(default=list)
    route = models.JSONField(default=list)
    overridden = models.BooleanField(default=False)
    overridden_parts = models.JSONField(default=list, blank=True)  # subset of ["urgency", "needs", "route"]
    override_reason = models.TextField(_("reason for the change"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        verbose_name = _("triage")
        verbose_name_plural = _("triages")
        indexes = [models.Index(fields=["case", "-created_at"]),
                   models.Index(fields=["rules_version", "computed_urgency"])]

    def __str__(self) -> str:
        return f"{self.case_id}@{self.created_at:%Y-%m-%d %H:%M}"
