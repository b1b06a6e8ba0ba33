"""Shelter capacity and placement.

- A shelter provider (an organisation of type ``shelter_provider``) has locations. A location's address is
  confidential (encrypted at rest); its admission criteria are plain, because matching needs them.
- A location offers places per place type (``PlaceCapacity``). Every physical place is one ``PlaceSlot``
  row. A slot is taken by at most one active ``SlotClaim`` (a hold, an admission or a block): a partial
  unique constraint in the database makes a double booking impossible, whatever the application does.
- Occupancy is never typed in: it is the number of active admission claims, written only by admission
  and released only by discharge (``services.admit`` / ``services.discharge``).
- A ``PlacementRequest`` is a case's question for a place; each reservation of one slot is a
  ``Placement`` that the provider accepts or declines, and that later becomes an admission and a
  discharge.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from vangnet.core.fields import EncryptedTextField


class PlaceType(models.TextChoices):
    COSM = "cosm", _("Categorical shelter for victims (COSM)")
    OMM = "omm", _("Shelter for victims with multiple problems (OMM)")
    WOMEN = "women", _("Women's shelter")
    MEN = "men", _("Men's shelter")
    MINORS = "minors", _("Protected shelter for minors")
    CRISIS = "crisis", _("Crisis bed")


class Specialism(models.TextChoices):
    MALE_SEXUAL = "male_sexual", _("Male victims of sexual exploitation")
    LABOUR = "labour", _("Labour exploitation")
    CRIMINAL = "criminal", _("Criminal exploitation")


class AdmissionGender(models.TextChoices):
    FEMALE = "female", _("Women / girls")
    MALE = "male", _("Men / boys")
    X = "x", _("Other or non-binary")


class ShelterLocation(models.Model):
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="shelter_locations",
        verbose_name=_("shelter provider"),
    )
    name = models.CharField(_("name of the location"), max_length=120,
                            help_text=_("A working name, without the address."))
    municipality = models.ForeignKey("regions.Municipality", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("municipality"))
    region = models.ForeignKey("regions.PoliceUnit", on_delete=models.PROTECT, related_name="+", editable=False)
    address = EncryptedTextField(
        _("address"), help_text=_("Confidential. Shown only to your own organisation, and to the placing "
                                  "organisation once you accept a placement."),
    )
    genders = models.JSONField(_("genders admitted"), default=list)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), default=120)
    accepts_children = models.BooleanField(_("children can come along"), default=False)
    accepts_lvb = models.BooleanField(_("admits people with a mild intellectual disability (LVB)"), default=False)
    accepts_addiction = models.BooleanField(_("admits people with an addiction"), default=False)
    offers_psychiatric_care = models.BooleanField(_("offers psychiatric care"), default=False)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    languages = models.ManyToManyField("core.Language", blank=True, related_name="+",
                                       verbose_name=_("languages spoken by staff"))
    specialisms = models.JSONField(_("specialisms"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    #: Bumped on every change to the location or its places; versions the matching cache.
    changed_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["provider__name", "name"]
        verbose_name = _("shelter location")
        verbose_name_plural = _("shelter locations")
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="shelter_location_unique_name"),
            models.CheckConstraint(condition=Q(min_age__lte=models.F("max_age")), name="shelter_location_age_range"),
        ]

    def __str__(self) -> str:
        return f"{self.provider.name} – {self.name}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.region_id = self.municipality.police_unit_id
        self.changed_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "changed_at", "region"}
        super().save(*args, **kwargs)


class PlaceCapacity(models.Model):
    """The places of one type at one location. Its row is the lock every reservation takes."""

    location = models.ForeignKey(ShelterLocation, on_delete=models.CASCADE, related_name="capacities")
    place_type = models.CharField(_("type of place"), max_length=16, choices=PlaceType.choices)
    places = models.PositiveSmallIntegerField(_("number of places"), default=0)

    class Meta:
        ordering = ["location_id", "place_type"]
        verbose_name = _("capacity")
        verbose_name_plural = _("capacities")
        constraints = [
            models.UniqueConstraint(fields=["location", "place_type"], name="one_capacity_per_place_type"),
        ]

    def __str__(self) -> str:
        return f"{self.location} – {self.get_place_type_display()}"


class PlaceSlot(models.Model):
    """One physical place. Lowering capacity deactivates free slots; history keeps pointing at them."""

    capacity = models.ForeignKey(PlaceCapacity, on_delete=models.CASCADE, related_name="slots")
    number = models.PositiveSmallIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["capacity_id", "number"]
        constraints = [models.UniqueConstraint(fields=["capacity", "number"], name="one_slot_per_number")]


class ClaimKind(models.TextChoices):
    HOLD = "hold", _("Held for a placement request")
    ADMISSION = "admission", _("Occupied")
    BLOCK = "block", _("Blocked")


class SlotClaim(models.Model):
    """A slot taken by a hold, an admission or a block. At most one active claim per slot (database)."""

    slot = models.ForeignKey(PlaceSlot, on_delete=models.PROTECT, related_name="claims")
    capacity = models.ForeignKey(PlaceCapacity, on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(max_length=16, choices=ClaimKind.choices)
    placement = models.ForeignKey("Placement", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="claims")
    block = models.ForeignKey("PlaceBlock", on_delete=models.PROTECT, null=True, blank=True, related_name="claims")
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text=_("For holds: when the hold lapses."))
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slot"], condition=Q(released_at__isnull=True),
                                    name="one_active_claim_per_slot"),
            models.CheckConstraint(
                condition=(Q(kind="block", block__isnull=False, placement__isnull=True)
                           | (Q(kind__in=["hold", "admission"], placement__isnull=False, block__isnull=True))),
                name="claim_has_one_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["capacity", "kind"], condition=Q(released_at__isnull=True),
                         name="claim_active_idx"),
            models.Index(fields=["expires_at"], condition=Q(released_at__isnull=True, kind="hold"),
                         name="claim_hold_expiry_idx"),
        ]


class BlockReason(models.TextChoices):
    CLOSURE = "closure", _("Temporary closure (e.g. renovation)")
    STAFFING = "staffing", _("Staff shortage")
    SAFETY = "safety", _("Safety incident")
    OTHER = "other", _("Other reason")


class PlaceBlock(models.Model):
    capacity = models.ForeignKey(PlaceCapacity, on_delete=models.CASCADE, related_name="blocks")
    places = models.PositiveSmallIntegerField(_("number of places"))
    reason = models.CharField(_("reason"), max_length=16, choices=BlockReason.choices)
    ends_on = models.DateField(_("blocked until"), help_text=_("The places are free again on this day."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ends_on"]
        verbose_name = _("blocked places")
        verbose_name_plural = _("blocked places")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Looking for a place")
    WAITING = "waiting", _("On the waiting list")
    RESERVED = "reserved", _("Place reserved, waiting for the shelter")
    ACCEPTED = "accepted", _("Accepted by the shelter")
    ADMITTED = "admitted", _("Admitted")
    DISCHARGED = "discharged", _("Left the shelter")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_REQUEST_STATUSES = (RequestStatus.OPEN, RequestStatus.WAITING, RequestStatus.RESERVED)


class EscalationReason(models.TextChoices):
    NO_PLACE = "no_place", _("Acute, and no fitting place")
    DECLINED_TWICE = "declined_twice", _("Declined twice")
    OVERDUE = "overdue", _("Not placed within the urgency window")


class PlacementRequest(models.Model):
    """A case's request for a shelter place, with the person's needs (no name, no account)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="placement_requests")
    requesting_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    urgency = models.CharField(_("urgency"), max_length=8,
                               choices=[("acute", _("Acute: today")), ("urgent", _("Urgent: within 3 days")),
                                        ("regular", _("Regular"))])
    deadline = models.DateTimeField(_("place before"))
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    # --- needs (pre-filled from the signal profile)
    gender = models.CharField(_("gender"), max_length=8,
                              choices=[("female", _("Woman / girl")), ("male", _("Man / boy")),
                                       ("x", _("Other or non-binary")), ("unknown", _("Unknown"))])
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    is_minor = models.BooleanField(_("minor (under 18)"), default=False)
    children_count = models.PositiveSmallIntegerField(_("children coming along"), default=0)
    lvb = models.BooleanField(_("mild intellectual disability (LVB)"), default=False)
    addiction = models.BooleanField(_("addiction"), default=False)
    psychiatric = models.BooleanField(_("needs psychiatric care"), default=False)
    multiple_problems = models.BooleanField(_("multiple problems"), default=False)
    wheelchair = models.BooleanField(_("uses a wheelchair"), default=False)
    languages = models.ManyToManyField("core.Language", blank=True, related_name="+", verbose_name=_("languages"))
    place_types = models.JSONField(_("types of place"), default=list, blank=True)
    specialisms = models.JSONField(_("specialisms wanted"), default=list, blank=True)
    #: Needs from the triage (codes of triage/data/rules.yaml `needs`), carried over and editable.
    care_needs = models.JSONField(_("needs from the triage"), default=list, blank=True)
    #: What the triage advised when the request was made (shelter type, needs, flags), to log the differences.
    triage_advice = models.JSONField(default=dict, blank=True, editable=False)
    network_municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("municipality of the person's network"),
        help_text=_("Where family, friends or other support live. Places closer by rank a little higher."),
    )
    # --- safety
    exploitation_municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("municipality of exploitation"),
    )
    avoid_region = models.BooleanField(_("not in the police region of the exploitation"), default=True)
    avoid_adjacent_regions = models.BooleanField(_("not in a neighbouring police region either"), default=False)
    avoid_municipalities = models.ManyToManyField("regions.Municipality", blank=True, related_name="+",
                                                  verbose_name=_("also not in these municipalities"))
    # --- follow-up
    decline_count = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.CharField(max_length=16, choices=EscalationReason.choices, blank=True)
    admitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("placement request")
        verbose_name_plural = _("placement requests")
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["case", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.case.reference} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    @property
    def place_type_labels(self) -> list[str]:
        return [str(PlaceType(t).label) for t in self.place_types or () if t in PlaceType.values]

    @property
    def care_need_labels(self) -> list[str]:
        """The needs from the triage in the reader's language."""
        from vangnet.core.i18n import active_language
        from vangnet.triage.rules import current_rules

        needs, lang = current_rules().needs, active_language()
        return [needs[c][lang] for c in self.care_needs or () if c in needs]


