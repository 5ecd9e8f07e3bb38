"""What every published key-project list needs (issue 9 §6), one rule at a time, on small
sheets: 建设性质 as nature or stage, —— sub-sections and a 合计 above the data, lists without
owner or code, several leaders and padded names, 层次 / 是否开工 / 开工时间 / 审批监管平台代码 /
累计完成投资, columns left out, and changes to approved reports."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from taizhang.accounts.models import Organization, Person
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import Nature, Stage
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.importing.parse import UnclearLeaders, parse_leaders
from taizhang.ledger.models import KeyListMembership, MonthlyReport, Project
from taizhang.ledger.services.reports import approve_report, save_report, submit_report
from taizhang.ledger.tests.sheets_factory import Grid, ledger_grid, to_xlsx

JULY = Period(2022, 7)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(world, grid: Grid, **options):
    return import_ledger(to_xlsx(grid), "list.xlsx", actor=world.office, period=JULY, **options)


# ------------------------------------------------------------------ 建设性质


@pytest.mark.parametrize(("word", "nature", "stage"), [
    ("新建", Nature.NEW, Stage.PLANNING),
    ("续建", Nature.NEW, Stage.UNDER_CONSTRUCTION),
    ("新开工", Nature.NEW, Stage.UNDER_CONSTRUCTION),
    ("竣工", Nature.NEW, Stage.COMPLETED),
    ("扩建", Nature.EXPANSION, Stage.PLANNING),
])
def test_key_list_nature_words_set_the_nature_or_the_stage(world, word, nature, stage):
    grid = ledger_grid([{"项目名称": "城区供热管网改造", "建设单位": "迁安热力有限公司",
                         "总投资": "1000", "建设性质": word}],
                       labels=["项目名称", "建设单位", "总投资", "建设性质"], total=False)
    result = run(world, grid)
    assert result.errors == []
    project = Project.objects.get(name="城区供热管网改造")
    assert (project.nature, project.stage) == (nature, stage)


def test_a_stage_column_wins_over_what_the_nature_column_implies(world):
    grid = ledger_grid([{"项目名称": "城区供热管网改造", "建设单位": "迁安热力有限公司",
                         "总投资": "1000", "建设性质": "续建", "建设阶段": "前期"}],
                       labels=["项目名称", "建设单位", "总投资", "建设性质", "建设阶段"],
                       total=False)
    assert run(world, grid).errors == []
    assert Project.objects.get(name="城区供热管网改造").stage == Stage.PRELIMINARY


def test_started_yes_puts_a_new_project_under_construction_and_no_beside_continuing_warns(world):
    labels = ["项目名称", "建设单位", "总投资", "建设性质", "是否开工"]
    grid = ledger_grid([
        {"项目名称": "甲项目", "建设单位": "甲公司", "总投资": "10", "建设性质": "新建",
         "是否开工": "是"},
        {"项目名称": "乙项目", "建设单位": "乙公司", "总投资": "10", "建设性质": "续建",
         "是否开工": "否"},
    ], labels=labels, total=False)
    result = run(world, grid)
    assert result.errors == []
    assert Project.objects.get(name="甲项目").stage == Stage.UNDER_CONSTRUCTION
    assert any("是否开工" in w.reason and w.row == 4 for w in result.warnings)


# ------------------------------------------------------------------ rows that are not projects


def test_a_total_above_the_data_and_dash_sub_sections_with_counts_are_not_projects(world):
    labels = ["序号", "项目名称", "建设规模及内容", "总投资", "项目业主", "责任单位"]
    rows = [
        ["附件1"] + [None] * 5, labels,
        [None, "合计", "3", "600", None, None, None, "600", "0", "#REF!"],
        [None, "一、基础设施", "3", "600", None, None],
        [None, "——铁路", "2", "300", None, None],
        [1, "甲铁路", "新建铁路", "100", "甲公司", "迁安市发改局", "前期", "铁路"],
        [2, "乙铁路", "新建铁路", "200", "乙公司", "迁安市发改局", "前期", "铁路"],
        [None, "——航空", "1", "300", None, None],
        [1, "丙机场", "通用机场", "300", "待定", "迁安市发改局", "前期", "航空"],
    ]
    result = run(world, Grid("Sheet1", rows))
    assert result.errors == []
    assert result.totals.projects == 3
    assert result.totals.sums["planned_total"] == Decimal("600")
    assert not Project.objects.filter(name__contains="—").exists()
    assert not Project.objects.filter(name__in=["合计", "一、基础设施"]).exists()
    # The unlabelled helper columns are named as left out; 待定 is no organization.
    left_out = {w.column_letter for w in result.warnings if w.row is None}
    assert {"G", "H", "I"} <= left_out
    assert not Organization.objects.filter(name="待定").exists()
    assert Project.objects.get(name="丙机场").owner is None


@pytest.mark.parametrize(("cell", "value", "column"), [
    ((4, 3), "301", "总投资"),  # the ——铁路 subtotal
    ((4, 2), "3", ""),  # the ——铁路 count, in the 建设规模及内容 column
    ((2, 3), "601", "总投资"),  # the 一、基础设施 subtotal
])
def test_section_subtotals_and_counts_are_checked(world, cell, value, column):
    labels = ["序号", "项目名称", "建设规模及内容", "总投资", "项目业主"]
    rows = [
        labels,
        [None, "合计", "3", "600", None],
        [None, "一、基础设施", "3", "600", None],
        [None, "（一）交通", "3", "600", None],
        [None, "——铁路", "2", "300", None],
        [1, "甲铁路", "新建铁路", "100", "甲公司"],
        [2, "乙铁路", "新建铁路", "200", "乙公司"],
        [None, "——航空", "1", "300", None],
        [1, "丙机场", "通用机场", "300", "丙公司"],
    ]
    assert run(world, Grid("Sheet1", rows), dry_run=True).errors == []
    row, col = cell
    rows[row][col] = value
    result = run(world, Grid("Sheet1", rows), dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [(row + 1, column)]


def test_a_total_above_the_data_is_still_checked(world):
    labels = ["序号", "项目名称", "总投资", "项目业主"]
    rows = [labels, [None, "合计", "999", None], [1, "甲项目", "100", "甲公司"]]
    result = run(world, Grid("Sheet1", rows))
    assert [e.row for e in result.errors] == [2]


# ------------------------------------------------------------------ no owner, no code


LIST = ["序号", "项目名称", "责任单位", "总投资"]


def test_without_owner_and_code_a_project_is_found_again_by_name_and_unit(world):
    grid = ledger_grid([{"项目名称": "东城路网", "责任单位": "五堰街办", "总投资": "100"},
                        {"项目名称": "东城路网", "责任单位": "二堰街办", "总投资": "200"}],
                       labels=LIST, total=False)
    assert run(world, grid).errors == []
    assert Project.objects.filter(name="东城路网", owner__isnull=True).count() == 2

    again = ledger_grid([{"项目名称": "东城路网", "责任单位": "五堰街办", "总投资": "150"},
                         {"项目名称": "东城路网", "责任单位": "二堰街办", "总投资": "200"}],
                        labels=LIST, total=False)
    result = run(world, again)
    assert (result.errors, result.created, result.updated, result.unchanged) == ([], 0, 1, 1)
    assert Project.objects.get(responsible_unit__name="五堰街办").planned_total == 150


def test_the_same_name_without_a_unit_to_tell_them_apart_is_an_error(world):
    grid = ledger_grid([{"项目名称": "东城路网", "责任单位": "五堰街办", "总投资": "100"},
                        {"项目名称": "东城路网", "责任单位": "二堰街办", "总投资": "200"}],
                       labels=LIST, total=False)
    run(world, grid)
    again = ledger_grid([{"项目名称": "东城路网", "总投资": "100"}],
                        labels=["序号", "项目名称", "总投资"], total=False)
    result = run(world, again, dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [(3, "项目名称")]


@pytest.mark.parametrize("placeholder", ["待定", "未定", "暂无", "/"])
def test_placeholders_never_become_organizations(world, placeholder):
    grid = ledger_grid([{"项目名称": "通用机场", "建设单位": placeholder, "责任单位": placeholder,
                         "总投资": "100"}],
                       labels=["项目名称", "建设单位", "责任单位", "总投资"], total=False)
    assert run(world, grid).errors == []
    project = Project.objects.get(name="通用机场")
    assert (project.owner, project.responsible_unit) == (None, None)
    assert not Organization.objects.filter(name=placeholder).exists()


def test_two_owners_in_one_cell_keep_the_first_and_say_so(world):
    grid = ledger_grid([{"项目名称": "桂江运力提升", "建设单位": "港航管理局、市交通运输局",
                         "总投资": "100"}], labels=["项目名称", "建设单位", "总投资"], total=False)
    result = run(world, grid)
    assert Project.objects.get(name="桂江运力提升").owner.name == "港航管理局"
    assert any("市交通运输局" in w.reason for w in result.warnings)


# ------------------------------------------------------------------ leaders


@pytest.mark.parametrize(("cell", "names"), [
    ("任  远", ["任远"]),
    ("童\xa0\xa0\xa0华", ["童华"]),
    ("张捍声\n许  波", ["张捍声", "许波"]),
    ("张捍声       黄朝军", ["张捍声", "黄朝军"]),
    ("张捍声    \n明怀宇", ["张捍声", "明怀宇"]),
    ("王建国、李  斌", ["王建国", "李斌"]),
    ("王建国 副市长", ["王建国"]),
    ("王建国 市委常委", ["王建国"]),
    ("王建国 郑长", ["王建国", "郑长"]),
    ("严立新（市委常委、宣传部部长）", ["严立新"]),
])
def test_several_leaders_and_padded_names_are_read(cell, names):
    assert [name for name, _title in parse_leaders(cell)] == names


@pytest.mark.parametrize("cell", ["任 远 王 雯", "王 建 国 李", "王建国先生同志"])
def test_a_leader_cell_read_two_ways_is_not_guessed(cell):
    with pytest.raises(UnclearLeaders):
        parse_leaders(cell)


def test_an_unclear_leader_cell_is_an_error_naming_the_cell(world):
    grid = ledger_grid([{"项目名称": "甲项目", "建设单位": "甲公司", "总投资": "10",
                         "包联领导": "任 远 王 雯"}],
                       labels=["项目名称", "建设单位", "总投资", "包联领导"], total=False)
    result = run(world, grid, dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [(3, "包联领导")]


def test_the_other_leaders_are_named_in_the_preview(world):
    grid = ledger_grid([{"项目名称": "甲项目", "建设单位": "甲公司", "总投资": "10",
                         "包联领导": "张捍声\n许  波"}],
                       labels=["项目名称", "建设单位", "总投资", "包联领导"], total=False)
    result = run(world, grid)
    assert result.errors == []
    assert Person.objects.filter(name="张捍声").exists()
    assert not Person.objects.filter(name__contains=" ").exists()
    assert any("许波" in w.reason for w in result.warnings)


# ------------------------------------------------------------------ columns read, not dropped


def test_level_start_date_platform_code_and_since_start_are_read(world):
    labels = ["项目名称", "审批监管平台代码", "项目业主", "层次", "总投资",
              "累计\n完成  投资", "是否开工", "开工时间\n20XX.0X"]
    grid = ledger_grid([{"项目名称": "罗泊河水库", "审批监管平台代码": "2020-530100-76-01-051460",
                         "项目业主": "滇池投资", "层次": "省重点", "总投资": "288714",
                         "累计\n完成  投资": "35000", "是否开工": "是",
                         "开工时间\n20XX.0X": "2022.04"}], labels=labels, total=False)
    result = run(world, grid)
    assert result.errors == []
    assert not [w for w in result.warnings if w.row is None]  # every column was imported
    project = Project.objects.get(name="罗泊河水库")
    assert project.code == "2020-530100-76-01-051460"
    assert (project.actual_start.year, project.actual_start.month) == (2022, 4)
    assert project.completed_before == Decimal("35000")
    assert project.stage == Stage.UNDER_CONSTRUCTION
    membership = KeyListMembership.objects.get(project=project)
    assert (membership.key_list.level, membership.key_list.year) == ("province", 2022)


def test_columns_left_out_are_in_the_commands_normal_output(world, tmp_path):
    grid = ledger_grid([{"项目名称": "甲项目", "建设单位": "甲公司", "总投资": "10",
                         "手续代办单位": "区发改局"}],
                       labels=["项目名称", "建设单位", "总投资", "手续代办单位"], total=False)
    path = tmp_path / "list.xlsx"
    path.write_bytes(to_xlsx(grid))
    out = StringIO()
    call_command("import-ledger", str(path), "--period", "2022-07", "--dry-run", stdout=out)
    assert "手续代办单位" in out.getvalue()


# ------------------------------------------------------------------ approved reports


def test_a_change_to_an_approved_report_is_shown_with_its_approver_and_needs_confirming(
        world, tmp_path):
    alice = world.alice_project
    report = save_report(alice, JULY, actor=world.office, data={"completed": Decimal("100")},
                         expected_version=UNCHECKED)
    approve_report(submit_report(report, actor=world.office,
                                 expected_version=UNCHECKED), actor=world.office,
                   expected_version=UNCHECKED)
    grid = ledger_grid([{"项目名称": alice.name, "建设单位": alice.owner.name,
                         "本月完成投资": "250"}],
                       labels=["项目名称", "建设单位", "本月完成投资"], total=False)

    preview = run(world, grid, dry_run=True)
    (change,) = preview.approved_changes
    assert (change.row, change.period, change.approved_by) == (3, "2022-07", "office")

    refused = run(world, grid)
    assert not refused.applied and [e.row for e in refused.errors] == [3]
    assert MonthlyReport.objects.get(project=alice, period=JULY.first_day).completed == 100

    path = tmp_path / "list.xlsx"
    path.write_bytes(to_xlsx(grid))
    with pytest.raises(CommandError):
        call_command("import-ledger", str(path), "--period", "2022-07", stdout=StringIO(),
                     stderr=StringIO())
    out = StringIO()
    call_command("import-ledger", str(path), "--period", "2022-07",
                 "--confirm-approved-changes", stdout=out)
    assert "office" in out.getvalue()
    assert MonthlyReport.objects.get(project=alice, period=JULY.first_day).completed == 250
