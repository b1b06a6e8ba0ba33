"""Signals: what a professional saw, about whom, and with which indicators of exploitation.

Identifying fields are encrypted at rest (``EncryptedTextField``): names, aliases, birth date,
document number and the free-text account. Everything used for routing and statistics (age, gender,
nationality, forms, indicators, municipality) is stored plainly, because it is needed in SQL and does
not identify a person on its own.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField
from vangnet.core.i18n import localised


class ExploitationForm(models.Model):
    """Sexual, labour, criminal, other — and the subtypes of other (forced begging, ...)."""

    code = models.CharField(max_length=32, primary_key=True)
    name_nl = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="subtypes")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("form of exploitation")
        verbose_name_plural = _("forms of exploitation")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self.name_nl, self.name_en)


class Indicator(models.Model):
    """One indicator from the versioned catalogue (``signals/data/indicators.yaml``)."""

    code = models.CharField(max_length=80, primary_key=True)
    group = models.CharField(max_length=32, help_text=_("'general' or a form of exploitation code"))
    text_nl = models.CharField(max_length=300)
    text_en = models.CharField(max_length=300)
    catalogue_version = models.CharField(max_length=32)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return localised(self.text_nl, self.text_en)


class Gender(models.TextChoices):
    FEMALE = "female", _("Woman / girl")
    MALE = "male", _("Man / boy")
    X = "x", _("Other or non-binary")
    UNKNOWN = "unknown", _("Unknown")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class ResidenceStatus(models.TextChoices):
    """The person's residence situation as far as the reporter knows (the triage uses it for the route)."""

    DUTCH_OR_EU = "dutch_or_eu", _("Dutch or EU citizen")
    LAWFUL = "lawful", _("Lawful residence (permit)")
    NONE = "none", _("No lawful residence")
    ASYLUM = "asylum", _("Asylum seeker (the Netherlands handles the claim)")
    DUBLIN = "dublin", _("Dublin claimant (another EU country is responsible)")
    UNKNOWN = "unknown", _("Unknown")


class SignalConsent(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    NOT_ASKED = "not_asked", _("Not asked yet")


class Source(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")


#: Fields that identify a person; encrypted at rest, redacted from audit diffs, never in statistics.
IDENTIFYING_FIELDS = ("given_names", "family_name", "aliases", "birth_date", "document_number", "account")


class Signal(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("signal number"), max_length=20, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="signals")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    reporting_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="signals",
        verbose_name=_("reporting organisation"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="signals",
        verbose_name=_("reported by"),
    )
    reporter_label = models.CharField(_("reported by"), max_length=200)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)

    # --- the situation
    observed_on = models.DateField(_("date of the signal"))
    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, related_name="signals",
        verbose_name=_("municipality where the person was met"),
    )
    exploitation_municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("municipality where the exploitation took place"),
    )
    immediate_danger = models.BooleanField(_("in danger now"), default=False)
    forms = models.ManyToManyField(ExploitationForm, related_name="signals", verbose_name=_("forms of exploitation"))
    indicators = models.ManyToManyField(Indicator, related_name="signals", blank=True, verbose_name=_("indicators"))
    indicator_catalogue_version = models.CharField(max_length=32)

    # --- the person (profile: plain; identity: encrypted)
    is_identified = models.BooleanField(_("identified"), default=False)
    given_names = EncryptedTextField(_("given names"), blank=True)
    family_name = EncryptedTextField(_("family name"), blank=True)
    aliases = EncryptedTextField(_("other names used"), blank=True)
    birth_date = EncryptedDateField(_("date of birth"), blank=True, null=True)
    document_type = models.CharField(
        _("identity document"), max_length=16, blank=True,
        choices=[("passport", _("Passport")), ("id_card", _("Identity card")),
                 ("residence", _("Residence document")), ("other", _("Other document"))],
    )
    document_number = EncryptedTextField(_("document number"), blank=True)
    estimated_age = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    age_at_signal = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, default=Gender.UNKNOWN)
    nationality = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("nationality"),
    )
    languages = models.ManyToManyField("core.Language", blank=True, related_name="+", verbose_name=_("languages"))
    residence_status = models.CharField(_("residence status"), max_length=12, choices=ResidenceStatus.choices,
                                        default=ResidenceStatus.UNKNOWN)
    is_minor = models.BooleanField(_("minor (under 18)"), default=False)
    has_lvb = models.CharField(
        _("mild intellectual disability (LVB)"), max_length=8, choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    has_multiple_problems = models.CharField(
        _("multiple problems (e.g. addiction, psychiatric)"), max_length=8, choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    children_count = models.PositiveSmallIntegerField(_("children with them"), default=0)

    # --- consent as recorded when the signal was made (details per purpose: cases.Consent)
    consent = models.CharField(
        _("consent of the person"), max_length=16, choices=SignalConsent.choices, default=SignalConsent.NOT_ASKED
    )

    account = EncryptedTextField(_("what happened (account)"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        indexes = [models.Index(fields=["reporting_organisation", "-submitted_at"]),
                   models.Index(fields=["reporter", "-submitted_at"])]

    def __str__(self) -> str:
        return self.reference


class SignalDraft(models.Model):
    """A signal being written. Kept server-side (encrypted) so a closed browser loses nothing."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signal_drafts")
    data = EncryptedJSONField(default=dict)
    step = models.CharField(max_length=32, default="situation")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("signal draft")
        verbose_name_plural = _("signal drafts")
