"""A procedure on a case, its append-only steps and the deadlines they open.

Codes (procedure, step, state, deadline, rule) come from ``data/procedures.yaml``; labels are rendered at read
time in the reader's language. Steps are never changed or deleted: a correction is a new step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Procedure(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="procedures")
    code = models.CharField(_("procedure"), max_length=40)
    #: the version of the procedures file the procedure was started under
    version = models.CharField(max_length=20)
    state = models.CharField(_("state"), max_length=40, default="start")
    is_open = models.BooleanField(default=True)
    started_on = models.DateField(_("started on"))
    started_by = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+")
    #: the triage route that started it ("" when started by hand)
    route = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [
            models.UniqueConstraint(fields=["case", "code"], condition=models.Q(is_open=True),
                                    name="one_open_procedure_per_code"),
        ]


class ProcedureStep(models.Model):
    """One recorded step: append-only history, checked against the allowed transitions of the data."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(max_length=40)
    from_state = models.CharField(max_length=40)
    to_state = models.CharField(max_length=40)
    on = models.DateField(_("date"))
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    document_reference = models.CharField(_("source document reference"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise ValueError("procedure steps are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("procedure steps are append-only")


class Deadline(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="deadlines")
    #: denormalised from the procedure, so the worklist finds a case's next deadline with one index
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadlines")
    code = models.CharField(max_length=40)
    rule = models.CharField(max_length=40)
    starts_on = models.DateField()
    due_on = models.DateField(_("due"))
    opened_by = models.ForeignKey(ProcedureStep, on_delete=models.PROTECT, null=True, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(ProcedureStep, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["case", "closed_on", "due_on"]),
                   models.Index(fields=["closed_on", "due_on"])]
