"""The register of processing activities (as data) and the append-only processing log.

In the spirit of the Dutch *Logboek Dataverwerkingen* standard: one entry per processing of personal
data, tied to a processing activity in the register, with the legal basis, the actor and their
organisation, a trace id that follows the work across requests and handovers, and only a pseudonymous
id of the person (the case pseudonym) — never a name.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.i18n import localised


class LegalBasis(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    article = models.CharField(_("article"), max_length=200)
    text_nl = models.TextField()
    text_en = models.TextField()

    class Meta:
        ordering = ["code"]
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self.name_nl, self.name_en)

    @property
    def text(self) -> str:
        return localised(self.text_nl, self.text_en)


class ProcessingActivity(models.Model):
    """One line of the register of processing activities (GDPR art. 30)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    purpose_nl = models.TextField()
    purpose_en = models.TextField()
    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, related_name="activities")
    data_categories = models.CharField(max_length=500, help_text=_("Comma separated category codes"))
    special_categories = models.BooleanField(default=False)
    retention_years = models.PositiveSmallIntegerField(null=True, blank=True)
    retention_from = models.CharField(max_length=64, blank=True)
    recipients = models.CharField(max_length=500, blank=True)
    confidential = models.BooleanField(
        default=False, help_text=_("Left out of data subject access reports (e.g. criminal investigation).")
    )
    register_version = models.CharField(max_length=32)

    class Meta:
        ordering = ["code"]
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self.name_nl, self.name_en)

    @property
    def purpose(self) -> str:
        return localised(self.purpose_nl, self.purpose_en)

    @property
    def data_category_labels(self) -> list[str]:
        return [str(DATA_CATEGORIES.get(code, code)) for code in self.data_categories.split(",") if code]

    @property
    def recipient_labels(self) -> list[str]:
        from vangnet.accounts.models import OrganisationType

        labels = dict(OrganisationType.choices)
        return [str(labels.get(code, code)) for code in self.recipients.split(",") if code]


#: The vocabulary of data categories used in the register (docs/data.md).
DATA_CATEGORIES = {
    "identification": _("identifying details (name, date of birth, documents)"),
    "pseudonym": _("pseudonyms and encodings"),
    "contact": _("contact details"),
    "profile": _("profile (age, gender, nationality, languages)"),
    "residence_status": _("residence status"),
    "exploitation_account": _("account of the exploitation"),
    "care_needs": _("care needs"),
    "placement": _("shelter placement"),
    "health": _("health (special category)"),
    "sex_life": _("sex life (special category)"),
    "criminal": _("criminal data"),
    "consent": _("consent"),
    "case_status": _("case status"),
    "professional": _("details of professionals"),
    "access_log": _("processing log"),
    "aggregate": _("anonymous figures"),
}


class Action(models.TextChoices):
    READ = "read", _("Read")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    SHARE = "share", _("Share")
    EXPORT = "export", _("Export")


class ProcessingLogEntry(models.Model):
    """One processing of personal data. Append-only: the database refuses updates and deletes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    trace_id = models.CharField(max_length=32, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=200, help_text=_("User name or API token name at the time"))
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_constraint=False,
    )
    activity = models.ForeignKey(ProcessingActivity, on_delete=models.PROTECT, related_name="log_entries")
    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    subject_pseudonym = models.CharField(
        max_length=32, blank=True, db_index=True, help_text=_("The case pseudonym; never a name")
    )
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    fields = models.CharField(
        max_length=1000, blank=True, help_text=_("Which fields were read or written (names, not values)")
    )
    changes = models.JSONField(
        default=dict, blank=True,
        help_text=_("Old and new values of non-identifying fields; identifying fields show only that they changed"),
    )
    #: The hash chain (vangnet.audit.chain): position, the previous entry's hash, and this entry's HMAC.
    #: (Nullable and a partial unique index, so adding them never rebuilds the table and its triggers.)
    seq = models.BigIntegerField(null=True, editable=False)
    prev_hash = models.CharField(max_length=64, null=True, editable=False)
    entry_hash = models.CharField(max_length=64, null=True, editable=False)

    class Meta:
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["seq"], condition=models.Q(seq__isnull=False),
                                               name="processing_log_one_entry_per_chain_position")]
        verbose_name = _("processing log entry")
        verbose_name_plural = _("processing log entries")
        indexes = [models.Index(fields=["organisation", "-at"]), models.Index(fields=["activity", "-at"])]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.subject_pseudonym}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise AppendOnlyError("Processing log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("Processing log entries cannot be deleted")


class AppendOnlyError(Exception):
    pass


class SecurityEventKind(models.TextChoices):
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED_OUT = "locked_out", _("Login locked")
    LOCK_LIFTED = "lock_lifted", _("Login lock lifted")
    CASE_ACCESS_REFUSED = "case_access_refused", _("Case access refused")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    MFA_CHANGED = "mfa_changed", _("Two-step verification changed")
    SESSION_EXPIRED = "session_expired", _("Session ended after inactivity")
    IDENTITY_PROVIDER_CHANGED = "identity_provider_changed", _("Identity provider changed")
    IDENTITY_LINKED = "identity_linked", _("Account linked to an identity provider")


#: The kinds that count towards the alert threshold (VANGNET_SECURITY_ALERT_THRESHOLD).
ALERTING_KINDS = (SecurityEventKind.LOGIN_FAILED, SecurityEventKind.LOCKED_OUT,
                  SecurityEventKind.CASE_ACCESS_REFUSED)


class SecurityEvent(models.Model):
    """One security-relevant event (failed login, lockout, refused access, token or MFA change).

    Kept apart from the processing log: these are about the system's defence, not about processing a
    person's data; they hold at most a username and an address, never case contents.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=SecurityEventKind.choices, db_index=True)
    username = models.CharField(_("username"), max_length=150, blank=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", db_constraint=False)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        indexes = [models.Index(fields=["kind", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"


class ChainHead(models.Model):
    """The single row holding the end of the processing log's hash chain; locked FOR UPDATE per append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("processing log chain head")


class ChainAnchor(models.Model):
    """A periodic anchor: the chain's position and hash at a moment, MAC'd with the log key.

    Anchors are also written out of the database (``manage.py anchor_processing_log``); an anchor that no
    longer matches the chain shows that entries up to it were removed or changed, even at the tail.
    """

    seq = models.BigIntegerField()
    entry_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=16, default="periodic")  # periodic | purge
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("processing log anchor")
        constraints = [models.UniqueConstraint(fields=["seq", "kind"], name="one_anchor_per_position_and_kind")]
