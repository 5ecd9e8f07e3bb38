"""The office follows a red lamp (红灯) on a desktop and on a phone, in Chinese and in English:
the list filtered by red, the project page with the lamp's explanation and history, the
cockpit's red tile back to the same list, and the home's counts and red and yellow projects.
Lamps come from the warnings' evaluation."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_red_lamp_from_the_list_to_the_project_and_the_cockpit(transactional_db, world, journey):
    from taizhang.ledger.tests.lamp_world import light
    from taizhang.warnings.models import Lamp

    lit = light(world)
    page = journey.page
    journey.login("office", "pw-office")
    # The world's office account has no person: the header shows its username.
    journey.allow_text("office · 项目办管理员")
    journey.goto("/ledger/projects/?period=2022-07")
    page.select_option("select[name=lamp]", "red")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "lamp=red" in page.url
    assert page.locator("[data-stat=projects]").inner_text() == "1"
    cell = page.locator("#project-table tbody td[data-cell=lamp] .lamp")
    assert cell.get_attribute("data-lamp") == "red"
    assert ("红灯" in cell.inner_text()) == (journey.language != "en")
    journey.check()
    journey.assert_no_horizontal_overflow()
    journey.shot("lamps-list-red")

    with page.expect_navigation():
        page.click(f"#project-table a:text('{lit.red.name}')")
    stored = Lamp.objects.get(project=lit.red, year=2022, month=7)
    now = page.locator("[data-lamp-now]")
    assert now.locator(".lamp").get_attribute("data-lamp") == "red"
    # The explanation, in the reader's language: the numbers behind the colour.
    assert re.search(r"10\.0%.*58\.3%.*48\.3", now.inner_text()), now.inner_text()
    assert stored.reasons and page.locator("[data-lamp-history] tr[data-period]").count() == 1
    journey.check()
    journey.assert_no_horizontal_overflow()
    journey.shot("lamps-project")

    journey.goto("/cockpit/?period=2022-07")
    tile = page.locator("[data-lamp-count=red]")
    assert tile.locator("[data-count]").inner_text() == "1"
    journey.check()
    journey.assert_no_horizontal_overflow()
    journey.shot("lamps-cockpit")
    with page.expect_navigation():
        tile.click()
    assert "lamp=red" in page.url
    assert page.locator("[data-stat=projects]").inner_text() == "1"
    journey.check()

    # The office's home: the same counts, red and yellow projects with their reasons.
    journey.goto("/")
    assert page.locator("[data-lamp-count=yellow] [data-count]").inner_text() == "1"
    assert page.locator("[data-warned] li").count() == 2
    journey.check()
    journey.assert_no_horizontal_overflow()
    journey.shot("lamps-office-home")
