"""Browser-test fixtures, loaded once for the whole suite by ``tests/conftest.py`` (so that every
browser test, wherever it lives, shares one Playwright instance and one Chromium).

Browser tests: Playwright (sync API) driving the Debian Chromium against pytest-django's live server.

Why ``DJANGO_ALLOW_ASYNC_UNSAFE``: Playwright's sync API runs an asyncio event loop in the test thread
(greenlets). Django refuses synchronous database calls from a thread with a running event loop and raises
``SynchronousOnlyOperation`` — which would break every fixture and assertion that touches the database
(``cast``, ``registered_signal``, the processing log checks) once a page is open. Nothing here is async,
so the guard is switched off, for the test process only. The live server runs in its own thread, without
an event loop, so the application code under test is unaffected.

The live server needs ``transactional_db`` (pytest-django requests it for every test that uses
``live_server``): the database is flushed after each test, and the root conftest opens the processing
log's purge window so that flush may clear the append-only log.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.support import axe_check

__all__ = ["axe_check"]  # the axe-core helper lives with the other page helpers in support.py

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
E2E_DIR = Path(__file__).resolve().parent
REPO_DIR = E2E_DIR.parent.parent
SCREENSHOTS = REPO_DIR / "test-artifacts" / "screenshots"
#: Generous enough for a cold live server on a busy CI runner; a healthy page answers in well under 1 s.
TIMEOUT_MS = 15_000


def _require_chromium() -> None:
    if os.access(CHROMIUM, os.X_OK):
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (apt-get install chromium) "
                    "for the e2e tests; Playwright's own browser downloads are not used.", pytrace=False)
    pytest.skip("Debian chromium not installed (apt-get install chromium)")


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Any) -> Iterator[Any]:
    """One Chromium for the whole session; every test gets fresh, isolated contexts."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed


@pytest.fixture
def new_context(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """Factory for browser contexts (a context is a fresh browser profile: no cookies, no session).

    Closing a context and opening a new one is "closing the browser". Dutch is the browser language
    unless ``locale`` says otherwise; the site itself defaults to Dutch too.
    """
    opened: list[Any] = []

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("base_url", live_server.url)
        kwargs.setdefault("locale", "nl-NL")
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        # axe is injected as an inline script, which the site's Content-Security-Policy refuses; the policy itself
        # is checked in a browser by tests/security/test_security_e2e.py::test_csp_blocks_nothing_the_site_needs
        kwargs.setdefault("bypass_csp", True)
        context = browser.new_context(**kwargs)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield make
    if request.node.stash.get(_CALL_FAILED, False):
        _screenshot_open_pages(opened, request.node.name)
    for context in opened:
        context.close()  # a no-op for a context the test closed itself (a "closed browser")


def _screenshot_open_pages(contexts: list[Any], test_name: str) -> None:
    """On failure, keep what the browser showed: test-artifacts/screenshots/failures/<test>-<n>.png."""
    target = SCREENSHOTS / "failures"
    target.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in test_name)
    pages = [p for context in contexts for p in context.pages]
    for n, open_page in enumerate(pages, start=1):
        with contextlib.suppress(Exception):  # a closed or crashed page has nothing to show
            open_page.screenshot(path=str(target / f"{safe}-{n}.png"), full_page=True)


@pytest.fixture
def page(new_context: Callable[..., Any]) -> Any:
    return new_context().new_page()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
