"""Organisations, the people who work in them, their roles, and API tokens per organisation."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.fields import EncryptedTextField


class OrganisationType(models.TextChoices):
    POLICE = "police", _("Police")
    KMAR = "kmar", _("Royal Marechaussee (KMar)")
    LABOUR_INSPECTORATE = "labour_inspectorate", _("Netherlands Labour Authority")
    PUBLIC_PROSECUTOR = "public_prosecutor", _("Public Prosecution Service (OM)")
    IND = "ind", _("Immigration and Naturalisation Service (IND)")
    COA = "coa", _("Central Agency for the Reception of Asylum Seekers (COA)")
    MUNICIPALITY = "municipality", _("Municipality")
    CARE_COORDINATION = "care_coordination", _("Care coordination")
    SHELTER_PROVIDER = "shelter_provider", _("Shelter provider")
    HEALTHCARE = "healthcare", _("Healthcare")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
    YOUTH_CARE = "youth_care", _("Youth care")
    NGO = "ngo", _("NGO")
    NATIONAL_COORDINATION_CENTRE = "national_coordination_centre", _("National coordination centre")
    RAPPORTEUR = "rapporteur", _("National Rapporteur")


class Role(models.TextChoices):
    """What a person does in Vangnet. One role per user; the organisation decides which cases."""

    REPORTER = "reporter", _("Reporter")
    CARE_COORDINATOR = "care_coordinator", _("Care coordinator")
    SHELTER_INTAKE = "shelter_intake", _("Shelter intake")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    ANALYST = "analyst", _("Analyst (figures only)")
    FUNCTIONAL_ADMIN = "functional_admin", _("Functional administrator")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=40, choices=OrganisationType.choices)
    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, related_name="organisations",
        verbose_name=_("seat"),
    )
    region = models.ForeignKey(
        "regions.PoliceUnit", on_delete=models.PROTECT, related_name="organisations",
        verbose_name=_("region served"), null=True, blank=True,
        help_text=_("Regional organisations (care coordination, police units) serve one region."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["type", "region"])]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True,
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.REPORTER)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        """Not revoked, not expired, of an active organisation."""
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now()),
            revoked_at__isnull=True, organisation__is_active=True,
        )


class ApiToken(models.Model):
    """A secret an organisation's own system uses to call the API. Only its hash is stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses this token."))
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True,
                                      help_text=_("After this moment the token no longer works."))
    issued_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", editable=False)
    revoked_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.organisation} – {self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, organisation: Organisation, name: str, *, expires_at: Any = None,
              issued_by: Any = None) -> tuple[ApiToken, str]:
        """Create a token; the clear key is returned once and never stored. Use ``accounts.services.issue_token``
        from the web (it logs and records the security event)."""
        key = "vn_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            organisation=organisation, name=name, prefix=key[3:11], key_hash=cls.hash_key(key),
            expires_at=expires_at, issued_by=issued_by,
        )
        return token, key

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"


class MfaDevice(models.Model):
    """A TOTP authenticator (RFC 6238, 30 s, 6 digits, SHA-1 as authenticator apps expect) of one user.

    The secret is encrypted at rest. ``last_step`` refuses the replay of a code already used.
    """

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="mfa_device")
    secret = EncryptedTextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("two-step verification")


class RecoveryCode(models.Model):
    """A one-time recovery code (only its hash is kept)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)


# --- federated login (OpenID Connect, issue 17) --------------------------------------------------------

#: RFC 8176 authentication method references that mean "more than one factor" at the identity provider.
DEFAULT_MFA_AMR_VALUES = "mfa,hwk,swk,otp,sc"


class IdentityProvider(models.Model):
    """An organisation's own OpenID Connect provider. Its people log in there; Vangnet lets in only existing,
    active users of that organisation (no accounts are made). Managed by the functional administrator."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="identity_providers",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name on the login page"), max_length=100,
                            help_text=_("For example the name of the organisation's login service."))
    issuer = models.URLField(_("issuer URL"), max_length=300,
                             help_text=_("The provider's issuer, exactly as in its discovery document "
                                         "(/.well-known/openid-configuration is added)."))
    client_id = models.CharField(_("client ID"), max_length=200)
    client_secret = EncryptedTextField(_("client secret"))
    subject_claim = models.CharField(_("claim that identifies the user"), max_length=50, default="sub",
                                     help_text=_("Usually sub. The value is stored with the account at the first "
                                                 "login and must never change at the provider."))
    scopes = models.CharField(_("scopes"), max_length=200, default="openid email profile")
    accept_provider_mfa = models.BooleanField(
        _("accept the provider's two-step verification"), default=False,
        help_text=_("When the ID token says the user logged in with more than one factor (amr or acr), Vangnet "
                    "does not ask for its own code."))
    mfa_amr_values = models.CharField(_("amr values that count as two-step"), max_length=200,
                                      default=DEFAULT_MFA_AMR_VALUES, blank=True)
    mfa_acr_values = models.CharField(_("acr values that count as two-step"), max_length=300, blank=True,
                                      default="")
    is_enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        constraints = [models.UniqueConstraint(fields=["issuer", "client_id"], name="idp_unique_issuer_client")]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.name}"

    @staticmethod
    def _values(text: str) -> set[str]:
        return {v.strip() for v in text.replace(" ", ",").split(",") if v.strip()}

    def provider_mfa_satisfied(self, claims: dict[str, Any]) -> bool:
        """Whether the ID token's amr/acr shows a login with more than one factor that this provider accepts."""
        if not self.accept_provider_mfa:
            return False
        amr = claims.get("amr")
        amr_values = {str(v) for v in amr} if isinstance(amr, list) else set()
        acr = claims.get("acr")
        return bool(amr_values & self._values(self.mfa_amr_values)) or (
            isinstance(acr, str) and acr in self._values(self.mfa_acr_values))


class ExternalIdentity(models.Model):
    """A user's subject at an identity provider (issuer + subject), stored at the first federated login."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="external_identities")
    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("external identity")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique")]


class Passkey(models.Model):
    """A passkey (WebAuthn credential) of one user, used as the second step beside TOTP (issue 17).

    Only the public key is kept; ``sign_count`` refuses a cloned authenticator whose counter goes back."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(_("name"), max_length=100)
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")
