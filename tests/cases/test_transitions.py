"""The status of a case moves only along the explicit table of allowed transitions."""

from __future__ import annotations

import itertools

import pytest

from vangnet.audit.context import processing_context
from vangnet.cases import services
from vangnet.cases.models import Case, CaseStatus, CaseStatusChange
from vangnet.cases.transitions import ALLOWED_TRANSITIONS, is_allowed

PAIRS = list(itertools.product(CaseStatus.values, CaseStatus.values))


def test_table_covers_every_status_and_nothing_more():
    assert set(ALLOWED_TRANSITIONS) == set(CaseStatus.values)
    for targets in ALLOWED_TRANSITIONS.values():
        assert targets <= set(CaseStatus.values)


def test_no_status_goes_to_itself_and_closed_is_only_left_by_reopening():
    assert not any(is_allowed(s, s) for s in CaseStatus.values)
    assert ALLOWED_TRANSITIONS[CaseStatus.CLOSED] == {CaseStatus.IN_TRIAGE}


def _put_case_in(case: Case, status: str) -> None:
    Case.objects.filter(pk=case.pk).update(status=status)


@pytest.mark.parametrize(("from_status", "to_status"), PAIRS)
def test_change_status_follows_the_table(from_status, to_status, registered_signal, cast):
    case = registered_signal.case
    _put_case_in(case, from_status)
    history_before = CaseStatusChange.objects.filter(case=case).count()
    with processing_context(actor=cast.coordinator):
        if is_allowed(from_status, to_status):
            services.change_status(case.pk, to_status, actor=cast.coordinator, reason="care_completed")
            case.refresh_from_db()
            assert case.status == to_status
            change = CaseStatusChange.objects.filter(case=case).last()
            assert (change.from_status, change.to_status) == (from_status, to_status)
            assert CaseStatusChange.objects.filter(case=case).count() == history_before + 1
        else:
            with pytest.raises(services.TransitionNotAllowed):
                services.change_status(case.pk, to_status, actor=cast.coordinator, reason="care_completed")
            case.refresh_from_db()
            assert case.status == from_status
            assert CaseStatusChange.objects.filter(case=case).count() == history_before


def test_closing_needs_a_reason_and_reopening_clears_it(registered_signal, cast):
    case = registered_signal.case
    with processing_context(actor=cast.coordinator):
        with pytest.raises(services.ReasonRequired):
            services.change_status(case.pk, CaseStatus.CLOSED, actor=cast.coordinator)
        services.change_status(case.pk, CaseStatus.CLOSED, actor=cast.coordinator, reason="lost_contact")
        case.refresh_from_db()
        assert (case.close_reason, case.closed_at is not None) == ("lost_contact", True)
        services.change_status(case.pk, CaseStatus.IN_TRIAGE, actor=cast.coordinator)
        case.refresh_from_db()
        assert (case.close_reason, case.closed_at) == ("", None)


def test_status_form_offers_only_allowed_targets_and_shows_errors(registered_signal, cast, logged_in):
    client = logged_in(cast.coordinator)
    page = client.get(f"/cases/{registered_signal.case.reference}/").content.decode()
    assert 'value="in_triage"' in page and 'value="placed"' not in page
    response = client.post(f"/cases/{registered_signal.case.reference}/status/",
                           {"to_status": "closed", "reason": ""})
    assert response.status_code == 400
    assert "id_reason" in response.content.decode()
