"""The standard monthly sheet: layout, formula safety, commands, and export → import round trips."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.utils import translation

from taizhang.core.audit.models import AuditEvent
from taizhang.core.money import wan
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import ListKind, ListLevel, Stage
from taizhang.ledger.exporting import annotated, row_values, write_ledger_xlsx
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.services.keylists import enlist, get_or_create_list
from taizhang.ledger.services.projects import change_stage, create_project, update_project
from taizhang.ledger.services.reports import approve_report, save_report, submit_report
from taizhang.ledger.tests.sheets_factory import ledger_grid, messy_ledger, to_xlsx
from taizhang.ledger.tests.test_import import counts
from taizhang.stats.service import compute

JULY = Period(2022, 7)
INJECTION = "=cmd|' /C calc'!A0"
CARRIED = ("code", "name", "nature", "address", "scale_content", "project_type", "industry",
           "stage", "planned_total", "planned_start", "actual_start", "planned_completion",
           "actual_completion", "contact_name", "contact_phone", "owner__name", "division__name",
           "leader__name", "leader__title", "responsible_unit__name")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _report(project, period, amount, office, *, approve=True, submit=True, **data):
    report = save_report(project, period, actor=office, data={"completed": Decimal(amount),
                                                               **data}, expected_version=UNCHECKED)
    if submit:
        report = submit_report(report, actor=office, expected_version=UNCHECKED)
    if approve:
        approve_report(report, actor=office, expected_version=UNCHECKED)


@pytest.fixture
def ledger(world):
    """The world plus an imported messy sheet, earlier years, lists, drafts and hostile text."""
    office = world.office
    assert import_ledger(to_xlsx(messy_ledger()), "messy.xlsx", actor=office).applied
    alice = world.alice_project
    for period in (Period(2021, 11), Period(2021, 12)):
        _report(alice, period, "100", office)
    for month in range(1, 8):
        _report(alice, Period(2022, month), "50.25", office,
                image_progress="主体封顶" if month == 7 else "",
                problems="用电指标不足\n需协调供电公司" if month == 7 else "")
    update_project(alice, actor=office, expected_version=UNCHECKED, changes={
        "completed_before": Decimal("300"), "address": "迁安市经济开发区", "contact_name": "赵六",
        "contact_phone": "13900000000", "planned_start": date(2022, 2, 1),
        "code": "2022-130283-07-01-000777"})
    for level, kind in ((ListLevel.COUNTY, ListKind.KEY), (ListLevel.PROVINCE, ListKind.PRESTAGE)):
        key_list = get_or_create_list(level, kind, 2022, actor=office)
        enlist(alice, key_list, actor=office, applied_on=date(2022, 1, 10),
               decided_on=date(2022, 2, 1))
    bob = world.bob_project
    _report(bob, Period(2022, 6), "80", office, approve=False)  # submitted, not approved
    _report(bob, JULY, "90", office, approve=False, submit=False)  # a draft
    hostile = create_project(
        actor=office, name=INJECTION, owner=world.bob_org, division=world.town,
        planned_total=Decimal("100"), address="+SUM(A1:A9)", scale_content="-2+3\n@HYPERLINK",
        contact_name="@张三")
    done = create_project(actor=office, name="迁安物流园一期", owner=world.alice_org,
                          division=world.other_town, planned_total=Decimal("9999.99"))
    change_stage(done, Stage.UNDER_CONSTRUCTION, actor=office, effective_date=date(2021, 4, 1),
                 expected_version=UNCHECKED)
    change_stage(done, Stage.COMPLETED, actor=office, effective_date=date(2022, 6, 30),
                 expected_version=UNCHECKED)
    _report(done, Period(2022, 3), "0.01", office)
    return world, hostile


def _export(projects=None, period=JULY) -> bytes:
    out = io.BytesIO()
    write_ledger_xlsx(projects if projects is not None else Project.objects.all(), period, out)
    return out.getvalue()


def _carried() -> dict[str, dict]:
    rows = {}
    for values in Project.objects.order_by("name").values("completed_before", *CARRIED):
        rows[values["name"]] = values
    return rows


def _sheet_rows() -> dict[str, dict]:
    return {p.name: {k: v for k, v in row_values(p, 0).items() if k != "seq"}
            for p in annotated(Project.objects.all(), JULY)}


def test_round_trip_into_the_same_ledger_changes_nothing(ledger):
    world, _hostile = ledger
    data = _export()
    stats_before = compute(Project.objects.all(), JULY).as_dict()
    carried_before, sheet_before = _carried(), _sheet_rows()
    versions = dict(Project.objects.values_list("pk", "version"))

    preview = import_ledger(data, "export.xlsx", actor=world.office, dry_run=True)
    assert preview.errors == []
    assert (preview.created, preview.updated, preview.unchanged) == (0, 0, 8)
    assert preview.changes == []

    before = counts()
    result = import_ledger(data, "export.xlsx", actor=world.office)
    assert result.applied and (result.created, result.updated) == (0, 0)
    after = counts()
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1  # only "ledger.imported"
    assert after == before
    assert compute(Project.objects.all(), JULY).as_dict() == stats_before
    assert _carried() == carried_before and _sheet_rows() == sheet_before
    assert dict(Project.objects.values_list("pk", "version")) == versions
    draft = MonthlyReport.objects.get(project=world.bob_project, period=JULY.first_day)
    assert (draft.status, draft.completed) == ("draft", Decimal("90.00"))  # left alone


def test_round_trip_into_an_empty_ledger_is_lossless(ledger):
    world, _hostile = ledger
    data = _export()
    stats_before = compute(Project.objects.all(), JULY)
    carried_before, sheet_before = _carried(), _sheet_rows()
    Project.objects.all().delete()  # reports, plans, memberships and stage moves go with them

    result = import_ledger(data, "export.xlsx", actor=world.office)
    assert result.errors == [] and result.created == 8
    stats_after = compute(Project.objects.all(), JULY)
    assert stats_after.total == stats_before.total
    assert stats_after.by_stage == stats_before.by_stage
    assert stats_after.batches == stats_before.batches
    assert stats_after.new_starts == stats_before.new_starts
    assert _sheet_rows() == sheet_before
    carried_after = _carried()
    for name, values in carried_before.items():
        values.pop("completed_before")  # re-derived: earlier-year reports fold into it
        assert {k: v for k, v in carried_after[name].items() if k != "completed_before"} == (
            values), name
    alice = Project.objects.get(name="燕山钢铁冷轧板带升级改造")
    # 300 opening + 200 reported in 2021 become the opening balance; 2022 Jan–Jun is a lump.
    assert alice.completed_before == Decimal("500.00")
    lump = MonthlyReport.objects.get(project=alice, period=date(2022, 6, 1))
    assert (lump.completed, lump.covers_from) == (Decimal("301.50"), date(2022, 1, 1))


def test_exported_sheet_layout_totals_and_formula_safety(ledger):
    world, hostile = ledger
    data = _export()
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws.freeze_panes == "D5"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:AG1", "A3:A4", "C3:C4", "M3:T3", "V3:Y3"} <= merged  # AF, AG: the lamp
    assert ws["A1"].value == "2022年1-7月重点项目台账"
    assert (ws["M3"].value, ws["M4"].value, ws["P4"].value) == (
        "投资情况（万元）", "总投资", "1-7月累计完成投资")
    assert (ws["Y4"].value, ws["AG2"].value) == ("实际竣工时间", "单位：万元")

    total_row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    assert total_row == 5 + Project.objects.count()
    stats = compute(Project.objects.all(), JULY)

    def cell(col):
        return wan(Decimal(str(ws[f"{col}{total_row}"].value)))

    assert cell("M") == stats.total.planned_total
    assert cell("O") == stats.total.annual_plan
    assert cell("P") == stats.total.ytd_completed
    assert cell("Q") == stats.total.month_completed
    months = [ws[f"Q{r}"].value for r in range(5, total_row)]
    assert cell("Q") == sum(wan(Decimal(str(m))) for m in months if m is not None)
    assert cell("S") == stats.total.since_start_completed
    assert ws[f"C{total_row}"].value == f"共{stats.total.projects}个项目"
    assert Decimal(str(ws[f"R{total_row}"].value)) == stats.completion_rate
    for col in "MNOPQS":
        assert ws[f"{col}5"].number_format == "#,##0.00"
        assert ws[f"{col}{total_row}"].number_format == "#,##0.00"
    assert ws["R5"].number_format == "0.0%" and ws["T5"].number_format == "0.0%"
    assert ws["V5"].number_format == "yyyy-mm-dd"

    row = next(r for r in range(5, total_row) if ws.cell(r, 3).value == INJECTION)
    for col in ("C", "G", "H", "AB"):
        assert ws[f"{col}{row}"].data_type == "s"
    assert ws[f"G{row}"].value == "+SUM(A1:A9)"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml

    # Imported back, the hostile text is plain text again.
    hostile.delete()
    assert import_ledger(data, "x.xlsx", actor=world.office).created == 1
    again = Project.objects.get(name=INJECTION)
    assert (again.address, again.scale_content, again.contact_name) == (
        "+SUM(A1:A9)", "-2+3\n@HYPERLINK", "@张三")


def test_export_of_a_filtered_list_totals_only_those(ledger):
    world, _ = ledger
    alice_only = Project.objects.filter(pk=world.alice_project.pk)
    ws = openpyxl.load_workbook(io.BytesIO(_export(alice_only))).active
    assert ws["C5"].value == "燕山钢铁冷轧板带升级改造" and ws["A6"].value == "合计"
    assert ws["L5"].value == "省重点前期、县重点"
    assert Decimal(str(ws["P6"].value)) == Decimal("351.75")  # 7 × 50.25


def test_january_sheet_round_trips(world):
    _report(world.alice_project, Period(2022, 1), "12.5", world.office, problems="冬季停工")
    january = Period(2022, 1)
    data = _export(period=january)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert (ws["A1"].value, ws["P4"].value) == ("2022年1月重点项目台账", "1月累计完成投资")
    result = import_ledger(data, "jan.xlsx", actor=world.office, dry_run=True)
    assert result.errors == [] and result.period == january
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def _versions() -> dict:
    return {
        "projects": dict(Project.objects.values_list("pk", "version")),
        "reports": dict(MonthlyReport.objects.values_list("pk", "version")),
        "lumps": dict(MonthlyReport.objects.values_list("pk", "covers_from")),
    }


def _reimport_changes_nothing(world, period: Period) -> None:
    projects = Project.objects.all()
    data = _export(projects, period)
    stats_before, versions = compute(projects, period).as_dict(), _versions()
    result = import_ledger(data, "export.xlsx", actor=world.office)
    assert result.errors == [] and result.period == period
    assert (result.created, result.updated) == (0, 0), result.changes
    assert compute(projects, period).as_dict() == stats_before
    assert _versions() == versions


def test_round_trip_keeps_a_lump_of_the_export_period(world):
    """Only "1-7月累计" was imported: July holds January–July.  It is no month figure."""
    grid = ledger_grid([{"项目名称": "燕山钢铁冷轧板带升级改造", "建设单位": "燕山钢铁有限公司",
                         "1-7月累计完成投资": "700"}],
                       labels=["项目名称", "建设单位", "1-7月累计完成投资"], total=False)
    assert import_ledger(to_xlsx(grid), "ytd.xlsx", actor=world.office).applied
    lump = MonthlyReport.objects.get(project=world.alice_project, period=JULY.first_day)
    assert (lump.completed, lump.covers_from) == (Decimal("700.00"), date(2022, 1, 1))

    ws = openpyxl.load_workbook(io.BytesIO(_export())).active
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 3).value == lump.project.name)
    assert (ws[f"P{row}"].value, ws[f"Q{row}"].value) == (700, None)  # no month figure
    assert compute(Project.objects.all(), JULY).total.month_completed == Decimal("0.00")

    _reimport_changes_nothing(world, JULY)
    lump.refresh_from_db()
    assert lump.covers_from == date(2022, 1, 1)


def test_round_trip_keeps_the_lump_before_the_month(world):
    """A YTD + month import leaves a January–June lump; the June sheet shows no month."""
    assert import_ledger(to_xlsx(messy_ledger()), "messy.xlsx", actor=world.office).applied
    june = Period(2022, 6)
    heating = Project.objects.get(code="2021-130283-30-03-012345")
    ws = openpyxl.load_workbook(io.BytesIO(_export(period=june))).active
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 3).value == heating.name)
    assert (ws[f"P{row}"].value, ws[f"Q{row}"].value) == (1630, None)
    total_row = ws.max_row
    assert ws[f"A{total_row}"].value == "合计" and ws[f"Q{total_row}"].value == 0

    _reimport_changes_nothing(world, june)
    lump = MonthlyReport.objects.get(project=heating, period=june.first_day)
    assert (lump.completed, lump.covers_from) == (Decimal("1630.00"), date(2022, 1, 1))
    _reimport_changes_nothing(world, JULY)


# ------------------------------------------------------------------ commands


def test_import_command_prints_every_error_and_exits_non_zero(world, tmp_path):
    rows = [{"项目代码": "2022-130283-07-01-000002", "项目名称": "好项目", "建设单位": "好公司",
             "总投资（万元）": "abc", "计划开工时间": "明年"}]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(to_xlsx(ledger_grid(rows, total=False)))
    err = io.StringIO()
    before = counts()
    with pytest.raises(CommandError) as raised:
        call_command("import-ledger", str(path), stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert any(line.startswith("台账!G3 (column 总投资（万元）) value 'abc': ") for line in lines)
    assert any(line.startswith("台账!L3 (column 计划开工时间) value '明年': ") for line in lines)
    assert counts() == before

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["taizhang", "import-ledger", str(path)]).execute()
    assert exited.value.code == 1


def test_import_command_dry_run_then_real(world, tmp_path):
    path = tmp_path / "messy.xlsx"
    path.write_bytes(to_xlsx(messy_ledger()))
    out = io.StringIO()
    before = counts()
    call_command("import-ledger", str(path), "--dry-run", stdout=out)
    assert "created 4, updated 0, unchanged 0" in out.getvalue()
    assert "226,500.00" in out.getvalue()
    assert counts() == before
    out = io.StringIO()
    call_command("import-ledger", str(path), "--period", "2022-07", stdout=out)
    assert Project.objects.count() == before["Project"] + 4
    assert AuditEvent.objects.filter(action="ledger.imported", actor=world.office).exists()
    with pytest.raises(CommandError):
        call_command("import-ledger", str(path), "--user", "alice", stdout=io.StringIO())


def test_export_command_with_list_filter(ledger, tmp_path):
    world, _ = ledger
    path = tmp_path / "county.xlsx"
    out = io.StringIO()
    call_command("export-ledger", "--period", "2022-07", "-o", str(path), "--list", "county",
                 stdout=out)
    ws = openpyxl.load_workbook(path).active
    names = [ws.cell(r, 3).value for r in range(5, ws.max_row + 1)]
    assert names == ["燕山钢铁冷轧板带升级改造", "共1个项目"]
    with pytest.raises(CommandError):
        call_command("export-ledger", "--period", "2022-13", "-o", str(path))
