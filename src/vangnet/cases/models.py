"""A case is one (presumed) victim's path through the referral mechanism.

Signals attach to a case; organisations become involved in it (reporter, lead, handover recipient,
shelter); its status moves only along the explicit transitions in ``cases.transitions`` and every
change is appended to the status history. The case pseudonym is what logs and statistics use.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.fields import EncryptedBytesField, EncryptedTextField


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_TRIAGE = "in_triage", _("In triage")
    IN_CARE = "in_care", _("In care")
    PLACED = "placed", _("Placed in shelter")
    CLOSED = "closed", _("Closed")


class CloseReason(models.TextChoices):
    NO_TRAFFICKING = "no_trafficking", _("No indications of trafficking after assessment")
    CARE_COMPLETED = "care_completed", _("Care completed")
    REFERRED_ABROAD = "referred_abroad", _("Returned or referred abroad")
    PERSON_DECLINED = "person_declined", _("Person declined help")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    MERGED = "merged", _("Same person as another case (merged)")
    OTHER = "other", _("Other reason")


class Urgency(models.TextChoices):
    ACUTE = "acute", _("Acute: in danger now, place today")
    URGENT = "urgent", _("Urgent: within 3 days")
    REGULAR = "regular", _("Regular")


URGENCY_ORDER = {Urgency.ACUTE: 0, Urgency.URGENT: 1, Urgency.REGULAR: 2}


def new_pseudonym() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "P-" + "".join(secrets.choice(alphabet) for _ in range(10))


class Case(models.Model):
    reference = models.CharField(_("case number"), max_length=20, unique=True)
    pseudonym = models.CharField(
        _("pseudonym"), max_length=16, unique=True, default=new_pseudonym, editable=False,
        help_text=_("Random id used in logs and statistics; reveals nothing about the person."),
    )
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.REGULAR)
    urgency_rank = models.PositiveSmallIntegerField(default=2, editable=False)
    lead_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="led_cases",
        verbose_name=_("lead organisation"),
    )
    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, related_name="cases",
        verbose_name=_("municipality of the first signal"),
    )
    region = models.ForeignKey("regions.PoliceUnit", on_delete=models.PROTECT, related_name="cases")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=32, choices=CloseReason.choices, blank=True)
    signal_count = models.PositiveIntegerField(default=0, editable=False)
    is_minor = models.BooleanField(_("minor"), default=False)
    # Filled by uniqueness (linkage): cases that concern the same person share a person key.
    person_key = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    #: 0 while the case is open, 1 once closed: the worklist shows open cases first (kept by ``save``)
    open_rank = models.PositiveSmallIntegerField(default=0, editable=False)
    #: the named care coordinator of the lead organisation who works on the case (``services.assign``)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    assigned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["lead_organisation", "status", "urgency_rank", "-opened_at"]),
            # the worklist's default order without a status filter: walk the index, stop after a page
            models.Index(fields=["lead_organisation", "urgency_rank", "-opened_at", "id"]),
            models.Index(fields=["lead_organisation", "-updated_at"]),
            models.Index(fields=["region", "status"]),
            models.Index(fields=["-opened_at"]),
            # the caseload worklist: open cases first, then urgency and age, for one organisation
            models.Index(fields=["lead_organisation", "open_rank", "urgency_rank", "-opened_at", "id"],
                         name="case_caseload_idx"),
            models.Index(fields=["assigned_to", "open_rank"], name="case_assignee_idx"),
            # the worklist's count per status: answered from the index alone on PostgreSQL (id for the
            # visibility check, closed_at for a reporter's receipt period), without visiting the table
            models.Index(fields=["lead_organisation", "status"], include=["id", "closed_at"],
                         name="case_lead_status_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.urgency_rank = URGENCY_ORDER[Urgency(self.urgency)]
        self.open_rank = 1 if self.status == CaseStatus.CLOSED else 0
        super().save(*args, **kwargs)


class CaseStatusChange(models.Model):
    """Append-only status history. Written only by ``cases.services.change_status``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_history")
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    reason = models.CharField(max_length=32, blank=True)
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")


class InvolvementRole(models.TextChoices):
    REPORTER = "reporter", _("Reported a signal")
    LEAD = "lead", _("Leads the case")
    HANDOVER = "handover", _("Received a handover")
    SHELTER = "shelter", _("Shelter")


