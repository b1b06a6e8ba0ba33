"""API shapes. Codes, not ids: municipalities by CBS code, countries by ISO 3166 alpha-2, etc."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from vangnet.cases.models import ConsentPurpose
from vangnet.core.models import Country, Language
from vangnet.core.text import PlainTextSerializerField
from vangnet.regions.models import Municipality
from vangnet.sharing.models import HandoverPurpose, HandoverStatus
from vangnet.signals.input import SignalInput, validate
from vangnet.signals.models import ExploitationForm, Gender, Indicator, ResidenceStatus, SignalConsent, YesNoUnknown


class CodeField(serializers.SlugRelatedField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class PersonSerializer(serializers.Serializer):
    identified = serializers.BooleanField(default=False)
    given_names = PlainTextSerializerField(required=False, allow_blank=True, max_length=200, default="")
    family_name = PlainTextSerializerField(required=False, allow_blank=True, max_length=200, default="")
    aliases = PlainTextSerializerField(required=False, allow_blank=True, max_length=300, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=110,
                                             default=None)
    gender = serializers.ChoiceField(choices=Gender.choices, default=Gender.UNKNOWN)
    nationality = CodeField(slug_field="code", queryset=Country.objects.all(), required=False, allow_null=True,
                            default=None, help_text="ISO 3166-1 alpha-2 code")
    languages = CodeField(slug_field="code", queryset=Language.objects.all(), many=True, required=False,
                          default=list)
    minor = serializers.BooleanField(default=False)
    lvb = serializers.ChoiceField(choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    multiple_problems = serializers.ChoiceField(choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    residence_status = serializers.ChoiceField(
        choices=ResidenceStatus.choices, default=ResidenceStatus.UNKNOWN,
        help_text="As far as the reporter knows; the triage uses it for the legal route.")
    children_count = serializers.IntegerField(min_value=0, max_value=20, default=0)
    document_type = serializers.ChoiceField(choices=["", "passport", "id_card", "residence", "other"], default="")
    document_number = PlainTextSerializerField(required=False, allow_blank=True, max_length=64, default="")


class ConsentSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SignalConsent.choices, default=SignalConsent.NOT_ASKED)
    purposes = serializers.ListField(child=serializers.ChoiceField(choices=ConsentPurpose.choices), default=list)
    obtained_by = PlainTextSerializerField(required=False, allow_blank=True, max_length=200, default="")
    obtained_on = serializers.DateField(required=False, allow_null=True, default=None)


class SignalCreateSerializer(serializers.Serializer):
    observed_on = serializers.DateField(help_text="The day the professional met the person or saw the signs.")
    municipality = CodeField(slug_field="cbs_code", queryset=Municipality.objects.all(),
                             help_text="CBS municipality code, e.g. GM0363")
    exploitation_municipality = CodeField(slug_field="cbs_code", queryset=Municipality.objects.all(),
                                          required=False, allow_null=True, default=None)
    immediate_danger = serializers.BooleanField(default=False)
    forms = CodeField(slug_field="code", queryset=ExploitationForm.objects.all(), many=True, allow_empty=False,
                      help_text="Forms of exploitation: sexual, labour, criminal, other, or a subtype of other.")
    indicators = CodeField(slug_field="code", queryset=Indicator.objects.filter(active=True), many=True,
                           required=False, default=list)
    person = PersonSerializer()
    consent = ConsentSerializer(required=False, default=dict)
    account = PlainTextSerializerField(required=False, allow_blank=True, max_length=20000, default="")

    FIELD_PATHS = {
        "is_identified": "person.identified", "given_names": "person.given_names",
        "family_name": "person.family_name", "birth_date": "person.birth_date",
        "estimated_age": "person.estimated_age", "is_minor": "person.minor",
        "document_type": "person.document_type", "children_count": "person.children_count",
        "consent_obtained_by": "consent.obtained_by", "consent_obtained_on": "consent.obtained_on",
        "consent_purposes": "consent.purposes",
    }

    def to_signal_input(self) -> SignalInput:
        d, p = self.validated_data, self.validated_data["person"]
        c = self.validated_data.get("consent") or {}
        return SignalInput(
            observed_on=d["observed_on"], municipality=d["municipality"],
            exploitation_municipality=d.get("exploitation_municipality"), immediate_danger=d["immediate_danger"],
            forms=list(d["forms"]), indicators=list(d.get("indicators") or []), is_identified=p["identified"],
            given_names=p["given_names"], family_name=p["family_name"], aliases=p["aliases"],
            birth_date=p["birth_date"], document_type=p["document_type"], document_number=p["document_number"],
            estimated_age=p["estimated_age"], gender=p["gender"], nationality=p["nationality"],
            languages=list(p["languages"]), residence_status=p["residence_status"], is_minor=p["minor"],
            has_lvb=p["lvb"],
            has_multiple_problems=p["multiple_problems"], children_count=p["children_count"],
            consent=c.get("status", SignalConsent.NOT_ASKED), consent_purposes=list(c.get("purposes", [])),
            consent_obtained_by=c.get("obtained_by", ""), consent_obtained_on=c.get("obtained_on"),
            account=d["account"],
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        self._validated_data = attrs
        errors = validate(self.to_signal_input())
        if errors:
            raise serializers.ValidationError({self.FIELD_PATHS.get(k, k): v for k, v in errors.items()})
        return attrs


class SignalReceiptSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    case_reference = serializers.CharField(source="case.reference")
    case_status = serializers.CharField(source="case.status")
    urgency = serializers.CharField(source="case.urgency")
    lead_organisation = serializers.CharField(source="case.lead_organisation.name")
    received_at = serializers.DateTimeField(source="submitted_at")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    errors = serializers.ListField(child=serializers.DictField(child=serializers.CharField()), required=False)




# --- handovers (vangnet.sharing) ----------------------------------------------------------------
# The status enum stays inline (allOf): a component would take the name StatusEnum from the signal schema.


@extend_schema_field({"type": "string", "enum": list(HandoverPurpose.values),
                      "description": "registration, care_coordination, shelter, medical, legal_aid, residence or "
                                     "criminal_investigation"})
class HandoverPurposeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=HandoverPurpose.choices, **kwargs)


@extend_schema_field({"allOf": [{"type": "string", "enum": list(HandoverStatus.values)}],
                      "description": "requested, accepted, declined, completed or revoked"})
class HandoverStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=HandoverStatus.choices, **kwargs)


class HandoverCreateSerializer(serializers.Serializer):
    case = serializers.CharField(max_length=20, help_text="The case number, e.g. VN-2026-000123.")
    recipient = serializers.IntegerField(min_value=1, help_text="The id of the receiving organisation.")
    purpose = HandoverPurposeField()
    message = PlainTextSerializerField(required=False, allow_blank=True, max_length=2000, default="",
                                    help_text="Why the case is handed over. Do not write names.")


class HandoverDeclineSerializer(serializers.Serializer):
    reason = PlainTextSerializerField(max_length=500, help_text="Why the handover is declined.")


class HandoverSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case_reference = serializers.CharField(source="case.reference")
    sender = serializers.CharField(source="sender.name")
    recipient = serializers.CharField(source="recipient.name")
    recipient_id = serializers.IntegerField()
    purpose = HandoverPurposeField()
    legal_basis = serializers.CharField(help_text="A legal basis code from the register of processing activities.")
    fields = serializers.ListField(child=serializers.CharField(), help_text="The field codes shared.")
    status = HandoverStatusField()
    decline_reason = serializers.CharField()
    trace_id = serializers.CharField(help_text="The sender's trace id, carried across the handover.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
