"""Importing ledger sheets: messy files of every kind, upserts, dry runs, rejected sheets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from taizhang.accounts.choices import DivisionLevel, OrganizationKind
from taizhang.accounts.models import Division, Organization, Person
from taizhang.core.audit.history import narrowed
from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import ListKind, ListLevel, MembershipStatus, ReportStatus, Stage
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.models import (
    AnnualPlan,
    KeyList,
    KeyListMembership,
    MonthlyReport,
    Project,
    ReportPhoto,
    StageChange,
)
from taizhang.ledger.services.projects import change_stage
from taizhang.ledger.services.reports import approve_report, save_report, submit_report
from taizhang.ledger.tests.sheets_factory import (
    MESSY_NEW_OWNERS,
    MESSY_NEW_UNITS,
    MESSY_PROJECTS,
    MESSY_TOTALS,
    ledger_grid,
    messy_ledger,
    to_csv,
    to_xls,
    to_xlsx,
)
from taizhang.stats.service import compute

JULY = Period(2022, 7)
TRACKED = (Project, AnnualPlan, MonthlyReport, ReportPhoto, StageChange, KeyList,
           KeyListMembership, AuditEvent, Organization, Person, Division)

FORMATS = {
    "xlsx": lambda grid: (to_xlsx(grid), "台账.xlsx"),
    "xls": lambda grid: (to_xls(grid), "台账.xls"),
    "csv-utf8": lambda grid: (to_csv(grid, "utf-8-sig"), "台账.csv"),
    "csv-gbk": lambda grid: (to_csv(grid, "gbk"), "台账.csv"),
}


@pytest.fixture(autouse=True)
def _english():
    """Reasons are translated; the assertions read the English source text."""
    with translation.override("en"):
        yield


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TRACKED}


def stats_of(ids: list[int], period: Period = JULY) -> dict:
    return compute(Project.objects.filter(pk__in=ids), period).as_dict()


def approved_months(project: Project, office, amounts: dict[int, str], year: int = 2022) -> None:
    """Approved monthly reports through the real workflow (owner saves, office approves)."""
    for month, amount in amounts.items():
        report = save_report(project, Period(year, month), actor=office,
                             data={"completed": Decimal(amount)}, expected_version=UNCHECKED)
        approve_report(submit_report(report, actor=office,
                                     expected_version=UNCHECKED), actor=office,
                       expected_version=UNCHECKED)


# ------------------------------------------------------------------ messy sheets of every kind


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_messy_sheet_imports_and_stats_equal_the_sheet(world, fmt):
    data, filename = FORMATS[fmt](messy_ledger())
    result = import_ledger(data, filename, actor=world.office)

    assert result.errors == []
    assert result.applied and result.period == JULY  # read from "（2022年1-7月）"
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert stats_of(result.project_ids) | MESSY_TOTALS == stats_of(result.project_ids)
    sums = result.totals.sums
    assert sums["planned_total"] == Decimal(MESSY_TOTALS["planned_total_wan"])
    assert sums["ytd"] == Decimal(MESSY_TOTALS["ytd_completed_wan"])
    assert result.totals.sheets[0].total_row == 13
    assert result.totals.sheets[0].total_row_values["annual_plan"] == Decimal("29200.00")

    for name, expected in MESSY_PROJECTS.items():
        project = Project.objects.select_related("owner", "leader", "responsible_unit",
                                                 "division").get(name=name)
        assert project.code == expected["code"]
        assert project.owner.name == expected["owner"]
        assert project.planned_total == expected["planned_total"]
        for field in ("planned_start", "actual_start", "planned_completion", "nature", "stage",
                      "industry", "project_type", "contact_name", "contact_phone"):
            assert getattr(project, field) == expected[field], (name, field)
        assert project.division.name == expected["township"]
        if expected["leader"]:
            assert (project.leader.name, project.leader.title) == expected["leader"]
        assert project.responsible_unit.name == expected["unit"]
        assert AnnualPlan.objects.get(project=project, year=2022).planned_investment == (
            expected["annual_plan"])
        month = MonthlyReport.objects.get(project=project, period=JULY.first_day)
        assert (month.completed, month.status, month.reviewed_by) == (
            expected["month"], ReportStatus.APPROVED, world.office)
        lump = MonthlyReport.objects.filter(project=project, period=date(2022, 6, 1)).first()
        rest = expected["ytd"] - expected["month"]
        if rest:
            assert (lump.completed, lump.covers_from, lump.status) == (
                rest, date(2022, 1, 1), ReportStatus.APPROVED)
        else:
            assert lump is None

    heating = Project.objects.get(code="2021-130283-30-03-012345")
    report = MonthlyReport.objects.get(project=heating, period=JULY.first_day)
    assert report.image_progress == "管网铺设完成60%"
    assert report.problems == "资金缺口较大"
    assert heating.scale_content == "改造管网56公里\n新建换热站12座"
    assert heating.completed_before == Decimal("4000.00")  # 5850.5 since start − 1850.5 YTD

    for owner in MESSY_NEW_OWNERS:
        assert Organization.objects.get(name=owner).kind == OrganizationKind.ENTERPRISE
    for unit, kind in MESSY_NEW_UNITS.items():
        assert Organization.objects.get(name=unit).kind == kind
    assert set(result.new_owners) == MESSY_NEW_OWNERS
    assert Person.objects.filter(name="王建国").count() == 1  # existing leader reused
    assert Person.objects.get(name="李明").title == "副市长"
    # One event per project, carrying its reports' values.
    events = AuditEvent.objects.filter(action="project.imported", source="import",
                                       actor=world.office)
    assert sorted(events.values_list("object_repr", flat=True)) == sorted(MESSY_PROJECTS)
    assert sum(key.startswith("ledger.monthlyreport:")
               for event in events for key in event.changes) == 7


def test_sheet_with_only_year_to_date(world):
    data = to_xlsx(messy_ledger(month_column=False))
    result = import_ledger(data, "ytd.xlsx", actor=world.office)
    assert result.errors == []
    assert stats_of(result.project_ids) | MESSY_TOTALS == stats_of(result.project_ids)
    heating = Project.objects.get(code="2021-130283-30-03-012345")
    (report,) = MonthlyReport.objects.filter(project=heating)
    assert (report.period, report.covers_from, report.completed) == (
        JULY.first_day, date(2022, 1, 1), Decimal("1850.50"))
    # Nothing was reported for 首钢智新 (YTD 0): no empty report is invented.
    assert not MonthlyReport.objects.filter(project__name="首钢智新高性能取向硅钢").exists()


def _alice_row(**cells):
    return {"项目名称": "燕山钢铁冷轧板带升级改造", "建设单位": "燕山钢铁有限公司", **cells}


def test_year_to_date_checked_against_months_already_reported(world):
    approved_months(world.alice_project, world.office, {m: "100" for m in range(1, 7)})

    bad = ledger_grid([_alice_row(**{"1-7月累计完成投资": "800", "本月完成投资": "100"})])
    result = import_ledger(to_xlsx(bad), "a.xlsx", actor=world.office)
    (error,) = result.errors
    assert (error.row, error.column, error.column_letter, error.value) == (
        3, "1-7月累计完成投资", "I", "800")
    assert "600" in error.reason and not result.applied

    good = ledger_grid([_alice_row(**{"1-7月累计完成投资": "700", "本月完成投资": "150.5",
                                      "开工至今累计": "1000"})],
                       labels=[*ledger_grid([]).rows[1], "开工至今累计"])
    assert import_ledger(to_xlsx(good), "a.xlsx", actor=world.office).errors  # 600+150.5≠700

    good = ledger_grid([_alice_row(**{"1-7月累计完成投资": "750", "开工至今累计": "1000"})],
                       labels=["项目名称", "建设单位", "1-7月累计完成投资", "开工至今累计"])
    result = import_ledger(to_xlsx(good), "a.xlsx", actor=world.office)
    assert result.errors == [] and result.updated == 1
    july = MonthlyReport.objects.get(project=world.alice_project, period=JULY.first_day)
    assert (july.completed, july.covers_from) == (Decimal("150.00"), None)  # 750 − 600
    world.alice_project.refresh_from_db()
    assert world.alice_project.completed_before == Decimal("250.00")  # 1000 − 750
    stats = stats_of([world.alice_project.pk])
    assert (stats["ytd_completed_wan"], stats["since_start_completed_wan"]) == (
        "750.00", "1000.00")


def test_reimport_updates_by_code_and_by_name_and_owner(world):
    first = ledger_grid([
        {"项目代码": "2022-130283-07-01-000001", "项目名称": "迁安高端装备产业园",
         "建设单位": "迁安装备制造有限公司", "所属区域": "迁安镇", "总投资（万元）": "30000",
         "年度计划投资": "6000", "1-7月累计完成投资": "1200", "本月完成投资": "200",
         "建设阶段": "前期", "建设地点": "经济开发区"},
        {"项目名称": "迁安文旅综合体", "建设单位": "迁安文旅集团有限公司", "所属区域": "夏官营镇",
         "总投资（万元）": "15000", "年度计划投资": "2000", "1-7月累计完成投资": "0",
         "本月完成投资": "0", "建设阶段": "谋划"},
    ])
    assert import_ledger(to_xlsx(first), "v1.xlsx", actor=world.office).created == 2
    park = Project.objects.get(code="2022-130283-07-01-000001")
    tourism = Project.objects.get(name="迁安文旅综合体")

    changed = ledger_grid([
        {"项目代码": "2022-130283-07-01-000001", "项目名称": "迁安高端装备制造产业园",
         "建设单位": "迁安装备制造有限公司", "所属区域": "迁安镇", "总投资（万元）": "32,000",
         "年度计划投资": "6000", "1-7月累计完成投资": "1200", "本月完成投资": "200",
         "建设阶段": "在建", "建设地点": "经济开发区"},
        {"项目名称": "迁安文旅综合体", "建设单位": "迁安文旅集团有限公司", "所属区域": "夏官营镇",
         "总投资（万元）": "15000", "年度计划投资": "2500", "1-7月累计完成投资": "0",
         "本月完成投资": "0", "建设阶段": "谋划", "建设地点": "滦河东岸"},
        _alice_row(**{"总投资（万元）": "52000"}),
    ])
    before = counts()
    preview = import_ledger(to_xlsx(changed), "v2.xlsx", actor=world.office, dry_run=True)
    assert preview.errors == [] and not preview.applied
    assert (preview.created, preview.updated, preview.unchanged) == (0, 3, 0)
    assert counts() == before
    by_name = {c.name: c for c in preview.changes}
    park_change = by_name["迁安高端装备制造产业园"]
    fields = {f.field: (f.before, f.after) for f in park_change.fields}
    assert fields["name"] == ("迁安高端装备产业园", "迁安高端装备制造产业园")
    assert fields["planned_total"] == ("30000.00", "32000.00")
    assert fields["stage"][1] == str(Stage.UNDER_CONSTRUCTION.label)
    tourism_change = by_name["迁安文旅综合体"]
    assert {f.field: (f.before, f.after) for f in tourism_change.fields} == {
        "address": (None, "滦河东岸")}
    assert [(f.field, f.before, f.after) for f in tourism_change.figures] == [
        ("plan:2022", "2000.00", "2500.00")]
    assert {f.field for f in by_name["燕山钢铁冷轧板带升级改造"].fields} == {"planned_total"}

    result = import_ledger(to_xlsx(changed), "v2.xlsx", actor=world.office,
                           expect_digest=preview.digest)
    assert result.applied and result.updated == 3
    park.refresh_from_db()
    tourism.refresh_from_db()
    assert (park.name, park.planned_total, park.stage, park.version) == (
        "迁安高端装备制造产业园", Decimal("32000.00"), Stage.UNDER_CONSTRUCTION, 2)
    assert park.actual_start == JULY.last_day  # the stage move dates the start
    assert StageChange.objects.filter(project=park, to_stage=Stage.UNDER_CONSTRUCTION).exists()
    assert tourism.address == "滦河东岸"
    event = AuditEvent.objects.for_object(park).filter(action="project.imported").first()
    assert event.source == "import" and event.actor == world.office
    assert event.changes["planned_total"] == ["30000.00", "32000.00"]
    assert event.changes["stage"][1] == Stage.UNDER_CONSTRUCTION
    plan = AnnualPlan.objects.get(project=tourism, year=2022)
    plan_event = narrowed(AuditEvent.objects.about(plan), plan)[0]  # the newest
    assert plan_event.changes == {"planned_investment": ["2000.00", "2500.00"]}
    assert plan_event.object_id == str(tourism.pk)  # the project's one event

    again = import_ledger(to_xlsx(changed), "v2.xlsx", actor=world.office, dry_run=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_stale_preview_is_refused(world):
    grid = ledger_grid([_alice_row(**{"总投资（万元）": "52000"})])
    preview = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office, dry_run=True)
    grid2 = ledger_grid([_alice_row(**{"总投资（万元）": "53000"})])
    result = import_ledger(to_xlsx(grid2), "a.xlsx", actor=world.office,
                           expect_digest=preview.digest)
    assert result.errors and not result.applied
    world.alice_project.refresh_from_db()
    assert world.alice_project.planned_total == Decimal("50000.00")


def test_dry_run_writes_nothing(world):
    before = counts()
    result = import_ledger(to_xlsx(messy_ledger()), "a.xlsx", actor=world.office, dry_run=True)
    assert result.errors == [] and result.dry_run and not result.applied
    assert result.created == 4 and len(result.changes) == 4
    assert set(result.new_owners) == MESSY_NEW_OWNERS
    assert "李明（副市长）" in result.new_leaders
    assert counts() == before


# ------------------------------------------------------------------ rejected sheets


def test_sheet_with_bad_cells_is_rejected_whole(world):
    good = {"项目代码": "2022-130283-07-01-000002", "项目名称": "好项目", "建设单位": "好公司",
            "所属区域": "迁安镇", "总投资（万元）": "1000", "年度计划投资": "100",
            "1-7月累计完成投资": "10", "本月完成投资": "5"}
    rows = [
        good,
        {**good, "项目代码": "2022-130283-07-01-000003", "项目名称": "文字总投资",
         "总投资（万元）": "约一千万"},
        {**good, "项目代码": "2022-130283-07-01-000004", "项目名称": "坏日期",
         "计划开工时间": "2022.13"},
        {**good, "项目代码": "2022-130283-07-01-000005", "项目名称": "负数",
         "年度计划投资": "-100"},
        {**good, "项目代码": "2022-130283-07-01-000006", "项目名称": "未知乡镇",
         "所属区域": "不存在镇"},
        {**good, "项目名称": "好项目（重复）"},  # the same code again
    ]
    grid = ledger_grid(rows, total={"1-7月累计完成投资": "99"})
    before = counts()
    result = import_ledger(to_xlsx(grid), "bad.xlsx", actor=world.office)
    assert not result.applied
    found = {(e.row, e.column, e.column_letter, e.value) for e in result.errors}
    assert found == {
        (4, "总投资（万元）", "G", "约一千万"),
        (5, "计划开工时间", "L", "2022.13"),
        (6, "年度计划投资", "H", "-100"),
        (7, "所属区域", "E", "不存在镇"),
        (8, "项目名称", "C", "好项目（重复）"),
        (9, "1-7月累计完成投资", "I", "99"),
    }
    assert all(e.sheet == "台账" and e.reason for e in result.errors)
    reasons = {e.row: e.reason for e in result.errors}
    assert "row 3" in reasons[8] and "60.00" in reasons[9] and "99.00" in reasons[9]
    assert str(result.errors[0]).startswith("台账!G4 (column 总投资（万元）) value '约一千万': ")
    assert counts() == before
    assert not Project.objects.filter(name="好项目").exists()


def test_only_an_office_user_may_import(world):
    data = to_xlsx(messy_ledger())
    for user in (world.alice, world.carol, world.dave):
        with pytest.raises(PermissionDenied):
            import_ledger(data, "a.xlsx", actor=user, dry_run=True)


def test_projects_of_another_division_are_refused(world):
    other = Division.objects.create(code="130281", name="遵化市", level=DivisionLevel.COUNTY,
                                    parent=world.county.parent)
    foreign = Project.objects.create(
        code="2022-130281-07-01-000009", name="遵化项目", owner=world.bob_org, division=other,
        planned_total=Decimal("100"))
    grid = ledger_grid([{"项目代码": foreign.code, "项目名称": "遵化项目",
                         "建设单位": "迁钢新材有限公司", "总投资（万元）": "200"}], total=False)
    result = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office)
    (error,) = result.errors
    # Refused without naming the other division: its projects are none of this office's business.
    assert (error.row, error.column) == (3, "项目代码") and "遵化市" not in error.reason
    foreign.refresh_from_db()
    assert foreign.planned_total == Decimal("100.00")


def test_period_must_be_known_and_agree(world):
    grid = ledger_grid([_alice_row()], title="重点项目台账",
                       labels=["项目名称", "建设单位", "本月完成投资"], total=False)
    result = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office)
    assert result.period is None and len(result.errors) == 1
    result = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office, period=JULY)
    assert result.errors == [] and result.period == JULY

    july_sheet = ledger_grid([_alice_row()], total=False)  # "2022年1-7月" in the title
    result = import_ledger(to_xlsx(july_sheet), "a.xlsx", actor=world.office,
                           period=Period(2022, 8))
    assert len(result.errors) == 1 and "2022-07" in result.errors[0].reason


def test_stage_moves_follow_the_rules(world):
    change_stage(world.bob_project, Stage.CANCELLED, actor=world.office,
                 effective_date=date(2022, 5, 1), reason="企业撤资", expected_version=UNCHECKED)
    grid = ledger_grid([{"项目名称": "迁钢新材硅钢二期", "建设单位": "迁钢新材有限公司",
                         "建设阶段": "在建"}], total=False)
    (error,) = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office).errors
    assert error.column == "建设阶段"


def test_levels_enlist_projects_on_the_year_lists(world):
    grid = ledger_grid([_alice_row(**{"项目级别": "省重点、市重点"})],
                       labels=["项目名称", "建设单位", "项目级别"], total=False)
    result = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office, period=JULY)
    assert result.errors == [] and result.updated == 1
    lists = {(m.key_list.level, m.key_list.kind, m.key_list.year, m.status)
             for m in KeyListMembership.objects.filter(project=world.alice_project)}
    assert lists == {
        (ListLevel.PROVINCE, ListKind.KEY, 2022, MembershipStatus.APPROVED),
        (ListLevel.PREFECTURE, ListKind.KEY, 2022, MembershipStatus.APPROVED),
    }
    again = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office, period=JULY)
    assert again.unchanged == 1
    bad = ledger_grid([_alice_row(**{"项目级别": "国家重点"})],
                      labels=["项目名称", "建设单位", "项目级别"], total=False)
    assert import_ledger(to_xlsx(bad), "a.xlsx", actor=world.office, period=JULY).errors


def _many(n: int) -> bytes:
    rows = [
        {"项目代码": f"2022-130283-07-01-{i:06d}", "项目名称": f"批量项目{i}",
         "建设单位": f"批量公司{i % 7}", "所属区域": ("迁安镇", "夏官营镇")[i % 2],
         "总投资（万元）": "1000", "年度计划投资": "100", "1-7月累计完成投资": "30",
         "本月完成投资": "10", "建设阶段": "在建", "计划开工时间": "2022.3"}
        for i in range(1, n + 1)
    ]
    return to_xlsx(ledger_grid(rows))


def test_queries_do_not_grow_with_rows(world):
    """No N+1: importing 40 rows costs the same number of queries as importing 5."""

    def queries(data: bytes, dry_run: bool) -> int:
        with CaptureQueriesContext(connection) as ctx:
            result = import_ledger(data, "many.xlsx", actor=world.office, dry_run=dry_run)
        assert result.errors == []
        return len(ctx.captured_queries)

    small, large = _many(5), _many(60)
    assert queries(small, True) == queries(large, True)  # nothing matched yet
    creates_small = queries(small, False)  # 5 new projects
    creates_large = queries(large, False)  # 55 more: only the bulk INSERT batches grow
    assert creates_large < creates_small + 10
    assert queries(small, True) == queries(large, True)  # every row matched now


def test_a_code_cannot_be_given_to_two_projects(world):
    code = "2022-130283-07-01-000042"
    grid = ledger_grid([
        _alice_row(**{"项目代码": code}),  # the existing project gets its code
        {"项目代码": code, "项目名称": "另一个项目", "建设单位": "别的公司",
         "总投资（万元）": "10"},
    ], total=False)
    (error,) = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office, period=JULY).errors
    assert (error.row, error.value) == (4, "另一个项目") and "row 3" in error.reason


def test_a_leader_title_with_a_list_mark_round_trips(world):
    """The exporter writes 严立新（市委常委、宣传部部长）; the 、 inside the brackets is part of the
    title, not a second leader."""
    import io

    from taizhang.ledger.exporting import write_ledger_xlsx

    senior = Person.objects.create(name="严立新", title="市委常委、宣传部部长")
    Project.objects.filter(pk=world.alice_project.pk).update(leader=senior)
    out = io.BytesIO()
    write_ledger_xlsx(Project.objects.all(), JULY, out)

    same = import_ledger(out.getvalue(), "export.xlsx", actor=world.office, dry_run=True)
    assert same.errors == [] and same.changes == []
    assert not [w for w in same.warnings if "leader" in w.reason]

    Project.objects.all().delete()
    Person.objects.filter(pk=senior.pk).delete()
    result = import_ledger(out.getvalue(), "export.xlsx", actor=world.office)
    assert result.applied and result.new_leaders == ["严立新（市委常委、宣传部部长）"]
    project = Project.objects.get(name=world.alice_project.name)
    assert (project.leader.name, project.leader.title) == ("严立新", "市委常委、宣传部部长")
