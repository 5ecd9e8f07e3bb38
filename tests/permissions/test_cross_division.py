"""Issue 8, findings 9-11 and personal data, one focused test each (the matrix walks them too).

The world is the matrix's (conftest.py): Qian'an (office, Alice, Bob, Carol, Dave, Victor) and
the far county 滦州 (office2) with its project F and G, a project of Alice's company there.
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED, ServiceError
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.models import Project
from taizhang.ledger.services.projects import update_project
from taizhang.ledger.services.reports import save_report
from taizhang.ledger.tests.sheets_factory import ledger_grid, to_xlsx

from .conftest import CONTACTS, Matrix

NEUTRAL = "请选择本区划的单位或人员。"


def _client(m: Matrix, who: str) -> Client:
    client = Client()
    client.force_login(m.users[who])
    return client


def _fresh(project: Project) -> Project:
    return Project.objects.get(pk=project.pk)


# --- finding 9: a history names only what its reader may see ------------------------------

def test_history_does_not_name_a_parent_outside_the_readers_scope(matrix):
    """The office put Bob's project under Alice's; the superuser put the far project under
    Alice's. Bob and the far office read their own project's history, not Alice's name."""
    alice_project = matrix.projects["A"].name
    for who, key in (("bob", "B"), ("office2", "F")):
        url = reverse("audit:history", args=["project", matrix.projects[key].pk])
        page = _client(matrix, who).get(url).content.decode()
        assert 'data-field="parent"' in page, who
        assert alice_project not in page, who
        assert "（不在您的范围内）" in page, who
    # Its own office, which sees both, reads the parent by name.
    url = reverse("audit:history", args=["project", matrix.projects["B"].pk])
    assert alice_project in _client(matrix, "office").get(url).content.decode()


# --- finding 10: owner, leader and unit scopes stay within the division ----------------------

def test_an_owner_does_not_reach_her_companys_project_in_another_county(matrix):
    alice, twin = matrix.users["alice"], matrix.projects["G"]
    assert twin.owner_id == alice.organization_id
    for action in ("view", "report"):
        assert not Project.objects.restrict(alice, action).filter(pk=twin.pk).exists()
    with pytest.raises(PermissionDenied):
        save_report(twin, Period(2022, 7), actor=alice, data={"completed": Decimal("1")},
                    expected_version=UNCHECKED)
    client = _client(matrix, "alice")
    assert client.get(reverse("ledger:project-detail", args=[twin.pk])).status_code == 404
    assert twin.name not in client.get(reverse("ledger:my-reports")).content.decode()


def test_an_office_audit_does_not_show_another_countys_project_its_people_acted_on(matrix):
    """Alice (of Qian'an) once changed the far twin's report: the Qian'an office must not read
    that county's project in its audit list or export; the far office does."""
    twin = matrix.projects["G"]
    by_alice = AuditEvent.objects.filter(actor=matrix.users["alice"],
                                         object_id=str(matrix.draft["G"].pk),
                                         object_type="ledger.monthlyreport")
    assert by_alice.exists()
    office, office2 = matrix.users["office"], matrix.users["office2"]
    assert not AuditEvent.objects.restrict(office, "view").filter(
        pk__in=by_alice.values("pk")).exists()
    assert AuditEvent.objects.restrict(office2, "view").filter(
        pk__in=by_alice.values("pk")).exists()
    for fmt in ("csv", "xlsx"):
        response = _client(matrix, "office").get(
            reverse("audit:export"), {"format": fmt, "download": "1"})
        assert response.status_code == 200
        assert twin.name.encode() not in response.content
        if fmt == "xlsx":
            wb = openpyxl.load_workbook(io.BytesIO(response.content))
            cells = " ".join(str(c.value) for row in wb.active.iter_rows() for c in row)
            assert twin.name not in cells and matrix.projects["A"].name in cells
    admin_list = _client(matrix, "office").get("/admin/core/auditevent/").content.decode()
    assert twin.name not in admin_list


# --- finding 11: owners, units and leaders of the office's own division ---------------------

