"""Browser test of the public guide: a doctor's first question to a desk's phone number, in Dutch and in
English, with axe-core (WCAG 2.0/2.1 A and AA) passing on every page on the way. No login.

Minimal Playwright fixtures of our own (Debian's /usr/bin/chromium), so this module does not depend on
the shape of tests/e2e/fixtures.py. See tests/e2e/fixtures.py for why DJANGO_ALLOW_ASYNC_UNSAFE is set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.screens import doc_screenshot
from vangnet.infopoint import content

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
AXE_JS = Path(__file__).resolve().parents[1] / "e2e" / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def infopoint_browser(browser: Any) -> Any:
    """The suite's one shared Chromium (tests/e2e/fixtures.py)."""
    return browser


def axe(page: Any, label: str) -> None:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations", AXE_TAGS)
    assert not violations, f"axe on {label} ({page.url}): " + "; ".join(
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in violations)


@pytest.mark.parametrize("language, locale", [("nl", "nl-NL"), ("en", "en-GB")])
def test_doctor_finds_the_desk_phone_number(infopoint_browser: Any, live_server: Any, language: str,
                                            locale: str) -> None:
    from playwright.sync_api import expect

    context = infopoint_browser.new_context(base_url=live_server.url, locale=locale, bypass_csp=True)  # axe is injected
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto("/info/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        axe(page, "information point home")
        page.locator("main a[href='/info/guide/']").first.click()
        page.wait_for_url("**/info/guide/")
        axe(page, "guide start")
        # The doctor's path: who I am -> not in danger now -> adult -> patient wants help -> advice.
        for choice in ("care_danger", "care_minor", "care_consent", "care_refer"):
            page.locator(f"main a[data-next='{choice}']").click()
            page.wait_for_url(f"**/info/guide/{choice}/")
            expect(page.locator("h1")).to_have_count(1)
            axe(page, f"guide {choice}")
        guide_text = content.guide()["nodes"]["care_danger"]["question"][language]
        assert guide_text  # the text comes from the data file, in this language
        page.locator("#id_municipality").select_option(value="GM0344")  # Utrecht
        page.locator("main .vn-desk-finder button[type=submit]").click()
        page.wait_for_url("**municipality=GM0344**")
        phone = content.desks().regions["MN"].phone
        expect(page.locator("#desk .vn-desk-phone")).to_have_text(phone)
        tel = "tel:" + phone.replace(" ", "").replace("-", "")
        expect(page.locator("#desk .vn-desk-phone")).to_have_attribute("href", tel)
        axe(page, "advice with desk")
        # print view: the form and options disappear, the advice and the number stay
        page.emulate_media(media="print")
        expect(page.locator(".vn-desk-finder")).to_be_hidden()
        expect(page.locator("#desk .vn-desk-phone")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_public_pages_pass_axe(infopoint_browser: Any, live_server: Any, language: str) -> None:
    context = infopoint_browser.new_context(base_url=live_server.url, bypass_csp=True)  # axe is injected inline
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        for url in ("/info/signs/", "/info/what-to-do/", "/info/contact/?municipality=GM0363", "/info/questions/new/"):
            page.goto(url)
            axe(page, url)
        page.locator("main form[method=post] button[type=submit]").click()  # empty form: error state
        page.wait_for_load_state()
        axe(page, "question form with errors")
    finally:
        context.close()




@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
@pytest.mark.parametrize("language, direction", [("ro", "ltr"), ("ar", "rtl")])
def test_public_pages_in_new_languages_pass_axe(infopoint_browser: Any, live_server: Any, language: str,
                                                direction: str, width: int, height: int) -> None:
    from playwright.sync_api import expect

    context = infopoint_browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height},
                                           bypass_csp=True)  # axe is injected inline
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"/info/?lang={language}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_attribute("dir", direction)
        axe(page, f"home {language} {width}")
        for url in ("/info/what-to-do/", "/info/contact/?municipality=GM0363", "/info/guide/",
                    "/info/questions/new/"):
            page.goto(url)  # the choice is remembered
            expect(page.locator("html")).to_have_attribute("lang", language)
            axe(page, f"{url} {language} {width}")
        # the quick exit is reachable by keyboard and visible on the first screen
        exit_link = page.locator("[data-quick-exit]")
        expect(exit_link).to_be_visible()
        box = exit_link.bounding_box()
        assert box and box["y"] + box["height"] <= height
    finally:
        context.close()


def test_quick_exit_leaves_by_button_and_by_esc_without_a_history_entry(infopoint_browser: Any,
                                                                        live_server: Any) -> None:
    context = infopoint_browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    neutral = f"{live_server.url}/privacy/"
    page = context.new_page()
    try:
        from django.test import override_settings

        with override_settings(INFOPOINT_QUICK_EXIT_URL=neutral):
            page.goto("/info/")
            page.goto("/info/signs/")
            page.keyboard.press("Escape")
            page.wait_for_url("**/privacy/")
            page.go_back()
            page.wait_for_load_state()
            assert "/info/signs/" not in page.url  # the page that was read is not one step back
            page.goto("/info/what-to-do/")
            page.locator("[data-quick-exit]").focus()
            page.keyboard.press("Enter")
            page.wait_for_url("**/privacy/")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_dutch_screenshots_of_the_public_pages(infopoint_browser: Any, live_server: Any, width: int) -> None:
    context = infopoint_browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto("/info/?lang=nl")
        doc_screenshot(page, f"infopoint-nl-{width}", full_page=False)
        page.goto("/info/?lang=ar")
        doc_screenshot(page, f"infopoint-ar-{width}", full_page=False)
    finally:
        context.close()
