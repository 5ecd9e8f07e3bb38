"""The office's month of lamps (红黄绿灯) in a browser: evaluate, check, publish, open a red
lamp and record a summoned talk; on a phone and a desktop, in Chinese and in English."""

from __future__ import annotations

import pytest

from taizhang.warnings.tests.helpers import approved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_evaluates_publishes_and_records_a_talk(journey, world):
    approved(world, world.alice_project, "6000.00")
    approved(world, world.bob_project, "3998.00")  # 30.01 points below time progress: red
    journey.allow_text(world.alice_project.name, world.bob_project.name)
    journey.login("office", "pw-office")
    journey.goto("/warnings/?period=2022-06")
    journey.check(owner_page=True)
    journey.page.click("#evaluation a.button.primary")
    journey.check(owner_page=True)
    with journey.page.expect_navigation():
        journey.page.click("button[type=submit].primary")
    journey.check(owner_page=True)
    assert journey.page.locator("#lamps .lamp-red").count() == 1
    journey.page.click("#evaluation a.button.primary")  # publish
    with journey.page.expect_navigation():
        journey.page.click("button[type=submit].primary")
    journey.page.click("a.lamp-tile.lamp-red")
    journey.check(owner_page=True)
    journey.page.click(f"#lamps a:has-text('{world.bob_project.name}')")
    journey.check(owner_page=True)
    journey.page.select_option("select[name=kind]", "talk")
    journey.page.fill("input[name=date]", "2022-07-25")
    journey.page.fill("input[name=held_by]", "王建国")
    journey.page.fill("textarea[name=outcome]", "限期整改")
    with journey.page.expect_navigation():
        journey.page.click("#consequences button[type=submit].primary")
    journey.check(owner_page=True)
    assert "王建国" in journey.page.locator("#consequences").inner_text()
    journey.goto("/warnings/rules/?year=2022")
    journey.check(owner_page=True)
    journey.shot("warnings-rules")
