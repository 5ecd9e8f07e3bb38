"""The web upload: preview (a dry run), then confirm; bad sheets show every error."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.services.reports import approve_report, save_report, submit_report
from taizhang.ledger.tests.import_steps import confirm
from taizhang.ledger.tests.import_steps import upload as _upload
from taizhang.ledger.tests.sheets_factory import ledger_grid, messy_ledger, to_xlsx

URL = reverse("ledger:import")


def test_preview_writes_nothing_and_confirm_imports(client, world):
    client.force_login(world.office)
    before = Project.objects.count()
    events = AuditEvent.objects.exclude(action="job.started").count()
    response = _upload(client, to_xlsx(messy_ledger()), period="2022-07")
    assert response.status_code == 200
    result = response.context["result"]
    assert result.ok and result.created > 0
    assert Project.objects.count() == before
    assert AuditEvent.objects.exclude(action="job.started").count() == events
    token = response.context["token"]
    assert 'name="confirm"' in response.content.decode()

    response = confirm(client, token)
    assert response.context["job"]["obj"].state == "succeeded"
    assert Project.objects.count() == before + result.created
    # A second confirm of the same preview imports nothing more.
    again = client.post(URL, {"confirm": "1", "token": token}, follow=True)
    assert [str(m) for m in again.context["messages"]]
    assert Project.objects.count() == before + result.created


def test_bad_sheet_lists_every_error_and_writes_nothing(client, world):
    client.force_login(world.office)
    good = {"项目名称": "好项目", "建设单位": "好公司", "所属区域": "迁安镇",
            "总投资（万元）": "1000", "年度计划投资": "100"}
    grid = ledger_grid([good, {**good, "项目名称": "坏项目", "总投资（万元）": "abc"}])
    before = Project.objects.count()
    response = _upload(client, to_xlsx(grid), period="2022-07")
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["job"]["obj"].state == "failed"
    assert 'id="job-row-errors"' in body and "abc" in body
    assert 'name="confirm"' not in body
    assert Project.objects.count() == before


def test_a_confirm_without_a_preview_does_nothing(client, world):
    client.force_login(world.office)
    response = client.post(URL, {"confirm": "1", "token": "forged"}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]]  # "expired or already imported"
    assert Project.objects.count() == 2


def test_wrong_file_types_are_refused_with_a_message(client, world):
    client.force_login(world.office)
    response = _upload(client, b"MZ\x90\x00", name="virus.exe")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    response = _upload(client, b"not really a spreadsheet", name="fake.xlsx")
    assert response.status_code == 200
    assert response.context["job"]["obj"].row_errors


def test_owners_cannot_import(client, world):
    client.force_login(world.alice)
    assert client.get(URL).status_code == 403
    assert _upload(client, to_xlsx(messy_ledger())).status_code == 403


def test_a_change_to_an_approved_report_needs_the_confirm_checkbox(client, world):
    july = Period(2022, 7)
    alice = world.alice_project
    report = save_report(alice, july, actor=world.office, data={"completed": Decimal("100")},
                         expected_version=UNCHECKED)
    approve_report(submit_report(report, actor=world.office,
                                 expected_version=UNCHECKED), actor=world.office,
                   expected_version=UNCHECKED)
    grid = ledger_grid([{"项目名称": alice.name, "建设单位": alice.owner.name,
                         "本月完成投资": "250"}],
                       labels=["项目名称", "建设单位", "本月完成投资"], total=False)
    client.force_login(world.office)

    def preview():
        response = _upload(client, to_xlsx(grid), period="2022-07")
        page = response.content.decode()
        assert 'id="import-approved"' in page and "office" in page
        assert 'name="confirm_approved_changes"' in page
        return response.context["token"]

    def july_figure():
        return MonthlyReport.objects.get(project=alice, period=july.first_day).completed

    response = confirm(client, preview())
    assert response.context["job"]["obj"].state == "failed"
    assert 'id="job-row-errors"' in response.content.decode()
    assert july_figure() == 100

    response = confirm(client, preview(), confirm_approved_changes="1")
    assert response.context["job"]["obj"].state == "succeeded"
    assert july_figure() == 250
