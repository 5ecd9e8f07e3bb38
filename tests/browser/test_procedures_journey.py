"""Procedures in a browser: the office opens a project's checklist, states a deadline in
working days and checks the responsibility check; the owner finishes an item on a phone; the
due list and the campaign, in Chinese and in English."""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from taizhang.core.services import UNCHECKED
from taizhang.procedures import services
from taizhang.procedures.choices import StandardKind
from taizhang.procedures.models import ProcedureItem
from taizhang.procedures.tests.helpers import day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_and_owner_work_a_checklist(journey, world):
    project = world.alice_project
    journey.allow_text(project.name, world.bob_project.name)
    with freeze_time("2022-03-01"):
        campaign = services.create_campaign(
            world.county,
            name="2022年手续办理季",
            start=day("2022-03-01"),
            end=day("2022-06-30"),
            actor=world.office,
        )
    journey.allow_text(campaign.name)
    journey.login("office", "pw-office")
    journey.goto(f"/procedures/projects/{project.pk}/")
    journey.check(owner_page=True)
    with journey.page.expect_navigation():
        journey.page.click("form[action$='/checklist/'] button")
    journey.check(owner_page=True)
    environment = ProcedureItem.objects.get(project=project, kind__code=StandardKind.ENVIRONMENT)
    journey.goto(f"/procedures/items/{environment.pk}/")
    journey.check(owner_page=True)
    journey.page.select_option("select[name=status]", "in_progress")
    journey.page.fill("input[name=accepted_on]", "2022-01-27")
    journey.page.fill("input[name=within_working_days]", "20")
    with journey.page.expect_navigation():
        journey.page.click("button[type=submit].primary")
    journey.check(owner_page=True)
    environment.refresh_from_db()
    assert environment.deadline == day("2022-03-01")  # the Spring Festival week is off
    journey.goto("/procedures/responsibility/")
    journey.check(owner_page=True)
    assert journey.page.locator("#lacking").inner_text().count(world.bob_project.name) == 1
    journey.goto(f"/procedures/campaigns/{campaign.pk}/")
    journey.check(owner_page=True)
    journey.goto("/procedures/")
    journey.check(owner_page=True)
    journey.shot("procedures-due")

    permit = ProcedureItem.objects.get(project=project, kind__code=StandardKind.CONSTRUCTION_PERMIT)
    services.update_item(
        permit, actor=world.office, expected_version=UNCHECKED, status="in_progress"
    )
    journey.logout()
    journey.login("alice", "pw-alice")
    journey.goto(f"/procedures/projects/{project.pk}/")
    journey.check(owner_page=True)
    journey.goto(f"/procedures/items/{permit.pk}/")
    journey.page.select_option("select[name=status]", "done")
    journey.page.fill("input[name=done_on]", "2022-03-10")
    with journey.page.expect_navigation():
        journey.page.click("button[type=submit].primary")
    journey.check(owner_page=True)
    permit.refresh_from_db()
    assert permit.status == "done"
    journey.shot("procedures-project")