@pytest.mark.parametrize("field", ["owner", "responsible_unit", "leader"])
def test_an_office_cannot_name_another_countys_organization_or_person(matrix, field):
    far = matrix.projects["F"]
    value = {"owner": far.owner, "responsible_unit": far.owner, "leader": far.leader}[field]
    project = _fresh(matrix.projects["A"])
    with pytest.raises(ServiceError) as refused:
        update_project(project, actor=matrix.users["office"], expected_version=project.version,
                       changes={field: value})
    assert refused.value.field == field
    assert str(refused.value) == NEUTRAL  # says nothing of where the record is
    assert getattr(_fresh(project), f"{field}_id") != value.pk
    # The superuser may (a company working in two counties); the scopes stay divisional.
    update_project(project, actor=matrix.users["super"], expected_version=project.version,
                   changes={field: value})


def test_the_admin_form_refuses_another_countys_owner(matrix):
    project = _fresh(matrix.projects["A"])
    far_owner = matrix.projects["F"].owner
    response = _client(matrix, "office").post(
        f"/admin/ledger/project/{project.pk}/change/", {
            "name": project.name, "owner": far_owner.pk, "division": project.division_id,
            "planned_total": "50000", "industry": "C", "nature": project.nature,
            "project_type": project.project_type, "completed_before": "0",
            "leader": project.leader_id, "responsible_unit": project.responsible_unit_id,
            "seen_version": project.version, "plans-TOTAL_FORMS": 0,
            "plans-INITIAL_FORMS": 0,
        }, follow=True)
    assert _fresh(project).owner_id == matrix.projects["A"].owner_id
    assert NEUTRAL in response.content.decode()


def _import(m: Matrix, row: dict[str, str]) -> list[str]:
    grid = ledger_grid([{"总投资（万元）": "100", "年度计划投资": "1", **row}],
                       title="2022年1-7月重点项目台账")
    result = import_ledger(to_xlsx(grid), "台账.xlsx", actor=m.users["office"],
                           period=Period(2022, 7))
    assert not result.applied
    return [e.reason for e in result.errors]


def test_the_importer_neither_uses_nor_confirms_another_countys_records(matrix):
    far = matrix.projects["F"]
    before = Project.objects.count()
    # The far project by name and owner: not found, and its owner may not be used here.
    reasons = _import(matrix, {"项目名称": far.name, "建设单位": far.owner.name})
    assert reasons == [NEUTRAL] or reasons[0] == NEUTRAL, reasons
    # A new project for that owner: the same message.
    assert _import(matrix, {"项目名称": "新项目", "建设单位": far.owner.name})[0] == NEUTRAL
    # Its code: in use, not "belongs to another division".
    Project.objects.filter(pk=far.pk).update(code="2022-130284-48-01-000001")
    reasons = _import(matrix, {"项目代码": "2022-130284-48-01-000001", "项目名称": "新项目",
                               "建设单位": "燕山钢铁有限公司"})
    assert reasons == ["该项目代码已被使用，请核对。"], reasons
    assert Project.objects.count() == before
    assert _fresh(far).planned_total == Decimal("30000.00")
    assert not any("区划" in r for r in reasons)


# --- personal data ---------------------------------------------------------------------------

def test_a_viewer_reads_no_contact_and_no_names_of_people(matrix):
    project = matrix.projects["A"]
    contact_name, phone = CONTACTS["A"]
    detail = reverse("ledger:project-detail", args=[project.pk])
    history = reverse("audit:history", args=["project", project.pk])
    report_history = reverse("audit:history", args=["report", matrix.draft["A"].pk])
    for who, sees_contact in (("office", True), ("alice", True), ("carol", True),
                              ("dave", True), ("victor", False)):
        client = _client(matrix, who)
        page = client.get(detail).content.decode()
        assert (phone in page) == sees_contact, who
        assert (contact_name in page) == sees_contact, who
        sheet = client.get(reverse("ledger:export"), {"period": "2022-07"}).content
        ws = openpyxl.load_workbook(io.BytesIO(sheet)).active
        cells = {str(c.value) for row in ws.iter_rows() for c in row}
        assert (phone in cells) == sees_contact, who
    office_name = "刘晓燕"  # the office user's real name (conftest.PEOPLE_NAMES)
    for url in (history, report_history, detail):
        assert office_name in _client(matrix, "office").get(url).content.decode()
        for who in ("victor", "alice", "carol"):
            page = _client(matrix, who).get(url).content.decode()
            assert office_name not in page, (who, url)
    page = _client(matrix, "victor").get(history).content.decode()
    assert "项目办管理员" in page  # the role instead of the name
