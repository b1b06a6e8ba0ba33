"""What a reporting organisation keeps seeing after handover and after closing (docs/adr/0006), over the
fixed cast: the reporter and its colleague (same organisation) follow the case status; others are unchanged."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from vangnet.cases.access import REPORTER_RECEIPT, resolve_access, visible_cases
from vangnet.cases.models import Case, CaseStatus
from vangnet.cases.services import change_status

ALL = ["reporter", "colleague", "outsider", "coordinator", "other_coordinator", "national", "analyst", "admin"]
REPORTING = {"reporter", "colleague"}


def move(case: Case, *statuses: str, actor: Any, reason: str = "") -> Case:
    for status in statuses:
        case = change_status(case.pk, status, actor=actor, reason=reason if status == CaseStatus.CLOSED else "")
    return case


def page(client: Any, case: Case) -> tuple[int, str]:
    response = client.get(f"/cases/{case.reference}/")
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("who", ALL)
def test_while_the_case_is_set_up_the_reporter_sees_it_whole(who, cast, registered_signal, logged_in):
    case = move(registered_signal.case, CaseStatus.IN_TRIAGE, actor=cast.coordinator)
    status, html = page(logged_in(getattr(cast, who)), case)
    expected = 200 if who in REPORTING | {"coordinator", "national"} else 404
    assert status == expected
    if who in REPORTING:
        assert "Adeyemi" in html and "window brothel" in html


@pytest.mark.parametrize("who", ALL)
def test_after_takeover_the_reporter_keeps_a_receipt_only(who, cast, registered_signal, logged_in):
    case = move(registered_signal.case, CaseStatus.IN_TRIAGE, CaseStatus.IN_CARE, actor=cast.coordinator)
    user = getattr(cast, who)
    status, html = page(logged_in(user), case)
    assert status == (200 if who in REPORTING | {"coordinator", "national"} else 404)
    if who in REPORTING:
        access = resolve_access(user, case)
        assert access is not None and access.sections == REPORTER_RECEIPT
        assert case.reference in html and registered_signal.reference in html  # the receipt
        assert "Adeyemi" not in html and "Olumide" not in html  # no identity
        assert "window brothel" not in html  # no account
    if who == "coordinator":
        assert "Adeyemi" in html  # the lead is unchanged
    assert visible_cases(user).filter(pk=case.pk).exists() == (who in REPORTING | {"coordinator", "national"})


@pytest.mark.parametrize("who", ALL)
def test_after_closing_the_receipt_stays_a_while_then_the_case_is_gone(who, cast, registered_signal, logged_in,
                                                                       settings):
    settings.REPORTER_RECEIPT_DAYS_AFTER_CLOSING = 90
    case = move(registered_signal.case, CaseStatus.IN_TRIAGE, CaseStatus.CLOSED, actor=cast.coordinator,
                reason="care_completed")
    user = getattr(cast, who)
    sees = who in REPORTING | {"coordinator", "national"}
    assert visible_cases(user).filter(pk=case.pk).exists() == sees
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - datetime.timedelta(days=91))
    case.refresh_from_db()
    still = who in {"coordinator", "national"}
    assert visible_cases(user).filter(pk=case.pk).exists() == still
    assert page(logged_in(user), case)[0] == (200 if still else 404)
    worklist = logged_in(user).get("/cases/?status=closed")
    if worklist.status_code == 200:
        assert (case.reference in worklist.content.decode()) == still


def test_the_reporter_is_told_nothing_new_in_the_worklist_after_takeover(cast, registered_signal, logged_in):
    case = move(registered_signal.case, CaseStatus.IN_TRIAGE, CaseStatus.IN_CARE, actor=cast.coordinator)
    html = logged_in(cast.reporter).get("/cases/").content.decode()
    assert case.reference in html and "Adeyemi" not in html
