"""Handover recipients see the procedures their purpose's sharing policy lists (fields ``procedure.<code>``),
read only; the owner organisation sees and records all of them; an outsider sees nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.sharing.conftest import give_consent, member_of
from vangnet.accounts.models import OrganisationType
from vangnet.audit.context import processing_context
from vangnet.audit.models import ProcessingLogEntry
from vangnet.procedures import services as procedures
from vangnet.procedures.checks import sharing_mismatches
from vangnet.procedures.definitions import load
from vangnet.sharing import services
from vangnet.sharing.models import HandoverStatus
from vangnet.sharing.policies import load_policies

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 1, 5)


@pytest.fixture
def tracks(cast: Any, case: Any) -> dict[str, Any]:
    """A reflection period (started by the lead) and a police report and prosecution (started by the police)."""
    police = cast.reporter.organisation
    with processing_context(actor=cast.coordinator):
        reflection = procedures.start_procedure(case, "reflection_period", organisation=cast.coordinator.organisation,
                                                actor=cast.coordinator, on=ON)
    with processing_context(actor=cast.reporter):
        report = procedures.start_procedure(case, "police_report", organisation=police, actor=cast.reporter, on=ON)
        prosecution = procedures.start_procedure(case, "prosecution", organisation=police, actor=cast.reporter, on=ON)
    return {"reflection_period": reflection, "police_report": report, "prosecution": prosecution}


def hand_over(case: Any, sender: Any, recipient: Any, purpose: str) -> Any:
    with processing_context(actor=sender):
        handover = services.request_handover(case, sender=sender.organisation, recipient=recipient.organisation,
                                             purpose=purpose, actor=sender)
    with processing_context(actor=recipient):
        services.transition(handover.pk, HandoverStatus.ACCEPTED, organisation=recipient.organisation,
                            actor=recipient)
    return handover


def shown(html: str) -> set[str]:
    return {code for code in ("reflection_period", "police_report", "prosecution")
            if f'data-procedure="{code}"' in html}


def test_the_shelter_sees_the_reflection_period_only_and_records_nothing(cast: Any, case: Any, tracks: Any,
                                                                           shelter_user: Any, logged_in: Any) -> None:
    give_consent(case, "shelter", cast.coordinator)
    hand_over(case, cast.coordinator, shelter_user, "shelter")
    client = logged_in(shelter_user)
    html = client.get(f"/sharing/cases/{case.reference}/").content.decode()
    assert 'id="h-procedures"' in html
    assert shown(html) == {"reflection_period"}  # the end of the reflection period plans the stay
    assert "/step/" not in html and "/procedures/start/" not in html  # read only
    view = ProcessingLogEntry.objects.filter(activity__code="handover_view", subject_pseudonym=case.pseudonym).get()
    assert "procedure.reflection_period" in view.fields and "procedure.prosecution" not in view.fields
    step_url = f"/procedures/{case.reference}/{tracks['reflection_period'].pk}/step/"
    assert client.get(step_url).status_code == 404
    assert client.get(f"/procedures/{case.reference}/start/").status_code == 404


def test_the_police_receiving_a_criminal_investigation_see_the_criminal_steps(cast: Any, case: Any, tracks: Any,
                                                                             logged_in: Any) -> None:
    detective = member_of(OrganisationType.POLICE, "detective")
    hand_over(case, cast.reporter, detective, "criminal_investigation")
    html = logged_in(detective).get(f"/sharing/cases/{case.reference}/").content.decode()
    assert shown(html) == {"reflection_period", "police_report", "prosecution"}


def test_a_purpose_without_procedures_shows_no_panel(cast: Any, case: Any, tracks: Any, logged_in: Any) -> None:
    doctor = member_of(OrganisationType.HEALTHCARE, "doctor")
    give_consent(case, "medical", cast.coordinator)
    hand_over(case, cast.coordinator, doctor, "medical")
    response = logged_in(doctor).get(f"/sharing/cases/{case.reference}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="h-procedures"' not in html and shown(html) == set()


def test_the_owner_sees_and_records_all_and_the_outsider_nothing(cast: Any, case: Any, tracks: Any,
                                                                 logged_in: Any) -> None:
    owner = logged_in(cast.coordinator).get(f"/cases/{case.reference}/").content.decode()
    assert shown(owner) == {"reflection_period", "police_report", "prosecution"}
    assert f"/procedures/{case.reference}/{tracks['reflection_period'].pk}/step/" in owner
    outsider = logged_in(cast.outsider)
    assert outsider.get(f"/cases/{case.reference}/").status_code == 404
    assert outsider.get(f"/sharing/cases/{case.reference}/").status_code == 404


def test_every_procedure_has_a_sharing_field_and_every_field_a_procedure() -> None:
    codes, fields = set(load().procedures), set(load_policies().fields)
    assert sharing_mismatches(codes, fields) == []
    assert sharing_mismatches(codes | {"new_track"}, fields | {"procedure.gone"}) == [
        "sharing field procedure.gone names no procedure",
        "procedure new_track has no sharing field procedure.new_track"]


def test_the_deadlines_page_and_calendar_feed_follow_the_same_rule(cast: Any, case: Any, tracks: Any,
                                                                    shelter_user: Any, logged_in: Any) -> None:
    from django.utils import timezone

    from vangnet.cases.models import Case, CaseStatus
    from vangnet.procedures.models import Deadline
    from vangnet.procedures.selectors import feed_deadlines

    soon = timezone.localdate() + datetime.timedelta(days=3)
    reflection_end = Deadline.objects.create(procedure=tracks["reflection_period"], case=case,
                                             code="reflection_end", rule="reflection-period", starts_on=ON,
                                             due_on=soon)
    with processing_context(actor=cast.reporter):
        dublin = procedures.start_procedure(case, "dublin_report", organisation=cast.reporter.organisation,
                                            actor=cast.reporter, on=timezone.localdate() - datetime.timedelta(days=3))
    give_consent(case, "shelter", cast.coordinator)
    hand_over(case, cast.coordinator, shelter_user, "shelter")

    def codes(organisation: Any) -> set[str]:
        return {d.procedure.code for d in feed_deadlines(organisation.pk)}

    assert codes(cast.coordinator.organisation) == {"reflection_period", "dublin_report"}  # the lead: all
    assert codes(shelter_user.organisation) == {"reflection_period"}  # the shelter: its policy's
    assert codes(cast.outsider.organisation) == set()
    page = logged_in(shelter_user).get("/procedures/deadlines/").content.decode()
    assessment = Deadline.objects.get(procedure=dublin)
    assert f'data-deadline="{reflection_end.pk}"' in page and f'data-deadline="{assessment.pk}"' not in page
    # the reporting police see the case's deadlines while it is being set up, not after the lead took it over
    assert codes(cast.reporter.organisation) == {"reflection_period", "dublin_report"}
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.IN_CARE)
    assert codes(cast.reporter.organisation) == set()
