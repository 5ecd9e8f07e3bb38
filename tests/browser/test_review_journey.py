"""Issue 10 §3: an implausible figure is caught at the form and in the office's queue.

The owner types 999,999 万元 for a month of a 9,950 万元 前期 project, sees why it is
implausible, and submits it with a note; the office sees the warning and the note in the queue,
opens a photo thumbnail large, and approves in bulk only the clean report.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import ReportStatus, Stage
from taizhang.ledger.models import MonthlyReport
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import change_stage, create_project
from taizhang.ledger.services.reports import add_photo, save_report, submit_report

pytestmark = pytest.mark.browser


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (60, 120, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile("site.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def month(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    prestage = create_project(actor=world.office, name="迁安前期示范项目", owner=world.alice_org,
                              division=world.town, planned_total=Decimal("9950.00"),
                              industry="C")
    set_annual_plan(prestage, 2022, actor=world.office, planned_investment=Decimal("3000.00"),
                    expected_version=UNCHECKED)
    change_stage(prestage, Stage.PRELIMINARY, actor=world.office,
                 effective_date=date(2022, 2, 1), expected_version=UNCHECKED)
    # Bob's July report is clean: a plausible figure and a site photo.
    clean = save_report(world.bob_project, Period(2022, 7), actor=world.office,
                        expected_version=UNCHECKED,
                        data={"completed": Decimal("1500.00"), "image_progress": "主体封顶",
                              "problems": "雨季影响工期", "next_steps": "八月完成设备安装"})
    add_photo(clean, _jpeg(), actor=world.office, caption="主体封顶")
    clean = submit_report(clean, actor=world.office, expected_version=UNCHECKED)
    return prestage, clean


@pytest.mark.django_db(transaction=True)
def test_an_implausible_figure_is_caught_and_the_clean_ones_approved(journey, world, month):
    prestage, clean = month
    journey.allow_text("主体封顶", "雨季影响工期", "八月完成设备安装",
                       "含土地出让金，已与项目办核实")
    page = journey.page
    # The owner, on the report form of the 前期 project.
    journey.login("alice", "pw-alice")
    journey.goto(f"/ledger/projects/{prestage.pk}/reports/2022-07/")
    page.fill("input[name=completed]", "999999")
    page.fill("textarea[name=image_progress]", "前期手续办理中")
    with page.expect_navigation():
        page.click("button[name=submit]")
    page.locator("#warning-note-error").wait_for()
    for kind in ("over_remaining", "ytd_over_plan", "early_stage"):
        assert page.locator(f"[data-warning={kind}]").count() == 1
    assert "999,999.00" in page.locator("[data-warning=over_remaining]").inner_text()
    journey.check(owner_page=True)
    journey.shot("report-form-warnings")
    page.fill("textarea[name=warning_note]", "含土地出让金，已与项目办核实")
    with page.expect_navigation():
        page.click("button[name=submit]")
    page.wait_for_url(re.compile(r".*/ledger/reports/$"))
    report = MonthlyReport.objects.get(project=prestage)
    assert report.status == ReportStatus.SUBMITTED
    journey.logout()

    # The office: the warning and the note in the queue, the photo as a thumbnail.
    journey.login("office", "pw-office")
    journey.goto("/ledger/review/")
    big = page.locator(f"#review-{report.pk}")
    assert big.locator("[data-warning=early_stage]").count() == 1
    assert "含土地出让金" in big.inner_text()
    assert big.locator("input[name=report]").count() == 0
    row = page.locator(f"#review-{clean.pk}")
    thumb = row.locator(".thumbs img")
    thumb.wait_for()
    # Visible is not loaded: on a busy machine the thumbnail arrives after its box shows.
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0",
                           arg=thumb.element_handle())
    assert page.evaluate("(img) => img.naturalWidth", thumb.element_handle()) == 320
    journey.check()
    journey.shot("review-queue")
    with page.context.expect_page() as opened:
        row.locator(".thumbs a").click()
    large = opened.value
    large.wait_for_load_state()
    assert large.evaluate("() => document.images[0].naturalWidth") == 1200
    large.close()

    with page.expect_navigation():
        page.click("#approve-clean")
    page.locator(".msg-success").wait_for()
    assert MonthlyReport.objects.get(pk=clean.pk).status == ReportStatus.APPROVED
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    assert page.locator(f"#review-{clean.pk}").count() == 0
    journey.check()
    journey.shot("review-queue-after-bulk")
