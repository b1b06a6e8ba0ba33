"""Data lifecycle: runs of the retention schedule, and data-subject requests with their history.

A data-subject request (GDPR art. 15-18) names one case; the request covers every case of the same
person (cases sharing ``Case.person_key``). Its status moves only along ``lifecycle.transitions`` and each
change is appended to ``DataSubjectRequestStatusChange``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.fields import EncryptedTextField


class RetentionRun(models.Model):
    """One run of the retention schedule (or a dry run): what went, per category. Holds only counts."""

    started_at = models.DateTimeField(default=timezone.now)
    as_of = models.DateTimeField(help_text=_("The moment the periods were counted back from"))
    dry_run = models.BooleanField(default=False)
    schedule_version = models.CharField(max_length=32)
    counts = models.JSONField(default=dict, help_text=_("Per category: rows anonymised or deleted"))
    triggered_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access (art. 15)")
    RECTIFICATION = "rectification", _("Rectification (art. 16)")
    ERASURE = "erasure", _("Erasure (art. 17)")
    RESTRICTION = "restriction", _("Restriction of processing (art. 18)")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("Being handled")
    EXTENDED = "extended", _("Extended by two months")
    COMPLETED = "completed", _("Completed")
    PARTLY_REFUSED = "partly_refused", _("Partly refused")
    REFUSED = "refused", _("Refused")


class DataSubjectRequest(models.Model):
    reference = models.CharField(_("request number"), max_length=20, unique=True)
    kind = models.CharField(_("kind of request"), max_length=16, choices=RequestKind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.RECEIVED)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer before"))
    #: what the person asks, in their words; may hold personal data, so encrypted
    details = EncryptedTextField(_("what the person asks"), blank=True)
    #: the answer or explanation given to the person; encrypted for the same reason
    outcome = EncryptedTextField(_("answer to the person"), blank=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        from vangnet.lifecycle.transitions import CLOSED_STATUSES

        return self.status not in CLOSED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class DataSubjectRequestStatusChange(models.Model):
    """Append-only history of a request. Written only by ``lifecycle.services``."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=16, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=RequestStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_label = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise ValueError("The history of a data subject request is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("The history of a data subject request is append-only")


class ProcessingRestriction(models.Model):
    """GDPR art. 18: while active, the retention schedule keeps the person's data (art. 18(1)(c): the
    person needs it for a legal claim) and the access report shows the restriction."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="restrictions")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=models.Q(lifted_at__isnull=True),
                                               name="one_active_restriction_per_case")]
