"""催报: the office opens the board, follows a missing count to its list, sends reminders;
the owner sees the reminder in the notification centre. Desktop and phone, zh and en."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.services.reports import return_report, save_report, submit_report

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_office_chases_missing_reports_and_the_owner_is_told(journey, world):
    # Bob reported July and the office returned it; Alice has not reported.
    report = save_report(world.bob_project, Period(2022, 7), actor=world.bob,
                         data={"completed": Decimal("10.00"), "image_progress": "施工中"},
                         expected_version=UNCHECKED)
    report = submit_report(report, actor=world.bob, expected_version=UNCHECKED)
    return_report(report, actor=world.office, reason="请补充现场照片",
                  expected_version=UNCHECKED)
    page = journey.page
    # The world's office account has no person's name: the header shows its username,
    # which the catalogue's "office %(name)s" would take for an untranslated string.
    journey.allow_text("office · 项目办管理员")

    journey.login("office", "pw-office")
    journey.goto("/ledger/reports/board/?period=2022-07")
    journey.check()
    assert page.locator("a[data-measure=expected] .value").inner_text().startswith("2")
    missing = page.locator("a.tile[data-measure=missing]")
    assert missing.locator(".value").inner_text().startswith("1")
    journey.shot("board")

    with page.expect_navigation():
        missing.click()
    page.wait_for_url(re.compile(r".*/reports/board/list/.*state=missing"))
    journey.check()
    assert page.locator("[data-count]").get_attribute("data-count") == "1"
    assert page.locator("table.data tbody tr").count() == 1
    assert page.locator("text=燕山钢铁冷轧板带升级改造").count() == 1
    journey.shot("board-missing")

    page.go_back()
    with page.expect_navigation():
        page.locator("form[action$='/remind/'] button.primary").click()
    page.wait_for_url(re.compile(r".*/reports/board/\?period=2022-07"))
    journey.check()
    assert page.locator(".messages .msg-success").count() == 1
    assert page.locator("table.data").last.locator("tbody tr td.num").first.inner_text() == "1"
    journey.shot("board-reminded")

    journey.logout()
    journey.login("alice", "pw-alice")
    page.locator(".bell-count").wait_for()
    assert page.locator(".bell-count").inner_text() == "1"
    if journey.viewport == "desktop":
        page.locator("a.bell").click()
    else:  # the phone header (menu, bell) is reworked with the phone layout (issue 10, §6)
        journey.goto("/notices/")
    page.wait_for_url(re.compile(r".*/notices/$"))
    journey.check(owner_page=True)
    assert page.locator("li.notice.unread").count() == 1
    assert "2022-07" in page.locator("li.notice .notice-text").inner_text()
    journey.shot("notices-owner")
    with page.expect_navigation():
        page.locator("li.notice button.primary").click()
    page.wait_for_url(re.compile(r".*/ledger/reports/\?period=2022-07"))
    page.locator("a.bell").wait_for()
    assert page.locator(".bell-count").count() == 0

    # Bob hears of the return, with the office's reason.
    journey.logout()
    journey.login("bob", "pw-bob")
    journey.goto("/notices/")
    journey.check(owner_page=True)
    assert "请补充现场照片" in page.locator("li.notice .notice-text").inner_text()
    journey.shot("notices-returned")
