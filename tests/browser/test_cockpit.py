"""The leader in charge opens the cockpit on a desktop and on a phone, in Chinese and in
English, and clicks a township bar through to its projects: the list's total is the bar's.
Wall mode fills the screen and refreshes itself. Each role lands on its home."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

pytestmark = pytest.mark.browser


def _ledger(world):
    from taizhang.core.periods import Period
    from taizhang.core.services import UNCHECKED
    from taizhang.ledger.services.reports import approve_report, save_report, submit_report

    for project, amount in ((world.alice_project, "4200.00"), (world.bob_project, "9000.00")):
        report = save_report(project, Period(2022, 7), actor=world.office,
                             data={"completed": Decimal(amount)}, expected_version=UNCHECKED)
        approve_report(submit_report(report, actor=world.office, expected_version=UNCHECKED),
                       actor=world.office, expected_version=UNCHECKED)


@pytest.mark.django_db(transaction=True)
def test_the_cockpit_clicks_a_township_bar_through_to_its_projects(transactional_db, world,
                                                                   journey):
    from taizhang.ledger.models import Project

    _ledger(world)
    # The leader in charge of both projects, in two townships: the acceptance's journey.
    Project.objects.filter(pk__in=[world.alice_project.pk, world.bob_project.pk]).update(
        leader=world.carol.person)
    page = journey.page
    journey.login("carol", "pw-carol")
    journey.goto("/cockpit/?period=2022-07")
    page.locator("#chart-townships svg").wait_for()
    journey.check()
    journey.assert_no_horizontal_overflow()
    journey.shot("cockpit")
    heading = page.locator("h1").inner_text()
    assert ("驾驶舱" in heading) == (journey.language != "en")
    data = json.loads(page.locator("#cockpit-data").text_content())
    # The chart draws the ranking bottom-up: the first row is the top bar.
    best = data["townships"][0]
    index = len(data["townships"]) - 1
    x, y = page.evaluate(
        "([value, index]) => echarts.getInstanceByDom(document.getElementById("
        "'chart-townships')).convertToPixel({seriesIndex: 0}, [value, index])",
        [float(best["rate"]) / 2, index])
    # A locator click at a position scrolls the chart into view and waits until nothing
    # (the sticky header, a tooltip) covers that point.
    # The row's own pointer listeners navigate (cockpit.js: once per press and release,
    # whatever part of the chart is under the pointer, even when ECharts redraws the hovered
    # bar in between); the first list page of a loaded CI machine may be slow.
    with page.expect_navigation(wait_until="commit", timeout=60_000):
        page.locator("#chart-townships").click(position={"x": x, "y": y})
    assert re.search(rf"/ledger/projects/\?.*township={best['key']}", page.url)
    page.locator("[data-stat=projects]").wait_for(timeout=60_000)
    assert page.locator("[data-stat=projects]").inner_text() == str(best["projects"])
    journey.check()
    journey.shot("cockpit-township-list")


@pytest.mark.django_db(transaction=True)
def test_wall_mode_fills_the_screen_and_refreshes(transactional_db, world, journey):
    _ledger(world)
    page = journey.page
    journey.login("carol", "pw-carol")
    journey.goto("/cockpit/?period=2022-07")
    with page.expect_navigation():
        page.click("[data-wall-link]")
    assert page.locator("body.wall").count() == 1
    assert page.locator(".mainnav").count() == 0
    page.locator("#chart-curve svg").wait_for()
    assert page.locator("body").get_attribute("data-refresh-seconds") == "300"
    journey.check()
    journey.shot("cockpit-wall")


@pytest.mark.django_db(transaction=True)
def test_each_role_lands_on_its_home(transactional_db, world, journey):
    for who, marker in (("office", "[data-count=waiting]"), ("alice", "[data-count=missing]"),
                        ("dave", "[data-count=expected]"), ("eve", "[data-bank-home]"),
                        ("carol", "#chart-curve svg")):
        journey.login(who, f"pw-{who}")
        # The world's office account has no person: the header shows its username.
        journey.allow_text("office · 项目办管理员")
        page = journey.page
        assert page.url.rstrip("/") == journey.base_url
        page.locator(marker).first.wait_for()
        journey.check(owner_page=who == "alice")
        journey.shot(f"home-{who}")
        journey.logout()
