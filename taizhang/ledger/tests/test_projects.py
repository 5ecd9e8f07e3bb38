from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED, ConcurrentEdit, ServiceError
from taizhang.ledger.choices import Stage
from taizhang.ledger.services.projects import change_stage, create_project, update_project
from taizhang.ledger.services.reports import add_photo, save_report, submit_report


def test_update_records_field_level_before_and_after(world):
    project = world.alice_project
    project.refresh_from_db()
    update_project(project, actor=world.office, expected_version=project.version,
                   changes={"planned_total": Decimal("52000.00"), "address": "迁安镇钢城大街"})
    event = AuditEvent.objects.for_object(project).filter(action="project.updated").get()
    assert event.changes["planned_total"] == ["50000.00", "52000.00"]
    assert event.changes["address"] == ["", "迁安镇钢城大街"]
    assert event.actor == world.office


def test_concurrent_project_edit_is_refused(world):
    project = world.alice_project
    project.refresh_from_db()
    seen = project.version
    update_project(project, actor=world.office, expected_version=seen,
                   changes={"address": "A"})
    stale_copy = type(project).objects.get(pk=project.pk)
    with pytest.raises(ConcurrentEdit):
        update_project(stale_copy, actor=world.office, expected_version=seen,
                       changes={"address": "B"})
    project.refresh_from_db()
    assert project.address == "A"


def test_funding_split_must_add_up(world):
    with pytest.raises(ServiceError):
        create_project(actor=world.office, name="资金不平项目", owner=world.bob_org,
                       division=world.town, planned_total=Decimal("100.00"),
                       fund_enterprise=Decimal("60.00"), fund_bank_loans=Decimal("30.00"))
    project = create_project(actor=world.office, name="资金平衡项目", owner=world.bob_org,
                             division=world.town, planned_total=Decimal("100.00"),
                             fund_enterprise=Decimal("60.00"), fund_bank_loans=Decimal("40.00"))
    assert project.pk


def test_project_code_is_shape_checked_and_unique(world):
    with pytest.raises(ServiceError) as exc:
        create_project(actor=world.office, name="坏代码", owner=world.bob_org,
                       division=world.town, planned_total=Decimal("1"), code="2022-1")
    assert exc.value.field == "code"
    create_project(actor=world.office, name="甲", owner=world.bob_org, division=world.town,
                   planned_total=Decimal("1"), code="2022-130283-31-03-000001")
    with pytest.raises(ServiceError):
        create_project(actor=world.office, name="乙", owner=world.bob_org, division=world.town,
                       planned_total=Decimal("1"), code="2022-130283-31-03-000001")
    # Blank codes are allowed many times (real ledgers have gaps).
    for name in ("丙", "丁"):
        create_project(actor=world.office, name=name, owner=world.bob_org, division=world.town,
                       planned_total=Decimal("1"), code="")


def test_owner_cannot_create_or_edit_projects(world):
    with pytest.raises(PermissionDenied):
        create_project(actor=world.alice, name="私建", owner=world.alice_org,
                       division=world.town, planned_total=Decimal("1"))
    with pytest.raises(PermissionDenied):
        update_project(world.alice_project, actor=world.alice, expected_version=UNCHECKED,
                       changes={"name": "改名"})


def test_stage_service_checks_transitions_and_sets_dates(world):
    project = create_project(actor=world.office, name="储备项目", owner=world.bob_org,
                             division=world.town, planned_total=Decimal("10"))
    with pytest.raises(ServiceError):
        change_stage(project, Stage.COMPLETED, actor=world.office, effective_date=date(2022, 5, 1),
                     expected_version=UNCHECKED)
    with pytest.raises(ServiceError):
        change_stage(project, Stage.ON_HOLD, actor=world.office, effective_date=date(2022, 5, 1),
                     expected_version=UNCHECKED)
    change_stage(project, Stage.PRELIMINARY, actor=world.office, effective_date=date(2022, 2, 1),
                 expected_version=UNCHECKED)
    change_stage(project, Stage.UNDER_CONSTRUCTION, actor=world.office,
                 effective_date=date(2022, 4, 10), expected_version=UNCHECKED)
    change_stage(project, Stage.COMPLETED, actor=world.office, effective_date=date(2022, 9, 30),
                 expected_version=UNCHECKED)
    project.refresh_from_db()
    assert project.actual_start == date(2022, 4, 10)
    assert project.actual_completion == date(2022, 9, 30)
    history = list(project.stage_changes.values_list("to_stage", flat=True))
    assert history == [Stage.PRELIMINARY, Stage.UNDER_CONSTRUCTION, Stage.COMPLETED]
    assert AuditEvent.objects.filter(action="project.stage_changed",
                                     object_id=str(project.pk)).count() == 3


def _png(size=(20, 20)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_photos_must_be_real_images_and_are_limited(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TAIZHANG_MAX_PHOTOS = 2
    report = save_report(world.alice_project, Period(2022, 7), actor=world.alice,
                         data={"completed": Decimal("1"), "image_progress": "x"},
                         expected_version=UNCHECKED)
    with pytest.raises(ServiceError):
        add_photo(report, SimpleUploadedFile("evil.jpg", b"<script>alert(1)</script>"),
                  actor=world.alice)
    photo = add_photo(report, SimpleUploadedFile("../../etc/passwd.png", _png()),
                      actor=world.alice)
    assert photo.image.name.startswith(f"reports/{world.alice_project.pk}/2022-07/")
    assert photo.image.name.endswith(".png") and "passwd" not in photo.image.name
    add_photo(report, SimpleUploadedFile("b.png", _png()), actor=world.alice)
    with pytest.raises(ServiceError):
        add_photo(report, SimpleUploadedFile("c.png", _png()), actor=world.alice)
    with pytest.raises(PermissionDenied):
        add_photo(report, SimpleUploadedFile("d.png", _png()), actor=world.bob)


def test_photo_too_large_is_refused(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TAIZHANG_MAX_PHOTO_BYTES = 100
    report = save_report(world.alice_project, Period(2022, 7), actor=world.alice,
                         data={"completed": Decimal("1"), "image_progress": "x"},
                         expected_version=UNCHECKED)
    with pytest.raises(ServiceError):
        add_photo(report, SimpleUploadedFile("big.png", _png((400, 400))), actor=world.alice)


def test_photos_are_served_only_within_scope(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = save_report(world.alice_project, Period(2022, 7), actor=world.alice,
                         data={"completed": Decimal("1"), "image_progress": "x"},
                         expected_version=UNCHECKED)
    photo = add_photo(report, SimpleUploadedFile("a.png", _png()), actor=world.alice)
    submit_report(report, actor=world.alice, expected_version=UNCHECKED)
    url = f"/ledger/photos/{photo.token}/"
    client.force_login(world.bob)
    assert client.get(url).status_code == 404
    client.force_login(world.alice)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
