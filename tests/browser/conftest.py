"""Real Chromium driven by Playwright against the live test server.

Debian's /usr/bin/chromium is used (Playwright's own browser download cannot work on the
closed networks these sites run on). Screenshots land in var/screenshots for a human to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.journey import variants_to_run

CHROMIUM = os.environ.get("TAIZHANG_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# same thread are still synchronous, so the async-safety guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _serialize_shared_sqlite() -> None:
    """With SQLite in memory, the live server's threads use the test's own connection, and
    two threads on one sqlite3 connection can deadlock: one steps a statement that calls back
    into Python (Django's SQLite functions) and waits for the GIL, while the other holds the
    GIL and waits for the connection (a page and its images, requested in parallel, hung a
    CI run). So that server answers one request at a time, its body read inside the lock."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    lock = threading.Lock()

    def one_at_a_time(app):
        def serve(environ, start_response):
            with lock:
                result = app(environ, start_response)
                try:
                    return [bytes(chunk) for chunk in result]
                finally:
                    if hasattr(result, "close"):
                        result.close()
        return serve

    class SerializedWhenShared(ThreadedWSGIServer):
        def set_app(self, application):
            if self.connections_override:
                application = one_at_a_time(application)
            super().set_app(application)

    LiveServerThread.server_class = SerializedWhenShared


_serialize_shared_sqlite()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    # Each role lands on its home ("/"; taizhang/cockpit), no longer on a ledger page.
    page.wait_for_url(lambda url: "/login" not in url)


def _journey_variants() -> list:
    from django.db import connection

    chosen = variants_to_run(connection.vendor, os.environ.get("TAIZHANG_JOURNEY_VARIANTS", ""))
    return [pytest.param(v, id=f"{v[0]}-{v[1]}") for v in chosen]


@pytest.fixture(params=_journey_variants())
def journey(request, browser, live_server):
    """A journey per variant: desktop or phone, Chinese or English (browser/journey.py), two
    of the four per database unless TAIZHANG_JOURNEY_VARIANTS=all."""
    from tests.browser.journey import start

    viewport, language = request.param
    journey = start(browser, live_server.url, viewport, language)
    yield journey
    try:
        journey.assert_no_console_errors()
    finally:
        journey.page.context.close()
