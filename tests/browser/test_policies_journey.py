"""Issue 13's 政策找企 in a browser, on a phone and a desktop, in Chinese and English: the
office's catalogue is matched to the enterprises; the owner finds the pushed policy on its
home page with the reasons its firm qualifies, opens it and marks it applied."""

from __future__ import annotations

from decimal import Decimal

import pytest

from taizhang.policies import services
from taizhang.policies.models import Push

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "迁安市工业和信息化局关于支持工业企业技术改造的若干措施"


def test_an_owner_sees_a_pushed_policy_with_its_reasons_and_marks_it_applied(journey, world):
    page = journey.page
    services.save_policy(world.county, actor=world.office, expected_version=0, title=TITLE,
                         issuer="迁安市工业和信息化局", level="county",
                         benefit="按设备购置额的10%给予补助", industries=["C"],
                         min_investment=Decimal("10000.00"), townships=[world.town])
    services.run_matching(world.county, actor=world.office)
    push = Push.objects.get(enterprise=world.alice_org)
    journey.allow_text(TITLE, world.town.name)

    journey.login("alice", "pw-alice")
    journey.goto("/")
    journey.check(owner_page=True)
    panel = page.locator("#policy-panel")
    assert TITLE in panel.inner_text()
    reasons = panel.locator("ul.reasons").inner_text()
    assert world.town.name in reasons and "10000.00" in reasons

    with page.expect_navigation():
        panel.locator(f"a[href='/policies/mine/{push.pk}/']").click()
    journey.check(owner_page=True)
    assert world.town.name in page.locator("#reasons").inner_text()
    push.refresh_from_db()
    assert push.read_at is not None and push.applied_at is None

    with page.expect_navigation():
        page.click("#mark-applied")
    journey.check(owner_page=True)
    assert page.locator("#mark-applied").count() == 0
    push.refresh_from_db()
    assert push.applied_at is not None

    journey.goto("/policies/mine/")
    journey.check(owner_page=True)
    assert TITLE in page.locator("#pushes").inner_text()
