"""Issue 13's land rule in a browser, on a phone and a desktop, in Chinese and English: the
office opens the year's allocations (the key project first, waiting), then allocates land to
a project that is not key while the key one waits: refused without a reason (the error next
to the override field), accepted with one, which the allocation's page then shows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from taizhang.land.models import Allocation
from taizhang.land.tests.helpers import land

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "市政府专题会议定优先保障"


def submit(journey, selector: str) -> None:
    with journey.page.expect_navigation():
        journey.page.click(selector)
    journey.check(owner_page=True)


def test_the_office_allocates_to_a_non_key_project_only_with_a_reason(journey, world):
    page = journey.page
    found = land(world)
    journey.allow_text(world.alice_project.name, world.bob_project.name, REASON)
    journey.login("office", "pw-office")
    journey.goto("/land/allocations/?year=2022")
    journey.check(owner_page=True)
    rows = page.locator("tr[id^=allocation-]")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("id") == f"allocation-{found.key.pk}"
    assert page.locator(f"#allocation-{found.key.pk}.waiting").count() == 1
    assert page.locator("#waiting-key").is_visible()

    with page.expect_navigation():
        page.click(f"#allocation-{found.other.pk} a")
    journey.check(owner_page=True)
    assert page.locator("#key-waiting").is_visible()
    page.fill("#allocate-form input[name=area]", "10")
    page.fill("#allocate-form input[name=on]", "2022-04-01")
    submit(journey, "#allocate-form button[type=submit]")
    error = page.locator("#allocate-form .field.has-error .errorlist")
    assert error.count() == 1 and "1" in error.inner_text()
    assert Allocation.objects.get(pk=found.other.pk).allocated == 0

    page.fill("#allocate-form input[name=area]", "10")
    page.fill("#allocate-form textarea[name=override_reason]", REASON)
    submit(journey, "#allocate-form button[type=submit]")
    assert page.locator("#override-reason").inner_text().strip() == REASON
    done = Allocation.objects.get(pk=found.other.pk)
    assert done.allocated == Decimal("10.00") and done.override_reason == REASON
    journey.shot("land-override")
