"""The office generates the month's bulletin as a background job and downloads it, publishes
it, and finds it among the published bulletins; the masthead settings page. Desktop and
phone, Chinese and English (the journey harness). The test runs the queued jobs itself (the
SQLite test database lives in this process's memory, out of a worker's reach)."""

from __future__ import annotations

import pytest

from taizhang.bulletin.models import Bulletin
from taizhang.jobs.testing import run_queued_jobs

pytestmark = pytest.mark.browser


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db(transaction=True)
def test_the_office_generates_publishes_and_downloads_a_bulletin(journey, world, media):
    journey.login("office", "pw-office")
    journey.allow_text("office · 项目办管理员", "office · Office administrator")
    journey.goto("/bulletin/")
    journey.check()
    journey.page.fill("#id_g-period", "2022-07")
    journey.page.select_option("#id_g-format", "xlsx")
    with journey.page.expect_navigation():
        journey.page.click("#generate-form button[type=submit]")
    journey.page.wait_for_selector("#job-status")
    journey.check()
    journey.goto("/bulletin/settings/")
    journey.check()
    run_queued_jobs()
    journey.page.go_back()
    journey.page.wait_for_selector("[data-state=succeeded]")
    journey.check()

    journey.goto("/bulletin/")
    journey.page.fill("#id_p-period", "2022-07")
    journey.page.check("#id_p-confirm")
    with journey.page.expect_navigation():
        journey.page.click("#publish-form button[type=submit]")
    run_queued_jobs()
    bulletin = Bulletin.objects.get()
    journey.goto("/bulletin/")
    journey.check()
    assert bulletin.document_number in journey.page.content()
    with journey.page.expect_download() as download:
        journey.page.click(f"a[href='/bulletin/{bulletin.pk}/pdf/']")
    assert download.value.suggested_filename.endswith(".pdf")
