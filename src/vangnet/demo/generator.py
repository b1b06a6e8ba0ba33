"""Synthetic signals over five years, with realistic shares and repeat reports under spelling variants.

Everything here is invented. Shares come from ``demo/data/names.yaml`` (rough approximations of
published figures, see docs/data.md). About one person in eight is reported more than once, by a
different organisation, with their name spelled differently — the material the linkage work needs.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from vangnet.accounts.models import OrganisationType, User
from vangnet.audit.context import processing_context
from vangnet.cases import services as case_services
from vangnet.cases.models import CaseStatus, CloseReason
from vangnet.core.models import Country, Language
from vangnet.core.reference_data import read_yaml
from vangnet.regions.models import Municipality
from vangnet.signals.input import SignalInput
from vangnet.signals.models import ExploitationForm, Gender, Indicator, SignalConsent
from vangnet.signals.services import register_signal

NAMES_FILE = Path(__file__).resolve().parent / "data" / "names.yaml"

#: Main languages per nationality (ISO 639 codes from core/data/languages.csv).
LANGUAGES = {
    "NL": ["nl"], "RO": ["ro"], "PL": ["pl"], "BG": ["bg"], "HU": ["hu"], "SK": ["sk"], "UA": ["uk", "ru"],
    "NG": ["en", "pcm", "bin"], "UG": ["en"], "ER": ["ti"], "MA": ["ary", "ar"], "SY": ["ar"], "CN": ["zh"],
    "VN": ["vi"], "BR": ["pt"], "TH": ["th"],
}
CONSENT_PURPOSES = ["registration", "care_coordination", "shelter"]
GENDER_CODES = {"female": Gender.FEMALE, "male": Gender.MALE, "other": Gender.X}


def _pick(rng: random.Random, shares: dict[str, float]) -> str:
    keys = list(shares)
    return rng.choices(keys, weights=[shares[k] for k in keys])[0]


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def spelling_variant(rng: random.Random, name: str, variants: dict[str, list[str]]) -> str:
    """Another way the same name gets written: a known variant, lost diacritics, or a slip."""
    if name in variants and rng.random() < 0.6:
        return rng.choice(variants[name])
    plain = strip_accents(name)
    if plain != name and rng.random() < 0.7:
        return plain
    if len(name) > 4:
        i = rng.randrange(1, len(name) - 2)
        op = rng.choice(["drop", "double", "swap"])
        if op == "drop":
            return name[:i] + name[i + 1:]
        if op == "double":
            return name[:i] + name[i] + name[i:]
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name


@dataclass
class Person:
    nationality: str
    gender: str
    given: str
    family: str
    birth_date: datetime.date
    form: str
    minor: bool
    signals: list[datetime.datetime] = field(default_factory=list)


@dataclass
class GeneratedDemo:
    signals: int
    persons: int
    repeat_persons: int


class DemoGenerator:
    def __init__(self, seed: int = 2026, today: datetime.date | None = None) -> None:
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.data = read_yaml(NAMES_FILE)
        self.forms = {f.code: f for f in ExploitationForm.objects.all()}
        self.indicators: dict[str, list[Indicator]] = {}
        for indicator in Indicator.objects.filter(active=True):
            self.indicators.setdefault(indicator.group, []).append(indicator)
        self.countries = {c.code: c for c in Country.objects.filter(code__in=self.data["nationalities"])}
        self.languages = {lang.code: lang for lang in Language.objects.all()}
        self.municipalities = list(Municipality.objects.all())
        # larger cities get more signals
        big = {"GM0363", "GM0599", "GM0518", "GM0344", "GM0014", "GM0772", "GM0855", "GM0796", "GM0935", "GM0268"}
        self.municipality_weights = [8 if m.cbs_code in big else 1 for m in self.municipalities]
        self.reporters = self._reporters()

    def _reporters(self) -> dict[str, list[User]]:
        result: dict[str, list[User]] = {}
        for user in User.objects.filter(username__startswith="gen.").select_related("organisation"):
            result.setdefault(user.organisation.type, []).append(user)  # type: ignore[union-attr]
        return result

    def person(self) -> Person:
        rng, d = self.rng, self.data
        nationality = _pick(rng, d["nationality_shares"])
        form = _pick(rng, d["form_shares"])
        gender_key = _pick(rng, d["gender_shares"][form])
        names = d["nationalities"][nationality]
        given = rng.choice(names["male"] if gender_key == "male" else names["female"])
        minor = rng.random() < d["minor_share_by_form"].get(form, d["minor_share"])
        age = rng.randint(13, 17) if minor else int(min(65, max(18, rng.gauss(28, 8))))
        birth = self.today - datetime.timedelta(days=age * 365 + rng.randint(0, 364) + rng.randint(0, 5 * 365) // 2)
        return Person(nationality, GENDER_CODES[gender_key], given, rng.choice(names["surnames"]), birth, form,
                      minor)

    def _form_objects(self, form: str) -> list[ExploitationForm]:
        if form == "other":
            return [self.forms[_pick(self.rng, self.data["other_subtype_shares"])]]
        forms = [self.forms[form]]
        if form == "criminal" and self.rng.random() < 0.2:
            forms.append(self.forms["sexual"])
        return forms

    def signal_input(self, person: Person, when: datetime.datetime, repeat: bool) -> tuple[SignalInput, User]:
        rng = self.rng
        reporter_type = _pick(rng, self.data["reporter_shares"])
        if person.form == "labour" and rng.random() < 0.4:
            reporter_type = OrganisationType.LABOUR_INSPECTORATE
        reporter = rng.choice(self.reporters.get(reporter_type) or self.reporters[OrganisationType.POLICE])
        forms = self._form_objects(person.form)
        groups = ["general", *{f.parent_id or f.code for f in forms}]
        pool = [i for g in groups for i in self.indicators.get(g, [])]
        indicators = rng.sample(pool, k=min(len(pool), rng.randint(1, 5)))
        identified = repeat or rng.random() > self.data["anonymous_share"]
        variants = self.data["nationalities"][person.nationality].get("variants") or {}
        given, family = person.given, person.family
        if repeat:
            if rng.random() < 0.7:
                given = spelling_variant(rng, given, variants)
            if rng.random() < 0.7:
                family = spelling_variant(rng, family, variants)
            if rng.random() < 0.15:
                given, family = family, given  # name order reversed
        observed = when.date()
        age_years = (observed - person.birth_date).days // 365
        know_birth = identified and rng.random() < 0.7
        consent = rng.choices([SignalConsent.GIVEN, SignalConsent.REFUSED, SignalConsent.NOT_ASKED],
                              weights=[0.55, 0.1, 0.35])[0]
        municipality = rng.choices(self.municipalities, weights=self.municipality_weights)[0]
        langs = [self.languages[c] for c in LANGUAGES.get(person.nationality, []) if c in self.languages]
        return SignalInput(
            observed_on=observed, municipality=municipality,
            exploitation_municipality=rng.choice([municipality, None, *rng.sample(self.municipalities, 1)]),
            immediate_danger=rng.random() < 0.12, forms=forms, indicators=indicators,
            is_identified=identified, given_names=given if identified else "",
            family_name=family if identified else "",
            birth_date=person.birth_date if know_birth else None,
            estimated_age=None if know_birth else max(12, age_years + rng.randint(-3, 3)),
            gender=person.gender, nationality=self.countries.get(person.nationality), languages=langs[:2],
            is_minor=person.minor and age_years < 18,
            has_lvb=rng.choices(["yes", "no", "unknown"], weights=[0.1, 0.5, 0.4])[0],
            has_multiple_problems=rng.choices(["yes", "no", "unknown"], weights=[0.25, 0.4, 0.35])[0],
            children_count=rng.choices([0, 1, 2], weights=[0.85, 0.1, 0.05])[0],
            consent=consent,
            consent_purposes=rng.sample(CONSENT_PURPOSES, k=rng.randint(1, 3)) if consent == SignalConsent.GIVEN
            else [],
            consent_obtained_by=reporter.display_name if consent != SignalConsent.NOT_ASKED else "",
            consent_obtained_on=observed if consent != SignalConsent.NOT_ASKED else None,
            account=("Synthetic demo account. The person was met during a check; several signs of exploitation "
                     "were seen. No real person is described here."),
        ), reporter

    def when(self, years: int = 5) -> datetime.datetime:
        days_back = self.rng.randint(0, years * 365 - 1)
        day = self.today - datetime.timedelta(days=days_back)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(self.rng.randint(7, 22),
                                                                                  self.rng.randint(0, 59))))

    def advance(self, case: Any, opened: datetime.datetime, lead_user: User) -> None:
        """Move older cases along the allowed transitions, as their story would go."""
        age_days = (timezone.now() - opened).days
        steps: list[tuple[str, str]] = []
        if age_days > 2:
            steps.append((CaseStatus.IN_TRIAGE, ""))
        if age_days > 10:
            steps.append((self.rng.choice([CaseStatus.IN_CARE, CaseStatus.PLACED]), ""))
        if age_days > 120 and self.rng.random() < 0.75:
            steps.append((CaseStatus.CLOSED, self.rng.choice(CloseReason.values[:5])))
        at = opened
        for status, reason in steps:
            at = min(at + datetime.timedelta(days=self.rng.randint(1, 20)), timezone.now())
            case_services.change_status(case.pk, status, actor=lead_user, reason=reason, at=at)

    def run(self, signals: int = 600, repeat_share: float = 0.12) -> GeneratedDemo:
        persons: list[Person] = []
        plan: list[tuple[Person, datetime.datetime, bool]] = []
        while len(plan) < signals:
            person = self.person()
            persons.append(person)
            first = self.when()
            plan.append((person, first, False))
            if self.rng.random() < repeat_share:
                for _ in range(self.rng.randint(1, 2)):
                    later = min(first + datetime.timedelta(days=self.rng.randint(1, 400)), timezone.now())
                    plan.append((person, later, True))
        plan = plan[:signals]
        plan.sort(key=lambda item: item[1])
        leads = {u.organisation_id: u for u in User.objects.filter(username__startswith="gen.care.")}
        ncc_user = User.objects.filter(organisation__type=OrganisationType.NATIONAL_COORDINATION_CENTRE).first()
        for person, when, repeat in plan:
            data, reporter = self.signal_input(person, when, repeat)
            with transaction.atomic(), processing_context(actor=reporter):
                signal = register_signal(data, organisation=reporter.organisation, actor=reporter,  # type: ignore[arg-type]
                                         submitted_at=when)
                lead_user = leads.get(signal.case.lead_organisation_id) or ncc_user
                if lead_user is not None:
                    with processing_context(actor=lead_user):
                        self.advance(signal.case, when, lead_user)
        repeats = sum(1 for _, _, r in plan if r)
        return GeneratedDemo(signals=len(plan), persons=len({id(p) for p, _, _ in plan}), repeat_persons=repeats)

