"""Every purpose by every organisation type: exactly the allowed fields, in the policy engine and in the
HTML of the shared view (what is not allowed is not in the response at all)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import signal_input
from tests.factories import OrganisationFactory, UserFactory
from vangnet.accounts.models import OrganisationType, Role
from vangnet.audit.context import processing_context
from vangnet.cases.models import Involvement, InvolvementRole
from vangnet.regions.models import Municipality
from vangnet.sharing.models import HandoverPurpose
from vangnet.sharing.policies import load_policies
from vangnet.signals.services import register_signal

PROFILE = {"profile.age", "profile.gender", "profile.nationality", "profile.languages"}
SIGNAL = {"signal.date", "signal.reporter", "signal.municipality", "signal.danger", "exploitation_municipality"}
#: the procedures a purpose shows its recipient (tests/sharing/test_sharing_procedures.py)
REFLECTION = "procedure.reflection_period"
RESIDENCE = {REFLECTION, "procedure.police_report", "procedure.dublin_report", "procedure.b83_permit"}

#: Written out by hand on purpose: a change to policies.yaml must be matched here, deliberately.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "registration": {"national_coordination_centre": {"case.status", *PROFILE, "needs.vulnerabilities",
                                                      "identity.name", "identity.birth_date", "forms", "indicators",
                                                      *SIGNAL, "consent", "timeline", REFLECTION,
                                                      "procedure.police_report", "procedure.b83_permit"}},
    "care_coordination": {"care_coordination": {"case.status", *PROFILE, "needs.vulnerabilities", "identity.name",
                                                "identity.birth_date", "forms", "indicators", *SIGNAL, "consent",
                                                "timeline", "placement", *RESIDENCE, "procedure.non_punishment",
                                                "procedure.guardian", "procedure.return_support",
                                                "procedure.compensation"}},
    "shelter": {"shelter_provider": {"case.status", *PROFILE, "needs.vulnerabilities", "identity.name", "forms",
                                     "signal.danger", "exploitation_municipality", "placement", REFLECTION,
                                     "procedure.guardian"}},
    "medical": {"healthcare": {"case.status", "profile.age", "profile.gender", "profile.languages",
                               "needs.vulnerabilities", "identity.name", "identity.birth_date"}},
    "legal_aid": {"ngo": {"case.status", *PROFILE, "identity.name", "identity.birth_date", "forms", "account",
                          "signal.date", "signal.municipality", "exploitation_municipality", *RESIDENCE,
                          "procedure.prosecution", "procedure.non_punishment", "procedure.compensation"}},
    "residence": {"ind": {"case.status", "identity.name", "identity.birth_date", "identity.document",
                          "profile.nationality", "forms", "signal.date", *RESIDENCE}},
    "criminal_investigation": {t: {"case.status", *PROFILE, "identity.name", "identity.birth_date",
                                   "identity.document", "account", "indicators", "forms", *SIGNAL, "timeline",
                                   REFLECTION, "procedure.police_report", "procedure.dublin_report",
                                   "procedure.prosecution", "procedure.non_punishment"}
                               for t in ("police", "kmar", "labour_inspectorate", "public_prosecutor")},
}

#: A value only the field shows (synthetic, unusual, so a leak is easy to find).
MARKERS = {"identity.name": "Adeyemi", "identity.birth_date": "1999", "identity.document": "XK7741239",
           "account": "window brothel", "exploitation_municipality": "Zaanstad"}

CASES = [(p, t) for p in HandoverPurpose.values for t in OrganisationType.values]


def test_the_expected_table_covers_every_purpose():
    assert set(EXPECTED) == set(HandoverPurpose.values) == set(load_policies().purposes)


@pytest.mark.parametrize(("purpose", "org_type"), CASES)
def test_policy_engine(purpose, org_type):
    assert load_policies().fields_for(purpose, org_type) == EXPECTED[purpose].get(org_type, set())


@pytest.fixture
def rich_case(cast):
    with processing_context(actor=cast.reporter):
        signal = register_signal(
            signal_input(document_type="passport", document_number="XK7741239", aliases="Ola",
                         exploitation_municipality=Municipality.objects.get(name="Zaanstad")),
            organisation=cast.reporter.organisation, actor=cast.reporter)
    return signal.case


@pytest.mark.parametrize(("purpose", "org_type"), CASES)
def test_shared_view_renders_exactly_the_allowed_fields(purpose, org_type, rich_case, client):
    org = OrganisationFactory(name=f"Recipient {org_type}", type=org_type, municipality_id="GM0599", region_id="RT")
    role = Role.SHELTER_INTAKE if org_type == "shelter_provider" else (
        Role.CARE_COORDINATOR if org_type == "care_coordination" else Role.REPORTER)
    user = UserFactory(username=f"r-{org_type}", organisation=org, role=role)
    Involvement.objects.create(case=rich_case, organisation=org, role=InvolvementRole.HANDOVER, purpose=purpose)
    client.force_login(user)
    response = client.get(f"/sharing/cases/{rich_case.reference}/")
    expected = EXPECTED[purpose].get(org_type, set())
    if not expected:  # no policy for this purpose and type: no access at all
        assert response.status_code == 404
        assert client.get(f"/cases/{rich_case.reference}/").status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    rendered = set(re.findall(r'data-field="([^"]+)"', html))
    # placement is the shelters app's panel and procedure.* the procedures panel's (per started procedure,
    # tests/sharing/test_sharing_procedures.py), not data-fields
    assert rendered == {c for c in expected if not c.startswith("procedure.")} - {"placement"}
    for code, marker in MARKERS.items():
        assert (marker in html) == (code in expected), (code, marker)
