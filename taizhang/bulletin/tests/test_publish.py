"""Publishing freezes a bulletin; the office's pages, its job and the command."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document

from taizhang.bulletin import services
from taizhang.bulletin.content import Content
from taizhang.bulletin.models import Bulletin
from taizhang.bulletin.writers import write
from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED, ConcurrentEdit, ServiceError
from taizhang.jobs.testing import run_queued_jobs
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.models import MonthlyReport
from taizhang.ledger.services.plans import set_annual_plan

pytestmark = pytest.mark.django_db
JULY = Period(2022, 7)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _approved(project, period: Period, amount: str) -> None:
    MonthlyReport.objects.create(project=project, period=period.first_day,
                                 completed=Decimal(amount), status=ReportStatus.APPROVED)


def _overview(data: bytes) -> dict[str, object]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {r[0]: r[1] for r in book["总体情况"].iter_rows(min_row=3, values_only=True)
            if len(r) > 1 and r[0]}


def test_a_published_period_keeps_its_numbers_when_the_ledger_changes(world):
    _approved(world.alice_project, JULY, "3000.00")
    bulletin = services.publish(world.office, world.county, JULY)
    assert (bulletin.number, bulletin.document_number) == (1, "迁重点办〔2022〕1号")
    frozen = Content.from_json(bulletin.snapshot["content"])
    assert frozen.total.annual_plan == Decimal("32000.00")
    assert frozen.total.ytd_completed == Decimal("3000.00")

    set_annual_plan(world.alice_project, 2022, actor=world.office,
                    planned_investment=Decimal("50000.00"), expected_version=UNCHECKED)
    _approved(world.bob_project, JULY, "7000.00")

    # Generating the period again: the published file, byte for byte, with the frozen numbers.
    for fmt in ("docx", "pdf", "xlsx"):
        out = io.BytesIO()
        assert services.render(world.county, JULY, fmt, out) == bulletin
        assert out.getvalue() == bulletin.file(fmt).open("rb").read()
    again = io.BytesIO()
    services.render(world.county, JULY, "xlsx", again)
    overview = _overview(again.getvalue())
    assert Decimal(str(overview["年度计划投资"])) == Decimal("32000.00")
    assert Decimal(str(overview["1-7月累计完成投资"])) == Decimal("3000.00")
    assert services.content_for(world.county, JULY).numbers() == frozen.numbers()

    # The ledger now says otherwise: a live draft shows it, the snapshot does not move.
    live = services.content_for(world.county, JULY, live=True)
    assert live.total.annual_plan == Decimal("70000.00")
    assert live.total.ytd_completed == Decimal("10000.00")
    assert live.numbers() != frozen.numbers()
    bulletin.refresh_from_db()
    assert Content.from_json(bulletin.snapshot["content"]).numbers() == frozen.numbers()


def test_the_snapshot_writes_the_published_tables_again(world):
    _approved(world.alice_project, JULY, "3000.00")
    bulletin = services.publish(world.office, world.county, JULY)
    rewritten = io.BytesIO()
    write(Content.from_json(bulletin.snapshot["content"]), "docx", rewritten)

    def tables(source):
        return [[[c.text for c in row.cells] for row in t.rows]
                for t in Document(source).tables]

    assert tables(rewritten) == tables(bulletin.file("docx").open("rb"))


def test_a_period_is_published_once_and_numbers_run_per_year(world):
    first = services.publish(world.office, world.county, JULY)
    with pytest.raises(ServiceError):
        services.publish(world.office, world.county, JULY)
    second = services.publish(world.office, world.county, Period(2022, 8))
    assert (first.number, second.number) == (1, 2)
    assert AuditEvent.objects.filter(action="bulletin.published").count() == 2


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "victor", "eve"])
def test_only_the_office_publishes(world, who):
    with pytest.raises(PermissionDenied):
        services.publish(getattr(world, who), world.county, JULY)
    assert not Bulletin.objects.exists()


def test_the_masthead_is_the_offices_and_refuses_a_stale_form(world):
    settings = services.update_settings(world.office, issuing_office="迁安市重点项目建设办公室",
                                        number_prefix="迁重点办", title="重点项目建设情况通报",
                                        first_number=7, expected_version=0)
    with pytest.raises(ConcurrentEdit):
        services.update_settings(world.office, issuing_office="x", number_prefix="y",
                                 title="z", first_number=1, expected_version=0)
    with pytest.raises(ServiceError) as refused:
        services.update_settings(world.office, issuing_office="", number_prefix="y",
                                 title="z", first_number=1, expected_version=settings.version)
    assert refused.value.field == "issuing_office"
    with pytest.raises(PermissionDenied):
        services.update_settings(world.alice, issuing_office="x", number_prefix="y",
                                 title="z", first_number=1, expected_version=settings.version)
    assert services.publish(world.office, world.county, JULY).document_number == \
        "迁重点办〔2022〕7号"


def test_the_office_generates_in_the_background_and_downloads(world):
    client = Client()
    client.force_login(world.office)
    assert client.get(reverse("bulletin:index")).status_code == 200
    response = client.post(reverse("bulletin:index"), {"g-period": "2022-07",
                                                       "g-format": "xlsx"})
    assert response.status_code == 302
    (job,) = run_queued_jobs()
    assert job.state == "succeeded", job.error
    data = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    assert _overview(data)["项目个数"] == 2

    client.post(reverse("bulletin:index"), {"p-period": "2022-07", "p-confirm": "on"})
    (job,) = run_queued_jobs()
    assert job.state == "succeeded", job.error
    bulletin = Bulletin.objects.get()
    page = client.get(reverse("bulletin:index")).content.decode()
    assert bulletin.document_number in page
    response = client.get(reverse("bulletin:download", args=[bulletin.pk, "pdf"]))
    assert b"".join(response.streaming_content)[:4] == b"%PDF"


def test_a_bad_month_is_refused_beside_its_field(world):
    client = Client()
    client.force_login(world.office)
    response = client.post(reverse("bulletin:index"), {"g-period": "2022-13",
                                                       "g-format": "xlsx"})
    assert response.status_code == 200
    assert "YYYY-MM" in response.content.decode()


def test_a_month_that_has_not_begun_gets_no_bulletin(world, tmp_path):
    """A slip such as 2032-07 for 2022-07: refused beside the field, by the service and by
    the command (no file left), before any job, number or file is made."""
    from django.core.management.base import CommandError
    from django.utils import timezone

    from taizhang.jobs.models import Job

    coming = Period.of(timezone.localdate()).next()
    client = Client()
    client.force_login(world.office)
    for form in ({"g-period": str(coming), "g-format": "pdf"},
                 {"p-period": str(coming), "p-confirm": "on"}):
        response = client.post(reverse("bulletin:index"), form)
        assert response.status_code == 200
        assert f"{coming} 尚未开始" in response.content.decode()
    assert not Job.objects.exists()
    with pytest.raises(ServiceError):
        services.publish(world.office, world.county, coming)
    target = tmp_path / "b.docx"
    with pytest.raises(CommandError, match=str(coming)):
        call_command("bulletin", period=str(coming), format="docx", output=str(target),
                     division="130283", stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []
    assert not Bulletin.objects.exists()


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "victor", "eve"])
def test_other_roles_have_no_bulletin_pages(world, who):
    client = Client()
    client.force_login(getattr(world, who))
    assert client.get(reverse("bulletin:index")).status_code == 403
    assert client.get(reverse("bulletin:settings")).status_code == 403


def test_the_command_writes_each_format(world, tmp_path):
    _approved(world.alice_project, JULY, "3000.00")
    world.alice_project.actual_start = date(2022, 7, 3)
    world.alice_project.save(update_fields=["actual_start"])
    for fmt in ("docx", "xlsx"):
        target = tmp_path / f"b.{fmt}"
        call_command("bulletin", period="2022-07", format=fmt, output=str(target),
                     division="130283", stdout=io.StringIO())
        assert target.stat().st_size > 0
    text = "\n".join(p.text for p in Document(str(tmp_path / "b.docx")).paragraphs)
    assert "新开工项目（1个）" in text
    assert "迁安市共有重点项目2个" in text


def test_the_content_takes_as_many_queries_for_many_projects_as_for_two(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from taizhang.accounts.models import Organization
    from taizhang.ledger.services.projects import create_project

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            services.build_live(world.county, JULY)
        return len(captured)

    few = queries()
    for i in range(12):
        unit = Organization.objects.create(kind="department", name=f"测试单位{i}")
        project = create_project(actor=world.office, name=f"测试项目{i}", owner=world.alice_org,
                                 division=world.town if i % 2 else world.other_town,
                                 planned_total=Decimal("1000.00"), responsible_unit=unit)
        _approved(project, JULY, "10.00")
    assert queries() == few
