"""The processing log can be searched by case or signal number, and shows field labels, not field names."""

from __future__ import annotations

import pytest
from django.utils import translation

from vangnet.audit.labels import field_label, field_labels


def test_log_search_by_case_number_and_by_signal_number(cast, registered_signal, logged_in):
    client = logged_in(cast.national)
    case = registered_signal.case
    for number in (case.reference, case.reference.lower(), registered_signal.reference):
        html = client.get("/log/", {"case": number}, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert case.pseudonym in html, number
    html = client.get("/log/", {"case": "VN-1999-000001"}, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert case.pseudonym not in html and "VN-1999-000001" in html


def test_functional_admin_searching_by_number_still_sees_only_own_organisation(cast, registered_signal, logged_in):
    html = logged_in(cast.admin).get("/log/", {"case": registered_signal.case.reference}).content.decode()
    assert registered_signal.case.pseudonym not in html  # the reporter's organisation wrote these entries


def test_log_page_shows_labels_not_field_names(cast, registered_signal, logged_in):
    html = logged_in(cast.national).get("/log/", {"case": registered_signal.case.reference},
                                        HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "given_names" not in html and "family_name" not in html and "birth_date" not in html
    assert "Trace" not in html


@pytest.mark.parametrize(("name", "object_type"), [("given_names", "signals.signal"), ("identity.name", ""),
                                                   ("identity", ""), ("close_reason", "cases.case"),
                                                   ("something_else", "")])
def test_field_label_is_never_a_raw_name(name, object_type, db):
    with translation.override("nl"):
        label = field_label(name, object_type)
    assert label and "_" not in label and label != name


def test_field_labels_in_english_and_dutch(db):
    with translation.override("en"):
        assert field_labels("identity.name,identity", "") == ["Name and other names", "Identity"]
    with translation.override("nl"):
        assert field_labels("identity.name", "") == ["Naam en andere namen"]


def test_access_report_shows_labels(cast, registered_signal, logged_in):
    html = logged_in(cast.coordinator).get(f"/sharing/cases/{registered_signal.case.reference}/access-report/",
                                           HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "given_names" not in html and "birth_date" not in html and "indicators,languages" not in html
