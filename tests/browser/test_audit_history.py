"""Owner changes a figure → the office sees from→to in the history, reverts it, sees the revert."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_office_sees_and_reverts_a_changed_figure(transactional_db, world, live_server, page,
                                                  screenshot):
    from taizhang.core.audit.models import AuditEvent
    from taizhang.ledger.models import MonthlyReport

    form = f"{live_server.url}/ledger/projects/{world.alice_project.pk}/reports/2022-07/"
    login(page, live_server, "alice", "pw-alice")
    page.goto(form)
    page.fill("textarea[name=image_progress]", "主体结构施工")
    for amount in ("1000", "1234.56"):
        page.fill("input[name=completed]", amount)
        with page.expect_navigation():
            page.click("button[name=save]")
    page.context.clear_cookies()

    login(page, live_server, "office", "pw-office")
    page.goto(form)
    with page.expect_navigation():
        page.click("a[data-history]")
    page.wait_for_url(re.compile(r".*/ledger/history/report/\d+/$"))
    report = MonthlyReport.objects.get(project=world.alice_project)
    changed = AuditEvent.objects.get(action="report.updated", object_id=str(report.pk))
    row = page.locator(f"#event-{changed.pk} tr[data-field=completed]")
    assert row.locator("td.before").inner_text() == "1,000.00"
    assert row.locator("td.after").inner_text() == "1,234.56"
    assert "alice" in page.locator(f"#event-{changed.pk} [data-actor]").inner_text()

    created = AuditEvent.objects.get(action="report.created", object_id=str(report.pk))
    version = page.locator(f"#event-{created.pk}")
    version.locator("input[name=reason]").fill("填报错误，恢复原值")
    with page.expect_navigation():
        version.locator("button.danger").click()
    page.locator("[data-reverts]").wait_for()
    report.refresh_from_db()
    assert str(report.completed) == "1000.00"
    screenshot("audit-history")
