"""Layout: wide tables are not clipped at 1280 px (they fit or scroll inside their container), and on a phone
(390 px) the header and menu leave most of the first screen to the page. Dutch screenshots of both."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.screens import doc_screenshot
from tests.e2e.support import login

pytestmark = pytest.mark.e2e


def test_wide_tables_fit_or_scroll_at_1280(new_context: Any, cast: Any, registered_signal: Any) -> None:
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(page, cast.national.username)
    for url in ("/cases/", "/log/"):
        page.goto(url)
        clipped = page.evaluate("""() => [...document.querySelectorAll('main table')].filter(t => {
            const box = t.getBoundingClientRect(), main = document.querySelector('main').getBoundingClientRect();
            const scroller = t.closest('.vn-table-container') || t;
            const scrolls = scroller.scrollWidth > scroller.clientWidth
                && getComputedStyle(scroller).overflowX !== 'visible';
            return box.right > main.right + 1 && !scrolls;
        }).length""")
        assert clipped == 0, url
    page.goto("/cases/")
    doc_screenshot(page, "worklist-nl-1280")


def test_compact_header_on_a_phone(new_context: Any, cast: Any) -> None:
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    login(page, cast.national.username)
    page.goto("/")
    header = page.locator("header.vn-header").bounding_box()
    nav = page.locator("nav.vn-nav").bounding_box()
    assert header and nav
    bottom = max(header["y"] + header["height"], nav["y"] + nav["height"])
    assert bottom < 844 * 0.4, f"header and menu end at {bottom:.0f} px of 844"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways page scroll
    doc_screenshot(page, "header-nl-390")
