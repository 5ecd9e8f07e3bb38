"""Owner submits a monthly report → the office approves it → the list totals change."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def _ytd_total(page) -> str:
    return page.locator("tr[data-row=total] td[data-total=ytd]").inner_text().strip()


@pytest.mark.django_db(transaction=True)
def test_owner_report_approved_changes_list_totals(transactional_db, world, live_server, page,
                                                   screenshot):
    # The office sees the list for 2022-07 with nothing completed yet.
    login(page, live_server, "office", "pw-office")
    page.goto(f"{live_server.url}/ledger/projects/?period=2022-07")
    assert _ytd_total(page) == "0.00"
    page.context.clear_cookies()

    # Alice (owner) fills July's report for her project and submits it.
    login(page, live_server, "alice", "pw-alice")
    page.goto(f"{live_server.url}/ledger/reports/?period=2022-07")
    assert page.locator("text=迁钢新材硅钢二期").count() == 0  # Bob's project is invisible
    with page.expect_navigation():
        page.click(f"a[href$='/projects/{world.alice_project.pk}/reports/2022-07/']")
    page.fill("input[name=completed]", "-5")
    page.fill("textarea[name=image_progress]", "主体钢结构吊装完成60%")
    with page.expect_navigation():
        page.click("button[name=submit]")
    assert page.locator(".error").count() >= 1  # a negative amount is refused, nothing saved
    page.fill("input[name=completed]", "1234.56")
    with page.expect_navigation():
        page.click("button[name=submit]")
    # Under construction without a site photo: a warning, submitted only with a note.
    page.locator("[data-warning=no_photos]").wait_for()
    page.fill("textarea[name=warning_note]", "照片下月补传")
    screenshot("report-form")
    with page.expect_navigation():
        page.click("button[name=submit]")
    page.wait_for_url(re.compile(r".*/ledger/reports/$"))
    page.context.clear_cookies()

    # The office approves it in the review queue (htmx swaps the row in place).
    login(page, live_server, "office", "pw-office")
    page.goto(f"{live_server.url}/ledger/review/")
    row = page.locator("#review-table tbody tr", has_text="燕山钢铁冷轧板带升级改造")
    screenshot("review-queue")
    row.locator("button.primary").click()
    page.locator("#review-table .badge.approved").wait_for()

    page.goto(f"{live_server.url}/ledger/projects/?period=2022-07")
    assert _ytd_total(page) == "1,234.56"
    screenshot("project-list")
    page.goto(f"{live_server.url}/ledger/projects/{world.alice_project.pk}/")
    page.locator("#investment-chart svg").wait_for()
    screenshot("project-detail")
