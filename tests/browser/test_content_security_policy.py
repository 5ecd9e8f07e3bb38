"""The pages satisfy their content security policy: no violation on any main page.

Violations are caught twice: the `securitypolicyviolation` DOM event (an init script, which
the policy does not apply to) and Chromium's console messages about the policy.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from taizhang.core.services import UNCHECKED
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

_LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile
                    + ':' + e.lineNumber);
});
"""


@pytest.fixture
def watched(page):
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text else None)
    page.on("pageerror", lambda error: console.append(f"uncaught: {error}"))
    page.add_init_script(_LISTEN)
    return page, console


def _visit(page, console, url, screenshot=None, name=None, wait_for=None):
    response = page.goto(url)
    assert response.status == 200, url
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response.headers.get("x-frame-options") == "DENY"
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("referrer-policy") == "same-origin"
    assert "camera=()" in response.headers.get("permissions-policy", "")
    if wait_for:
        page.locator(wait_for).first.wait_for()
    page.wait_for_load_state("networkidle")
    if screenshot and name:
        screenshot(name)
    violations = page.evaluate("window.__csp")
    assert violations == [], f"{url}: {violations}"
    assert console == [], f"{url}: {console}"


@pytest.mark.django_db(transaction=True)
def test_main_pages_raise_no_csp_violation(transactional_db, world, live_server, watched,
                                           screenshot, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from taizhang.core.periods import Period
    from taizhang.ledger.services.reports import (
        add_photo,
        approve_report,
        save_report,
        submit_report,
    )

    settings.MEDIA_ROOT = tmp_path
    type(world.office).objects.filter(pk=world.office.pk).update(is_staff=True)

    page, console = watched
    office, project = world.office, world.alice_project
    for month, amount in ((5, "800.00"), (6, "1200.00")):
        report = save_report(project, Period(2022, month), actor=world.alice,
                             data={"completed": Decimal(amount), "image_progress": "施工中"},
                             expected_version=UNCHECKED)
        approve_report(submit_report(report, actor=world.alice,
                                     expected_version=UNCHECKED), actor=office,
                       expected_version=UNCHECKED)
    july = save_report(project, Period(2022, 7), actor=world.alice,
                       data={"completed": Decimal("300.00"), "image_progress": "主体封顶"},
                       expected_version=UNCHECKED)
    submit_report(july, actor=world.alice, expected_version=UNCHECKED)
    april = save_report(project, Period(2022, 4), actor=world.alice,
                        data={"completed": Decimal("100.00"), "image_progress": "土方开挖"},
                        expected_version=UNCHECKED)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(buffer, "JPEG")
    add_photo(april, SimpleUploadedFile("site.jpg", buffer.getvalue()), actor=world.alice)

    base = live_server.url
    _visit(page, console, f"{base}/login/", screenshot, "csp-login")
    login(page, live_server, "office", "pw-office")
    _visit(page, console, f"{base}/ledger/projects/?period=2022-07", screenshot, "csp-list")
    _visit(page, console, f"{base}/ledger/projects/{project.pk}/", screenshot, "csp-detail",
           wait_for="#investment-chart svg")
    # The tooltip is HTML that ECharts builds: hover a bar to show it under the policy.
    box = page.locator("#investment-chart").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6)
    page.locator(".chart-tooltip .tt-title").wait_for()
    assert "2022" in page.locator(".chart-tooltip").inner_text()
    screenshot("csp-detail-tooltip")
    assert page.evaluate("window.__csp") == []
    _visit(page, console, f"{base}/ledger/review/", screenshot, "csp-review-queue")
    # htmx still works under the policy: approving swaps the row in place.
    page.locator("#review-table tbody tr button.primary").first.click()
    page.locator("#review-table .badge.approved").wait_for()
    assert page.evaluate("window.__csp") == [] and console == []
    _visit(page, console, f"{base}/ledger/import/", screenshot, "csp-import")
    _visit(page, console, f"{base}/ledger/reports/?period=2022-07")
    _visit(page, console, f"{base}/account/password/", screenshot, "csp-password")
    _visit(page, console, f"{base}/account/two-factor/", screenshot, "csp-two-factor")
    assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 100  # QR shown
    _visit(page, console, f"{base}/account/lockouts/", screenshot, "csp-lockouts")
    _visit(page, console, f"{base}/admin/", screenshot, "csp-admin")
    _visit(page, console, f"{base}/admin/ledger/project/{project.pk}/change/", screenshot,
           "csp-admin-project")
    page.context.clear_cookies()

    login(page, live_server, "alice", "pw-alice")
    _visit(page, console, f"{base}/ledger/projects/{project.pk}/reports/2022-04/",
           screenshot, "csp-report-form", wait_for=".photos img")
    assert page.evaluate("document.querySelector('.photos img').naturalWidth") == 64
