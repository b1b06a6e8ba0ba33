"""Search by name and date of birth through the keyed encodings, limited to the cases the user may open."""

from __future__ import annotations

import datetime

import pytest

from tests.conftest import signal_input
from vangnet.audit.context import processing_context
from vangnet.audit.models import ProcessingLogEntry
from vangnet.persons import services
from vangnet.persons.models import SignalEncoding
from vangnet.signals.services import register_signal


def register(cast, **overrides):
    with processing_context(actor=cast.reporter):
        return register_signal(signal_input(**overrides), organisation=cast.reporter.organisation,
                               actor=cast.reporter)


@pytest.fixture
def signals(cast):
    found = register(cast)  # Olumide Adeyemi (see tests/conftest.py)
    other = register(cast, given_names="Mihaela", family_name="Ionescu", birth_date=datetime.date(1987, 1, 9))
    services.link_all()
    return found, other


def search(client, **data):
    return client.post("/persons/search/", {"given_names": "", "family_name": "", "birth_date": "", **data})


def test_a_spelling_variant_finds_the_case_and_nothing_else(cast, logged_in, signals):
    found, other = signals
    page = search(logged_in(cast.reporter), given_names="Olumidé", family_name="ADEYEMMI",
                  birth_date=found.birth_date.isoformat()).content.decode()
    assert found.case.reference in page and other.case.reference not in page
    # a GET shows only the form: no names in URLs
    assert logged_in(cast.reporter).get("/persons/search/?family_name=Adeyemi").status_code == 200
    assert found.case.reference not in logged_in(cast.reporter).get("/persons/search/").content.decode()


def test_only_cases_the_user_may_open(cast, logged_in, signals):
    found, _other = signals
    for who, sees in (("reporter", True), ("colleague", True), ("outsider", False), ("national", True)):
        page = search(logged_in(getattr(cast, who)), given_names="Olumide", family_name="Adeyemi").content.decode()
        assert (found.case.reference in page) is sees, who
    for who in ("analyst", "admin"):
        assert search(logged_in(getattr(cast, who)), family_name="Adeyemi").status_code == 404


def test_search_is_logged_and_never_stores_the_name(cast, logged_in, signals):
    found, _other = signals
    before = SignalEncoding.objects.count()
    search(logged_in(cast.reporter), given_names="Olumide", family_name="Adeyemi")
    assert SignalEncoding.objects.count() == before
    reads = ProcessingLogEntry.objects.filter(activity__code="record_linkage_pseudonymisation", action="read",
                                              actor=cast.reporter)
    assert reads.filter(subject_pseudonym="", fields="birth_date,family_name,given_names").count() == 1
    assert reads.filter(subject_pseudonym=found.case.pseudonym).count() == 1
    for entry in ProcessingLogEntry.objects.all():
        assert "Olumide" not in str(entry.__dict__) and "Adeyemi" not in str(entry.__dict__)


def test_validation_errors_are_clear(cast, logged_in, signals):
    client = logged_in(cast.reporter)
    page = search(client).content.decode()
    assert "Vul minstens een voornaam of een achternaam in." in page  # Dutch by default
    page = search(client, family_name="Adeyemi", birth_date="2999-01-01").content.decode()
    assert "1900" in page
