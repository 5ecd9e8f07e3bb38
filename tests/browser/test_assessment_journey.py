"""The office's assessment in the browser (issue 11 §2), on desktop and phone, in Chinese and
English: it reads July's township ranking with a breakdown, publishes it, raises the weight
of plan completion in the year's scheme, and finds August re-ranked by the new scheme while
July stays as published; then it enters a deduction."""

from __future__ import annotations

import pytest

from taizhang.accounts.models import User
from taizhang.assessment.models import Deduction, Result, Scheme
from taizhang.assessment.tests.helpers import approved
from taizhang.core.periods import Period


def press(page, selector: str) -> None:
    """Submit with the keyboard (as tests/browser/test_office_journey.py does, for phones)."""
    page.locator(selector).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def follow(journey, selector: str) -> None:
    journey.goto(journey.page.locator(selector).get_attribute("href"))


@pytest.mark.django_db(transaction=True)
def test_office_publishes_a_ranking_and_edits_the_scheme_for_the_next_month(journey, world):
    page = journey.page
    User.objects.filter(pk=world.office.pk).update(last_name="刘", first_name="晓燕")
    approved(world, world.alice_project, Period(2022, 7), "7200.00")
    approved(world, world.bob_project, Period(2022, 7), "2000.00")
    journey.login("office", "pw-office")

    follow(journey, "nav.mainnav a[href='/assessment/']")
    journey.goto("/assessment/?period=2022-07&level=township")
    journey.check()
    journey.assert_no_horizontal_overflow()
    rows = page.locator("#ranking tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-key") == str(world.town.pk)
    rows.nth(0).locator("summary").click()
    assert rows.nth(0).locator("dl.breakdown dt").count() == 9
    journey.shot("assessment-ranking")

    follow(journey, "#publish")
    journey.check()
    journey.assert_no_horizontal_overflow()
    press(page, "#confirm-publish")
    page.wait_for_selector(".messages .msg-success")
    journey.check()
    assert Result.objects.filter(month="2022-07", level="township").exists()
    july_header = page.inner_text("#ranking thead")

    journey.goto("/assessment/scheme/2022/")
    journey.check()
    journey.assert_no_horizontal_overflow()
    journey.shot("assessment-scheme")
    page.fill("input[name='plan_completion-weight']", "60")
    press(page, "#save-scheme")
    page.wait_for_selector(".messages .msg-success")
    journey.check()
    assert Scheme.objects.get().indicators.get(code="plan_completion").weight == 60

    journey.goto("/assessment/?period=2022-08&level=township")
    journey.check()
    assert "60.00" in page.inner_text("#ranking thead")
    journey.goto("/assessment/?period=2022-07&level=township")
    assert page.inner_text("#ranking thead") == july_header  # as published
    assert "60.00" not in july_header

    journey.goto("/assessment/deductions/")
    journey.check()
    journey.assert_no_horizontal_overflow()
    page.fill("input[name=month]", "2022-08")
    page.select_option("select[name=subject]", f"township:{world.other_town.pk}")
    page.fill("input[name=points]", "2")
    page.fill("textarea[name=reason]", "通报批评：月报迟报")
    press(page, "#deduction-form button[type=submit]")
    page.wait_for_selector(".messages .msg-success")
    journey.check()
    journey.shot("assessment-deductions")
    assert Deduction.objects.filter(month="2022-08").count() == 1

    journey.goto("/assessment/results/")
    journey.check()
    journey.assert_no_horizontal_overflow()
    assert page.locator("#results tbody tr").count() == 1
