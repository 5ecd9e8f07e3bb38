"""Issue 13's attraction loop in a browser, on a phone and a desktop, in Chinese and English:
the office records a lead, moves it through negotiation, signing (with its contract amount)
and landing, converts it into a ledger project in one action, and the project's page shows
its signing date; the owner of an attraction project sees the date on its page too."""

from __future__ import annotations

import pytest

from taizhang.attraction.models import Lead
from taizhang.ledger.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "京津协同高端装备产业园"


def submit(journey, selector: str) -> None:
    with journey.page.expect_navigation():
        journey.page.click(selector)
    journey.check(owner_page=True)


def test_a_landed_lead_becomes_a_project_showing_its_signing_date(journey, world):
    page = journey.page
    journey.allow_text(NAME, "北京装备投资集团", world.town.name, world.county.name)
    journey.login("office", "pw-office")
    journey.goto("/attraction/new/")
    journey.check(owner_page=True)
    page.fill("input[name=name]", NAME)
    page.fill("input[name=investor]", "北京装备投资集团")
    page.select_option("select[name=division]", str(world.town.pk))
    page.select_option("select[name=channel]", "jingjin")
    page.select_option("select[name=industry]", "C")
    page.fill("input[name=intended_investment]", "52000")
    page.fill("input[name=registered_on]", "2022-01-10")
    submit(journey, "#lead-form button[type=submit].primary")
    lead = Lead.objects.get(name=NAME)
    assert page.url.endswith(f"/attraction/{lead.pk}/")

    for stage, day, amount in (("negotiating", "2022-02-15", ""), ("signed", "2022-03-08",
                                                                    "48000.00"),
                               ("landed", "2022-05-20", "")):
        page.select_option("select[name=stage]", stage)
        page.fill("input[name=on]", day)
        if amount:
            page.fill("input[name=contract_amount]", amount)
        submit(journey, "#stage-form button[type=submit].primary")
    lead.refresh_from_db()
    assert lead.stage == "landed" and str(lead.contract_amount) == "48000.00"
    assert page.locator("#steps tbody tr").count() == 4

    with page.expect_navigation():
        page.click("#convert")
    journey.check(owner_page=True)
    submit(journey, "#convert-form button[type=submit].primary")
    project = Project.objects.get(name=NAME)
    assert page.url.endswith(f"/ledger/projects/{project.pk}/")
    facts = page.locator("dd[data-fact]")
    assert "2022-03-08" in facts.all_inner_texts()
    journey.shot("attraction-converted-project")
    # the lead page now links to the project, and the list shows it landed
    journey.goto(f"/attraction/{lead.pk}/")
    journey.check(owner_page=True)
    assert page.locator("#project-link").inner_text() == NAME
    journey.goto("/attraction/?stage=landed")
    journey.check(owner_page=True)
    assert page.locator(f"#lead-{lead.pk}").count() == 1
