"""The triage and infopoint strings are translated in the one project catalogue (docs/i18n.md).

Completeness, placeholders and the compiled ``.mo`` of that catalogue are checked in
``tests/web/test_i18n.py``; here: the strings of these two apps resolve to Dutch at run time.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation


@pytest.mark.parametrize(
    ("msgid", "dutch"),
    [
        ("Triage facts", "Triagegegevens"),
        ("Change the triage", "Triage wijzigen"),
        ("Triage statistics", "Triagecijfers"),
        ("Recognise the signs", "Kenmerken herkennen"),
        ("Reference code", "Vraagcode"),
    ],
)
def test_app_strings_come_from_the_project_catalogue(msgid: str, dutch: str) -> None:
    with translation.override("nl"):
        assert translation.gettext(msgid) == dutch


@pytest.mark.django_db
def test_dutch_pages_are_dutch() -> None:
    client = Client()
    html = client.get("/info/guide/").content.decode()
    assert "Stap voor stap" in html and "Wie bent u?" in html
    client.cookies["django_language"] = "en"
    html = client.get("/info/guide/").content.decode()
    assert "Step by step" in html and "Who are you?" in html
