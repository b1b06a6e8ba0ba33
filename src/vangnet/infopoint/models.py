"""A consultation: an anonymous question to the national coordination centre, answered in Vangnet.

It holds NO personal data by design: the asker gives a role, a region and the question; no name, no
e-mail, no phone number. The asker reads the answer with the reference code (``/info/questions/<code>/``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    """12 random characters (60 bits), shown as XXXX-XXXX-XXXX: the only key to the answer."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class AskerRole(models.TextChoices):
    HEALTHCARE = "healthcare", _("Doctor, nurse or other care worker")
    YOUTH = "youth", _("School, youth work or youth care")
    SOCIAL = "social", _("Social work or municipality")
    WORK = "work", _("Employer, inspector or colleague")
    POLICE = "police", _("Police, KMar or other enforcement")
    PUBLIC = "public", _("Member of the public")
    OTHER = "other", _("Other")


class Consultation(models.Model):
    code = models.CharField(max_length=14, unique=True, default=new_code, editable=False)
    role = models.CharField(_("who you are"), max_length=16, choices=AskerRole.choices)
    region = models.ForeignKey("regions.PoliceUnit", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("region"))
    form = models.ForeignKey("signals.ExploitationForm", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("form of exploitation"))
    question = models.TextField(_("your question"))
    language = models.CharField(max_length=8, default="nl")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [models.Index(fields=["answered_at", "-asked_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
