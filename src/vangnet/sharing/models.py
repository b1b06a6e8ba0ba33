"""Handovers (overdrachten) between organisations, their append-only status history, and consent notes.

A handover is one record: from an organisation, to an organisation, for a purpose, on a legal basis (or
the person's consent), with a status that moves only along ``sharing.transitions``. Accepting it gives the
receiving organisation an ``Involvement(role=handover, purpose=...)``; revoking or completing it ends that
involvement, which ends access at once (``cases.access`` reads active involvements only).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.fields import EncryptedTextField


class HandoverPurpose(models.TextChoices):
    REGISTRATION = "registration", _("Registration with the national coordination centre")
    CARE_COORDINATION = "care_coordination", _("Care coordination")
    SHELTER = "shelter", _("Referral to a shelter")
    MEDICAL = "medical", _("Medical care")
    LEGAL_AID = "legal_aid", _("Legal aid")
    RESIDENCE = "residence", _("Residence procedure")
    CRIMINAL_INVESTIGATION = "criminal_investigation", _("Criminal investigation")


class HandoverStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


OPEN_STATUSES = (HandoverStatus.REQUESTED, HandoverStatus.ACCEPTED)


class Handover(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="handovers")
    sender = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="handovers_sent",
                               verbose_name=_("from"))
    recipient = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                  related_name="handovers_received", verbose_name=_("to"))
    purpose = models.CharField(_("purpose"), max_length=40, choices=HandoverPurpose.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=64, help_text=_("A code from the register."))
    consent = models.ForeignKey("cases.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                help_text=_("The consent this handover rests on, when its basis is consent."))
    consent_purpose = models.CharField(max_length=32, blank=True)
    policy_version = models.CharField(max_length=32)
    fields = models.JSONField(default=list, help_text=_("The field codes shared, as the policy said when sent."))
    status = models.CharField(_("status"), max_length=16, choices=HandoverStatus.choices,
                              default=HandoverStatus.REQUESTED)
    message = EncryptedTextField(_("message"), blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    trace_id = models.CharField(max_length=32, db_index=True,
                                help_text=_("The sender's trace id; every processing of this handover carries it."))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    requested_by_label = models.CharField(max_length=200)
    involvement = models.ForeignKey("cases.Involvement", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        indexes = [models.Index(fields=["recipient", "status"]), models.Index(fields=["sender", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "recipient", "purpose"],
                condition=models.Q(status__in=["requested", "accepted"]),
                name="one_open_handover_per_recipient_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.recipient} ({self.purpose})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class HandoverStatusChange(models.Model):
    """Append-only history. Written only by ``sharing.services``; rows are never changed."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=16, choices=HandoverStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=HandoverStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_label = models.CharField(max_length=200)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise ValueError("Handover status history is append-only")
        super().save(*args, **kwargs)


class ConsentNote(models.Model):
    """The encrypted note that goes with one consent record (e.g. "consent given through an interpreter")."""

    consent = models.OneToOneField("cases.Consent", on_delete=models.CASCADE, related_name="sharing_note")
    note = EncryptedTextField(_("note"), blank=True)