class PlacementStatus(models.TextChoices):
    HELD = "held", _("Reserved, waiting for the shelter's answer")
    EXPIRED = "expired", _("Reservation expired")
    CANCELLED = "cancelled", _("Reservation cancelled")
    DECLINED = "declined", _("Declined by the shelter")
    ACCEPTED = "accepted", _("Accepted")
    ADMITTED = "admitted", _("Admitted")
    DISCHARGED = "discharged", _("Discharged")


class DeclineReason(models.TextChoices):
    NO_FIT = "no_fit", _("The person's needs do not fit this location")
    SAFETY = "safety", _("Safety risk for the person or the residents")
    NOT_AVAILABLE = "not_available", _("The place is not available after all")
    OTHER = "other", _("Other reason")


class DischargeDestination(models.TextChoices):
    HOME = "home", _("Back home (own family or former home)")
    OTHER_SHELTER = "other_shelter", _("Another shelter")
    OWN_HOUSING = "own_housing", _("Own housing")
    RETURNED = "returned", _("Returned to country of origin")
    UNKNOWN = "unknown", _("Unknown")
    LEFT = "left", _("Left without notice")


class Placement(models.Model):
    request = models.ForeignKey(PlacementRequest, on_delete=models.PROTECT, related_name="placements")
    capacity = models.ForeignKey(PlaceCapacity, on_delete=models.PROTECT, related_name="placements")
    status = models.CharField(max_length=16, choices=PlacementStatus.choices, default=PlacementStatus.HELD)
    reserved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reserved_at = models.DateTimeField(default=timezone.now)
    held_until = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=16, choices=DeclineReason.choices, blank=True)
    decline_note = models.CharField(_("explanation"), max_length=300, blank=True)
    admission_date = models.DateField(_("admission date"), null=True, blank=True)
    admitted_at = models.DateTimeField(null=True, blank=True)
    discharge_date = models.DateField(_("discharge date"), null=True, blank=True)
    discharge_destination = models.CharField(_("destination"), max_length=16, choices=DischargeDestination.choices,
                                             blank=True)

    class Meta:
        ordering = ["-reserved_at"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        indexes = [models.Index(fields=["status", "admitted_at"])]
        constraints = [
            # one live placement per request: a request cannot hold two places at once
            models.UniqueConstraint(fields=["request"], condition=Q(status__in=["held", "accepted", "admitted"]),
                                    name="one_live_placement_per_request"),
        ]

    @property
    def location(self) -> ShelterLocation:
        return self.capacity.location


class NotificationKind(models.TextChoices):
    PLACE_FREE = "place_free", _("A fitting place is free")
    ANSWER = "answer", _("The shelter answered")
    HOLD_EXPIRED = "hold_expired", _("A reservation expired")
    NEW_REQUEST = "new_request", _("New reservation for your shelter")


#: The message ids of the notifications (English; rendered in the reader's language). Listed here so the
#: migration that read legacy rows back (``0005``) and the services use the same ids.
MSG_NEW_REQUEST = gettext_noop("New reservation for %(place)s: answer before %(until)s.")
MSG_HOLD_EXPIRED = gettext_noop("The reservation for case %(case)s expired without an answer. Choose another place.")
MSG_ACCEPTED = gettext_noop("The shelter accepted the placement for case %(case)s. "
                            "The address is on the placement page.")
MSG_DECLINED = gettext_noop("The shelter declined the placement for case %(case)s: %(reason)s. Choose another place.")
MSG_PLACE_FREE = gettext_noop("A fitting shelter place is free for case %(case)s (%(count)s options).")
NOTIFICATION_MESSAGES = [MSG_NEW_REQUEST, MSG_HOLD_EXPIRED, MSG_ACCEPTED, MSG_DECLINED, MSG_PLACE_FREE]


class Notification(models.Model):
    """An in-app message to an organisation. Holds no personal data: a case reference at most."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    request = models.ForeignKey(PlacementRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    #: the English message id, translated at read time in the reader's language (see ``text``); rows from
    #: before message ids hold the text as written (read back into an id and params where the migration could)
    message = models.CharField(max_length=300)
    #: values for the message's ``%(name)s`` placeholders (case number, codes, dates); never personal data
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "-created_at"], condition=Q(read_at__isnull=True),
                                name="notification_unread_idx")]

    @property
    def text(self) -> str:
        """The message in the active language (the reader's), as the case timeline renders its lines."""
        from vangnet.cases.timeline import render

        return render(self.message, self.params)