class InvolvementQuerySet(models.QuerySet["Involvement"]):
    def active(self) -> InvolvementQuerySet:
        return self.filter(ended_at__isnull=True)


class Involvement(models.Model):
    """An organisation's involvement in a case: the basis of who may see it (and how much)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="involvements")
    role = models.CharField(max_length=16, choices=InvolvementRole.choices)
    purpose = models.CharField(
        max_length=40, blank=True,
        help_text=_("For handover recipients: the purpose that limits which fields they see."),
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        # which cases an organisation is involved in, and how: on PostgreSQL the visibility check of every
        # worklist reads this index alone (role included), not the table
        indexes = [models.Index(fields=["organisation", "case"], include=["role"],
                                condition=models.Q(ended_at__isnull=True), name="involvement_active_role_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation", "role", "purpose"], condition=models.Q(ended_at__isnull=True),
                name="one_active_involvement_per_role",
            )
        ]


class CaseEvent(models.Model):
    """The case timeline: what happened, by whom, when. Holds no personal data in its text."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        SIGNAL = "signal", _("Signal registered")
        STATUS = "status", _("Status changed")
        CONSENT = "consent", _("Consent recorded")
        INVOLVEMENT = "involvement", _("Organisation involved")
        TRIAGE = "triage", _("Triage")
        PLACEMENT = "placement", _("Placement")
        HANDOVER = "handover", _("Handover")
        ESCALATION = "escalation", _("Escalation")
        LINKAGE = "linkage", _("Same person")
        NOTE = "note", _("Note")
        ASSIGNMENT = "assignment", _("Assignment")
        ATTACHMENT = "attachment", _("Attachment")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+")
    #: legacy: text written in the writer's language (rows from before ``message``)
    summary = models.CharField(max_length=300, blank=True)
    #: the English message id, translated at read time in the reader's language (see ``text``)
    message = models.CharField(max_length=300, blank=True)
    #: values for the message's ``%(name)s`` placeholders: case numbers, dates, codes; never personal data
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"])]

    @property
    def text(self) -> str:
        """The timeline line in the active language."""
        from vangnet.cases.timeline import render_event

        return render_event(self)


class ConsentPurpose(models.TextChoices):
    REGISTRATION = "registration", _("Registration with the national coordination centre")
    CARE_COORDINATION = "care_coordination", _("Care coordination")
    SHELTER = "shelter", _("Referral to a shelter")
    MEDICAL = "medical", _("Medical care")
    LEGAL_AID = "legal_aid", _("Legal aid")
    RESIDENCE = "residence", _("Residence procedure")


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Consent(models.Model):
    """The person's consent for one purpose. A new record replaces the previous one for that purpose."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=ConsentPurpose.choices)
    status = models.CharField(_("status"), max_length=16, choices=ConsentStatus.choices)
    obtained_by = models.CharField(_("asked by"), max_length=200)
    obtained_on = models.DateField(_("date"))
    method = models.CharField(
        _("how"), max_length=16,
        choices=[("verbal", _("Verbally")), ("written", _("In writing"))], default="verbal",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")


class CaseSeen(models.Model):
    """When a user last opened a case page: the worklist marks cases changed since then."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "case"], name="one_seen_per_user_case")]


class SavedFilter(models.Model):
    """A user's named worklist filter (the query string of the worklist)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="one_saved_filter_per_name")]


class CaseNote(models.Model):
    """A note on a case by a professional of an involved organisation. The text is encrypted at rest."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"])]


class CaseAttachment(models.Model):
    """A file on a case (``cases.attachments`` checks size, type and viruses). The name is encrypted; the
    content lives encrypted in ``CaseAttachmentContent`` so lists never load it."""

    class ScanStatus(models.TextChoices):
        CLEAN = "clean", _("Checked for viruses: clean")
        NOT_SCANNED = "not_scanned", _("Not checked for viruses")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    filename = EncryptedTextField(_("file name"))
    kind = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=16, choices=ScanStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"])]


class CaseAttachmentContent(models.Model):
    attachment = models.OneToOneField(CaseAttachment, on_delete=models.CASCADE, primary_key=True,
                                      related_name="content")
    data = EncryptedBytesField()
