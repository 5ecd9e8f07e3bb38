"""Issue 13's financing in a browser, on a phone and a desktop, in Chinese and English: a bank
officer opens a need the office published, records her bank's intention and finds it on her
home page; another bank's officer sees neither her intention nor its amount."""

from __future__ import annotations

import pytest

from taizhang.financing.models import LoanIntention
from taizhang.financing.tests.helpers import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AMOUNT = "2345.60"


def submit(journey, selector: str) -> None:
    with journey.page.expect_navigation():
        journey.page.click(selector)
    journey.check(owner_page=True)


def test_a_bank_records_an_intention_against_a_published_need(journey, world):
    fin = build(world)
    page = journey.page
    journey.allow_text(world.alice_project.name, world.alice_org.name, fin.published.purpose,
                       world.bob_project.name, world.bob_org.name, fin.frank_intention.note)
    journey.login("eve", "pw-eve")
    journey.goto("/financing/bank/")
    journey.check(owner_page=True)
    assert page.locator(f"tr[data-need='{fin.draft.pk}']").count() == 0  # never a draft
    submit(journey, f"tr[data-need='{fin.published.pk}'] a")
    submit(journey, "#record-intention")
    page.fill("input[name=amount]", "abc")
    page.fill("input[name=date]", "2022-07-20")
    submit(journey, "#intention-form button[type=submit].primary")
    assert page.locator(".has-error input[name=amount]").count() == 1  # named, not a 500
    page.fill("input[name=amount]", AMOUNT)
    submit(journey, "#intention-form button[type=submit].primary")
    assert page.url.endswith("/financing/bank/")
    assert LoanIntention.objects.filter(bank=fin.bank, amount=AMOUNT).count() == 1
    journey.goto("/")
    journey.check()
    assert AMOUNT in page.locator("#home-intentions").inner_text()
    assert "777.77" not in page.content()  # the other bank's intention

    journey.logout()
    journey.login("frank", "pw-frank")
    journey.goto("/")
    journey.check()
    assert "777.77" in page.locator("#home-intentions").inner_text()  # its own
    assert AMOUNT not in page.content()
    for path in ("/financing/bank/", f"/financing/needs/{fin.published.pk}/"):
        journey.goto(path)
        journey.check(owner_page=True)
        assert AMOUNT not in page.content()
