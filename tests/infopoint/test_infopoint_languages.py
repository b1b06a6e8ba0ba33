"""The public pages in the languages victims speak most: switcher, right-to-left, catalogues, quick exit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from vangnet.infopoint import catalogues
from vangnet.infopoint.languages import COOKIE, NAMES

pytestmark = pytest.mark.django_db
PUBLIC = ["/info/", "/info/signs/", "/info/what-to-do/", "/info/contact/", "/info/guide/", "/info/questions/new/"]
EXTRA = ["ro", "pl", "bg", "uk", "vi", "es", "pt", "ar", "ti"]


def html_tag(html: str) -> str:
    found = re.search(r"<html[^>]*>", html)
    assert found
    return found.group(0)


@pytest.mark.parametrize("language", EXTRA)
def test_every_public_page_is_served_in_the_language(client: Client, language: str) -> None:
    for url in PUBLIC:
        response = client.get(f"{url}?lang={language}")
        assert response.status_code == 200, url
        tag = html_tag(response.content.decode())
        assert f'lang="{language}"' in tag
        assert f'dir="{NAMES[language][1]}"' in tag
        assert response["Content-Language"] == language


def test_arabic_is_right_to_left_and_translated_not_dutch(client: Client) -> None:
    html = client.get("/info/?lang=ar").content.decode()
    assert 'dir="rtl"' in html_tag(html)
    assert "نقطة المعلومات" in html and "غادر هذا الموقع بسرعة" in html
    assert "Snel deze site verlaten" not in html and "Waar wilt u beginnen?" not in html


def test_untranslated_text_falls_back_to_english_not_dutch(client: Client) -> None:
    html = client.get("/info/what-to-do/?lang=ti").content.decode()
    assert "ሕጂ እንታይ ትገብር" in html  # translated heading
    assert "Good to know" in html and "Goed om te weten" not in html


def test_the_choice_is_remembered_for_public_pages_only(client: Client, cast: Any) -> None:
    response = client.get("/info/?lang=pl")
    assert response.cookies[COOKIE].value == "pl"
    assert 'lang="pl"' in html_tag(client.get("/info/contact/").content.decode())
    client.force_login(cast.coordinator)
    assert 'lang="nl"' in html_tag(client.get("/").content.decode())  # the staff UI stays nl/en


def test_switcher_names_each_language_in_its_own_name(client: Client) -> None:
    html = client.get("/info/?lang=uk").content.decode()
    for code, (name, direction) in NAMES.items():
        assert f'lang="{code}" hreflang="{code}" dir="{direction}"' in html
        assert f">{name}</a>" in html
    assert 'href="/info/?lang=uk" lang="uk" hreflang="uk" dir="ltr" aria-current="true"' in html


def test_unknown_language_is_ignored(client: Client) -> None:
    response = client.get("/info/?lang=xx", HTTP_ACCEPT_LANGUAGE="nl")
    assert 'lang="nl"' in html_tag(response.content.decode()) and COOKIE not in response.cookies


def test_quick_exit_on_every_public_page(client: Client) -> None:
    for url in PUBLIC:
        html = client.get(url).content.decode()
        assert "data-quick-exit" in html and "quick-exit.js" in html, url
        assert 'href="https://www.buienradar.nl/"' in html


def test_catalogues_are_built_from_the_content_files() -> None:
    assert catalogues.build(check=True) == []
    msgids = catalogues.public_msgids()
    assert "Leave this site quickly" in msgids and "Information point" in msgids
    for language in catalogues.languages():
        assert language.strings, language.code
        assert set(language.strings) <= set(msgids), set(language.strings) - set(msgids)
        with translation.override(language.code):
            for msgid, text in language.strings.items():
                assert translation.gettext(msgid) == text
            untranslated = next(m for m in msgids if m not in language.strings and "%" not in m)
            assert translation.gettext(untranslated) == untranslated  # English, not Dutch


def test_the_guide_is_translated_where_the_content_allows(client: Client) -> None:
    from vangnet.infopoint import content

    with translation.override("ro"):
        start = content.node("start")
        assert start and start["title"] == "Ce pot face?" and start["options"][4]["label"] == "Este vorba despre mine"
        assert content.node("self_help")["advice"][0].startswith("Puteți primi ajutor")  # type: ignore[index]
        assert content.node("care_refer")["title"] == "Ask the care coordinator for help"  # not translated: English
    with translation.override("ti"):
        start = content.node("start")
        assert start and start["options"][4]["label"] == "ብዛዕባ ባዕለይ እዩ"
        assert start["options"][0]["label"] == "I am a doctor, nurse or other care worker"
    html = client.get("/info/guide/self_help/?lang=ar").content.decode()
    assert "مساعدة لك" in html and 'dir="rtl"' in html


def test_a_broken_guide_translation_is_refused_at_start(monkeypatch) -> None:
    from vangnet.infopoint import catalogues, content
    from vangnet.infopoint.apps import check_content

    broken = [catalogues.Language("ro", {}, {"no_such_node": {"title": "x"}})]
    monkeypatch.setattr(catalogues, "languages", lambda: broken)
    content.guide_translations.cache_clear()
    try:
        errors = check_content()
        assert errors and errors[0].id == "infopoint.E001" and "no_such_node" in errors[0].msg
    finally:
        content.guide_translations.cache_clear()
