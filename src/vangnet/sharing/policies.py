"""The sharing policy engine: which fields may go to which organisation type, for which purpose, on which
legal basis. The rules are data (``sharing/data/policies.yaml``); this module only reads and checks them.

Pure Python apart from the translations: no database, so ``cases.access`` can ask it on every request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from vangnet.accounts.models import OrganisationType
from vangnet.audit.services import REGISTER_FILE
from vangnet.core.i18n import pick
from vangnet.core.reference_data import read_yaml

POLICY_FILE = Path(__file__).resolve().parent / "data" / "policies.yaml"
CONSENT_BASIS = "gdpr_6_1_a_9_2_a_consent"
#: Coarse case-page sections every handover recipient gets (the case header: reference, status).
BASE_SECTIONS = frozenset({"summary", "status"})
ANY = "*"


@dataclass(frozen=True)
class FieldDef:
    code: str
    section: str
    labels: dict[str, str] = field(hash=False, compare=False)

    @property
    def label(self) -> str:
        return pick(self.labels)


@dataclass(frozen=True)
class Purpose:
    code: str
    labels: dict[str, str] = field(hash=False, compare=False)
    consent_purpose: str
    onward: bool
    activity: str
    view_activity: str

    @property
    def label(self) -> str:
        return pick(self.labels)


@dataclass(frozen=True)
class BasisRule:
    senders: frozenset[str] | None  # None: any sender
    basis: str

    def matches(self, sender_type: str) -> bool:
        return self.senders is None or sender_type in self.senders


@dataclass(frozen=True)
class Policy:
    purpose: str
    recipients: frozenset[str]
    fields: tuple[str, ...]
    bases: tuple[BasisRule, ...]
    withheld: dict[str, dict[str, str]] = field(hash=False, compare=False)

    def basis_for(self, sender_type: str) -> str | None:
        for rule in self.bases:
            if rule.matches(sender_type):
                return rule.basis
        return None

    def withheld_reason(self, code: str) -> str:
        return pick(self.withheld.get(code))


class PolicyError(ValueError):
    pass


@dataclass(frozen=True)
class PolicySet:
    version: str
    fields: dict[str, FieldDef]
    purposes: dict[str, Purpose]
    policies: tuple[Policy, ...]

    def policy_for(self, purpose: str, recipient_type: str) -> Policy | None:
        for policy in self.policies:
            if policy.purpose == purpose and recipient_type in policy.recipients:
                return policy
        return None

    def fields_for(self, purpose: str, recipient_type: str) -> frozenset[str]:
        policy = self.policy_for(purpose, recipient_type)
        return frozenset(policy.fields) if policy else frozenset()

    def sections_for(self, purpose: str, recipient_type: str) -> frozenset[str]:
        """What ``CaseAccess.sections`` holds for a handover recipient: the field codes, plus a coarse
        section name only when every field of that section is shared (e.g. ``placement``)."""
        fields = self.fields_for(purpose, recipient_type)
        if not fields:
            return frozenset()
        sections = set(BASE_SECTIONS) | set(fields)
        by_section: dict[str, set[str]] = {}
        for f in self.fields.values():
            by_section.setdefault(f.section, set()).add(f.code)
        sections |= {s for s, codes in by_section.items() if codes <= fields}
        return frozenset(sections)

    def recipient_types(self, purpose: str) -> frozenset[str]:
        return frozenset().union(*(p.recipients for p in self.policies if p.purpose == purpose))

    def ordered_fields(self, codes: frozenset[str] | set[str]) -> list[FieldDef]:
        return [f for c, f in self.fields.items() if c in codes]


def _org_types(values: Any, where: str, errors: list[str]) -> frozenset[str]:
    types = frozenset(values or [])
    unknown = types - set(OrganisationType.values)
    if unknown:
        errors.append(f"{where}: unknown organisation types {sorted(unknown)}")
    return types


def parse(data: dict[str, Any], legal_bases: set[str], activities: set[str]) -> PolicySet:
    """Build and check a policy set; raises ``PolicyError`` listing every problem."""
    errors: list[str] = []
    fields = {f["code"]: FieldDef(f["code"], f["section"], f["label"]) for f in data.get("fields", [])}
    purposes = {}
    for p in data.get("purposes", []):
        purposes[p["code"]] = Purpose(p["code"], p["label"], p.get("consent_purpose") or "", bool(p.get("onward")),
                                      p["activity"], p["view_activity"])
        for key in ("activity", "view_activity"):
            if p[key] not in activities:
                errors.append(f"purpose {p['code']}: {key} {p[key]!r} is not in the register")
    policies = []
    for i, raw in enumerate(data.get("policies", [])):
        where = f"policy {i + 1} ({raw.get('purpose')})"
        if raw.get("purpose") not in purposes:
            errors.append(f"{where}: unknown purpose")
        recipients = _org_types(raw.get("recipients"), where, errors)
        codes = tuple(raw.get("fields") or [])
        unknown = [c for c in codes if c not in fields] + [c for c in (raw.get("withheld") or {}) if c not in fields]
        if unknown:
            errors.append(f"{where}: unknown fields {unknown}")
        bases = []
        for rule in raw.get("bases") or []:
            senders = None if rule["from"] == ANY else _org_types(rule["from"], where, errors)
            if rule["basis"] not in legal_bases:
                errors.append(f"{where}: legal basis {rule['basis']!r} is not in the register")
            bases.append(BasisRule(senders, rule["basis"]))
        if not bases:
            errors.append(f"{where}: no legal basis")
        purpose = purposes.get(raw.get("purpose", ""))
        if purpose and not purpose.consent_purpose and any(b.basis == CONSENT_BASIS for b in bases):
            errors.append(f"{where}: consent basis but the purpose has no consent_purpose")
        policies.append(Policy(raw.get("purpose", ""), recipients, codes, tuple(bases),
                               {k: v for k, v in (raw.get("withheld") or {}).items() if v}))
    seen: set[tuple[str, str]] = set()
    for policy in policies:
        for recipient in policy.recipients:
            if (policy.purpose, recipient) in seen:
                errors.append(f"purpose {policy.purpose}: two policies for recipient type {recipient}")
            seen.add((policy.purpose, recipient))
    if errors:
        raise PolicyError("; ".join(errors))
    return PolicySet(str(data["version"]), fields, purposes, tuple(policies))


def _register_codes() -> tuple[set[str], set[str]]:
    register = read_yaml(REGISTER_FILE)
    return {b["code"] for b in register["legal_bases"]}, {a["code"] for a in register["activities"]}


@lru_cache(maxsize=4)
def load_policies(path: Path = POLICY_FILE) -> PolicySet:
    bases, activities = _register_codes()
    return parse(read_yaml(path), bases, activities)


def sections_for(purpose: str, recipient_type: str) -> frozenset[str]:
    return load_policies().sections_for(purpose, recipient_type)


def purpose_choices() -> list[tuple[str, str]]:
    return [(p.code, p.label) for p in load_policies().purposes.values()]
