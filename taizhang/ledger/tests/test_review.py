"""The report form's warnings and note, and the review queue: rows, filters, bulk approval."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import ReportStatus, Stage
from taizhang.ledger.models import MonthlyReport
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import change_stage, create_project
from taizhang.ledger.services.reports import add_photo, approve_report, save_report, submit_report

JULY = Period(2022, 7)


def _login(client, user, language="zh-hans"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage"}}


def _jpeg(size=(800, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile("site.jpg", buffer.getvalue(), content_type="image/jpeg")


def _prestage(world, name="迁安前期示范项目"):
    project = create_project(actor=world.office, name=name, owner=world.alice_org,
                             division=world.town, planned_total=Decimal("9950.00"),
                             industry="C")
    set_annual_plan(project, 2022, actor=world.office, planned_investment=Decimal("3000.00"),
                    expected_version=UNCHECKED)
    change_stage(project, Stage.PRELIMINARY, actor=world.office,
                 effective_date=date(2022, 2, 1), expected_version=UNCHECKED)
    project.refresh_from_db()
    return project


def _form_post(client, project, completed, **extra):
    url = reverse("ledger:report-form", args=[project.pk, "2022-07"])
    return client.post(url, {"completed": completed, "image_progress": "前期手续办理",
                             "version": 0, "submit": "1", **extra})


@pytest.mark.parametrize("language, says", [
    ("zh-hans", "报告有预警，请先填写说明再提交。"),
    ("en", "The report has warnings; explain them in a note before submitting."),
])
def test_owner_cannot_submit_past_a_warning_without_a_note(client, world, language, says):
    project = _prestage(world)
    response = _form_post(_login(client, world.alice, language), project, "999999")
    assert response.status_code == 200
    html = response.content.decode()
    # The error stands next to the note field, and the reasons are listed above it.
    note_at = html.index('name="warning_note"')
    error_at = html.index('id="warning-note-error"')
    assert 0 < error_at - note_at < 600
    assert says in html
    assert 'data-warning="over_remaining"' in html and 'data-warning="early_stage"' in html
    # Nothing was saved: the refused submission took its draft with it, the form kept the figure.
    assert not MonthlyReport.objects.filter(project=project).exists()
    assert 'value="999999' in html


def test_owner_submits_past_a_warning_with_a_note(client, world):
    project = _prestage(world)
    response = _form_post(_login(client, world.alice), project, "999999",
                          warning_note="含土地出让金")
    assert response.status_code == 302
    report = MonthlyReport.objects.get(project=project)
    assert report.status == ReportStatus.SUBMITTED
    assert report.warning_note == "含土地出让金"
    assert "over_remaining" in report.warning_codes
    # The trail shows what the owner submitted past, and the note, to the office.
    history = _login(client, world.office, "en").get(
        reverse("audit:history", args=["report", report.pk])).content.decode()
    assert "Plausibility warnings" in history and "含土地出让金" in history
    assert "is above what is left of the planned total" not in history  # kept in Chinese
    assert "超过计划总投资剩余额" in history


def test_the_draft_shows_its_warnings_before_submitting(client, world):
    project = _prestage(world)
    url = reverse("ledger:report-form", args=[project.pk, "2022-07"])
    client = _login(client, world.alice, "en")
    client.post(url, {"completed": "999999", "image_progress": "x", "version": 0, "save": "1"})
    html = client.get(url).content.decode()
    assert "Please check these figures" in html
    assert "is above what is left of the planned total" in html


# --- the queue ------------------------------------------------------------------------------
def _submitted(world, project, amount, *, photo=False, period=JULY, note=None):
    report = save_report(project, period, actor=world.office, expected_version=UNCHECKED,
                         data={"completed": Decimal(amount), "image_progress": "主体施工",
                               "problems": "征地拆迁未完成", "next_steps": "推进钢结构吊装"})
    if photo:
        add_photo(report, _jpeg(), actor=world.office, caption="现场")
    return submit_report(report, actor=world.office, expected_version=UNCHECKED, note=note)


@pytest.fixture
def queue(world, media):
    """Alice's project clean (a photo, a June figure), Bob's without a photo, the 999,999 one."""
    june = save_report(world.alice_project, Period(2022, 6), actor=world.office,
                       expected_version=UNCHECKED,
                       data={"completed": Decimal("900.00"), "image_progress": "x"})
    june = submit_report(june, actor=world.office, expected_version=UNCHECKED)
    approve_report(june, actor=world.office, expected_version=UNCHECKED)
    return {
        "clean": _submitted(world, world.alice_project, "1000.00", photo=True),
        "no_photo": _submitted(world, world.bob_project, "500.00"),
        "big": _submitted(world, _prestage(world), "999999.00", note="含土地出让金"),
    }


def test_the_queue_shows_warnings_photos_texts_and_figures(client, world, queue):
    html = _login(client, world.office, "en").get(reverse("ledger:review-queue")).content.decode()
    big = html[html.index(f'id="review-{queue["big"].pk}"'):]
    big = big[:big.index("</tr>")]
    assert "Above what is left of the planned total" in big and "含土地出让金" in big
    assert 'name="report"' not in big  # not offered for bulk approval
    clean = html[html.index(f'id="review-{queue["clean"].pk}"'):]
    clean = clean[:clean.index("</tr>")]
    assert "No warnings" in clean and 'name="report"' in clean
    assert "征地拆迁未完成" in clean and "推进钢结构吊装" in clean
    assert '<dd class="previous-month">900.00</dd>' in clean
    assert '<dd class="annual-plan">12,000.00</dd>' in clean
    token = queue["clean"].photos.get().token
    assert f'href="{reverse("ledger:photo", args=[token])}"' in clean
    assert f'src="{reverse("ledger:photo", args=[token])}?thumb=1"' in clean
    assert "No photos while under construction" in html


def test_the_thumbnail_is_small_and_served_through_the_scope(client, world, queue):
    photo = queue["clean"].photos.get()
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) == 320
    url = reverse("ledger:photo", args=[photo.token]) + "?thumb=1"
    response = _login(client, world.office).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == open(photo.thumbnail.path, "rb").read()
    client.force_login(world.bob)  # another owner
    assert client.get(url).status_code == 404
    # A thumbnail lost from the disk: the photo itself, not an error.
    import os

    os.remove(photo.thumbnail.path)
    response = _login(client, world.office).get(url)
    assert b"".join(response.streaming_content) == open(photo.image.path, "rb").read()


@pytest.mark.parametrize("query, expect", [
    ("", {"clean", "no_photo", "big"}),
    ("?warning=any", {"no_photo", "big"}),
    ("?warning=none", {"clean"}),
    ("?warning=early_stage", {"big"}),
    ("?warning=nonsense", {"clean", "no_photo", "big"}),
    ("?township={other_town}", {"no_photo"}),
    ("?unit={unit}", {"clean"}),
    ("?unit=x&township=", {"clean", "no_photo", "big"}),
])
def test_the_queue_filters(client, world, queue, query, expect):
    query = query.format(other_town=world.other_town.pk, unit=world.unit.pk)
    response = _login(client, world.office).get(reverse("ledger:review-queue") + query)
    assert response.status_code == 200
    shown = {k for k, r in queue.items() if f'id="review-{r.pk}"' in response.content.decode()}
    assert shown == expect


def test_the_queue_takes_the_same_queries_for_many_rows(client, world, queue,
                                                        django_assert_max_num_queries):
    client = _login(client, world.office)
    url = reverse("ledger:review-queue")
    client.get(url)  # the session and the caches warm up
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    for n in range(12):
        project = create_project(actor=world.office, name=f"项目{n}", owner=world.bob_org,
                                 division=world.other_town, planned_total=Decimal("1000"),
                                 industry="C")
        _submitted(world, project, "10.00")
    with django_assert_max_num_queries(len(three.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('<tr id="review-') == 15
    # Session, user, count, page, photos, the plausibility's two, the two filters' choices,
    # the office settings of the menu: ten, whatever the length of the page.
    assert len(three.captured_queries) <= 10, [q["sql"][:90] for q in three.captured_queries]


def test_bulk_approval_approves_only_the_clean_ones(client, world, queue):
    client = _login(client, world.office, "en")
    post = {"report": [queue[k].pk for k in queue],
            **{f"v-{queue[k].pk}": queue[k].version for k in queue},
            "next": reverse("ledger:review-queue")}
    response = client.post(reverse("ledger:review-approve-clean"), post, follow=True)
    status = {k: MonthlyReport.objects.get(pk=r.pk).status for k, r in queue.items()}
    assert status == {"clean": ReportStatus.APPROVED, "no_photo": ReportStatus.SUBMITTED,
                      "big": ReportStatus.SUBMITTED}
    html = response.content.decode()
    assert "1 report approved." in html
    assert f"Not approved: {world.bob_project.name} 2022-07. It has warnings: No photos" in html
    assert "Not approved: 迁安前期示范项目 2022-07" in html
    event = AuditEvent.objects.for_object(queue["clean"]).get(action="report.approved")
    assert event.actor_id == world.office.pk


def test_bulk_approval_refuses_a_stale_version(client, world, queue):
    client = _login(client, world.office, "en")
    clean = queue["clean"]
    response = client.post(reverse("ledger:review-approve-clean"),
                           {"report": [clean.pk], f"v-{clean.pk}": clean.version - 1},
                           follow=True)
    assert MonthlyReport.objects.get(pk=clean.pk).status == ReportStatus.SUBMITTED
    assert "Not approved" in response.content.decode()


def test_another_countys_office_cannot_bulk_approve(client, world, queue):
    from taizhang.accounts.choices import DivisionLevel, Role
    from taizhang.accounts.models import Division, User

    zunhua = Division.objects.create(code="130281", name="遵化市", level=DivisionLevel.COUNTY,
                                     parent=world.county.parent)
    stranger = User.objects.create(username="zunhua", role=Role.OFFICE_ADMIN, division=zunhua,
                                   organization=world.office.organization)
    clean = queue["clean"]
    client = _login(client, stranger, "en")
    response = client.post(reverse("ledger:review-approve-clean"),
                           {"report": [clean.pk], f"v-{clean.pk}": clean.version}, follow=True)
    assert MonthlyReport.objects.get(pk=clean.pk).status == ReportStatus.SUBMITTED
    assert "1 report was not found among those you review." in response.content.decode()
    assert world.alice_project.name not in response.content.decode()
    # An owner may not use it at all.
    assert _login(client, world.alice).post(reverse("ledger:review-approve-clean"),
                                            {"report": [clean.pk]}).status_code == 403
