"""Import rules from the code review: unapproved earlier months, stages of new projects, the
funding split, bad periods in titles, multi-month figures (lumps)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import Stage
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.models import MonthlyReport, Project, StageChange
from taizhang.ledger.services.projects import update_project
from taizhang.ledger.services.reports import approve_report, save_report, submit_report
from taizhang.ledger.tests.import_steps import upload
from taizhang.ledger.tests.sheets_factory import ledger_grid, to_xlsx
from taizhang.ledger.tests.test_import import approved_months, counts, stats_of

JULY = Period(2022, 7)
ALICE = {"项目名称": "燕山钢铁冷轧板带升级改造", "建设单位": "燕山钢铁有限公司"}
YTD_ONLY = ["项目名称", "建设单位", "1-7月累计完成投资"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# ------------------------------------------------------------------ 2. unapproved earlier months


def test_year_to_date_is_refused_while_an_earlier_month_awaits_review(world):
    alice = world.alice_project
    approved_months(alice, world.office, {m: "100" for m in range(1, 6)})
    june = submit_report(save_report(alice, Period(2022, 6), actor=world.office,
                                     data={"completed": Decimal("100")},
                                     expected_version=UNCHECKED), actor=world.office,
                         expected_version=UNCHECKED)

    before = counts()
    for labels, cells in ((YTD_ONLY, {"1-7月累计完成投资": "700"}),
                          ([*YTD_ONLY, "本月完成投资"],
                           {"1-7月累计完成投资": "700", "本月完成投资": "100"})):
        grid = ledger_grid([{**ALICE, **cells}], labels=labels, total=False)
        result = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office)
        (error,) = result.errors
        assert (error.row, error.column) == (3, "1-7月累计完成投资")
        assert "2022-06 is not approved yet" in error.reason
        assert not result.applied
    assert counts() == before

    # A month figure given alone does not depend on the earlier months: accepted.
    grid = ledger_grid([{**ALICE, "本月完成投资": "100"}],
                       labels=["项目名称", "建设单位", "本月完成投资"], total=False)
    assert import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office, dry_run=True).errors == []

    approve_report(june, actor=world.office, expected_version=UNCHECKED)
    grid = ledger_grid([{**ALICE, "1-7月累计完成投资": "700"}], labels=YTD_ONLY, total=False)
    result = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office)
    assert result.errors == [] and result.updated == 1
    july = MonthlyReport.objects.get(project=alice, period=JULY.first_day)
    assert (july.completed, july.covers_from) == (Decimal("100.00"), None)
    assert stats_of([alice.pk])["ytd_completed_wan"] == "700.00"


def test_unapproved_months_are_all_named(world):
    alice = world.alice_project
    approved_months(alice, world.office, {1: "100"})
    save_report(alice, Period(2022, 3), actor=world.office, data={"completed": Decimal("5")},
                expected_version=UNCHECKED)
    save_report(alice, Period(2022, 5), actor=world.office, data={"completed": Decimal("5")},
                expected_version=UNCHECKED)
    grid = ledger_grid([{**ALICE, "1-7月累计完成投资": "700"}], labels=YTD_ONLY, total=False)
    (error,) = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office).errors
    assert "2022-03, 2022-05 are not approved yet" in error.reason

    # The opening balance from a since-start figure depends on the earlier months too.
    labels = ["项目名称", "建设单位", "本月完成投资", "开工至今累计"]
    grid = ledger_grid([{**ALICE, "本月完成投资": "50", "开工至今累计": "1000"}],
                       labels=labels, total=False)
    result = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office, period=JULY)
    (error,) = result.errors
    assert error.column == "开工至今累计" and "2022-03, 2022-05 are not" in error.reason


# ------------------------------------------------------------------ multi-month figures


def test_year_to_date_over_unreported_months_is_a_lump(world):
    """Jan–Apr reported, a YTD-only July sheet: July's row holds May–July, not one month."""
    alice = world.alice_project
    approved_months(alice, world.office, {m: "100" for m in range(1, 5)})
    grid = ledger_grid([{**ALICE, "1-7月累计完成投资": "700"}], labels=YTD_ONLY, total=False)
    result = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office)
    assert result.errors == []
    july = MonthlyReport.objects.get(project=alice, period=JULY.first_day)
    assert (july.completed, july.covers_from) == (Decimal("300.00"), date(2022, 5, 1))
    stats = stats_of([alice.pk])
    assert (stats["ytd_completed_wan"], stats["month_completed_wan"]) == ("700.00", "0.00")
    again = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office)
    assert (again.errors, again.updated, again.unchanged) == ([], 0, 1)


# ------------------------------------------------------------------ 3. stages of new projects

_NEW = ["项目名称", "建设单位", "所属区域", "总投资（万元）", "建设阶段", "实际开工时间",
        "实际竣工时间"]


def _new(name, stage, start=None, done=None):
    return {"项目名称": name, "建设单位": "新公司", "所属区域": "迁安镇",
            "总投资（万元）": "1000", "建设阶段": stage, "实际开工时间": start,
            "实际竣工时间": done}


def test_new_projects_get_their_stage_history_and_dates(world):
    grid = ledger_grid([
        _new("新开工项目", "在建", "2022-03-15"),
        _new("已竣工项目", "竣工", "2020-05-01", "2022-06-30"),
        _new("开工日期不详", "在建"),
        _new("竣工日期不详", "竣工投产"),
        _new("前期项目", "前期"),
        _new("谋划项目", "谋划"),
        _new("未竣工项目", "在建", "2021-03-01", "2022-06-30"),  # not completed: no date kept
    ], labels=_NEW, total=False)
    result = import_ledger(to_xlsx(grid), "new.xlsx", actor=world.office, period=JULY)
    assert result.errors == [] and result.created == 7

    def project(name):
        return Project.objects.get(name=name)

    expected = {
        "新开工项目": (Stage.UNDER_CONSTRUCTION, date(2022, 3, 15), None, date(2022, 3, 15)),
        "已竣工项目": (Stage.COMPLETED, date(2020, 5, 1), date(2022, 6, 30), date(2022, 6, 30)),
        "开工日期不详": (Stage.UNDER_CONSTRUCTION, None, None, JULY.last_day),
        "竣工日期不详": (Stage.COMPLETED, None, JULY.last_day, JULY.last_day),
        "前期项目": (Stage.PRELIMINARY, None, None, JULY.last_day),
        "未竣工项目": (Stage.UNDER_CONSTRUCTION, date(2021, 3, 1), None, date(2021, 3, 1)),
    }
    for name, (stage, start, done, effective) in expected.items():
        p = project(name)
        assert (p.stage, p.actual_start, p.actual_completion) == (stage, start, done), name
        (change,) = StageChange.objects.filter(project=p)
        assert (change.from_stage, change.to_stage, change.effective_date) == (
            "", stage, effective), name
        assert change.changed_by == world.office and "new.xlsx" in change.reason
    assert not StageChange.objects.filter(project=project("谋划项目")).exists()

    warned = {(w.row, w.column) for w in result.warnings if "start date" in w.reason}
    assert warned == {(5, "建设阶段"), (6, "建设阶段")}
    assert [(w.row, w.column) for w in result.warnings if "not completed" in w.reason] == [
        (9, "实际竣工时间")]
    ids = [p.pk for p in Project.objects.filter(owner__name="新公司")]
    assert stats_of(ids)["new_starts"] == 1  # only 新开工项目 started in 2022


# ------------------------------------------------------------------ 4. the funding split


def test_planned_total_must_keep_the_funding_split_adding_up(world):
    alice = world.alice_project
    update_project(alice, actor=world.office, expected_version=UNCHECKED, changes={
        "fund_enterprise": Decimal("30000"), "fund_bank_loans": Decimal("20000")})
    grid = ledger_grid([{**ALICE, "总投资（万元）": "52000"}],
                       labels=["项目名称", "建设单位", "总投资（万元）"], total=False)
    before = counts()
    result = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office, period=JULY)
    (error,) = result.errors
    assert (error.row, error.column, error.value) == (3, "总投资（万元）", "52000")
    assert "add up to 50000.00" in error.reason and not result.applied
    assert counts() == before
    alice.refresh_from_db()
    assert alice.planned_total == Decimal("50000.00")

    same = ledger_grid([{**ALICE, "总投资（万元）": "50000"}],
                       labels=["项目名称", "建设单位", "总投资（万元）"], total=False)
    assert import_ledger(to_xlsx(same), "a.xlsx", actor=world.office, period=JULY).errors == []


# ------------------------------------------------------------------ 5. bad periods in titles

_NO_RANGE = ["项目名称", "建设单位", "本年累计完成投资"]


@pytest.mark.parametrize("title", [
    "迁安市2022年1-13月重点项目台账", "迁安市1899年1-7月重点项目台账",
    "迁安市2150年1-7月重点项目台账", "迁安市2022年0月重点项目台账",
])
def test_a_title_naming_an_impossible_period_is_a_file_error(world, title):
    grid = ledger_grid([{**ALICE, "本年累计完成投资": "10"}], labels=_NO_RANGE, title=title,
                       total=False)
    before = counts()
    result = import_ledger(to_xlsx(grid), "bad.xlsx", actor=world.office)
    (error,) = result.errors
    assert (error.sheet, error.row) == ("bad.xlsx", None)
    assert "not a valid period" in error.reason
    assert result.period is None and not result.applied
    assert counts() == before


def test_a_title_naming_an_impossible_period_is_shown_on_the_web(client, world):
    grid = ledger_grid([{**ALICE, "本年累计完成投资": "10"}], labels=_NO_RANGE,
                       title="迁安市2022年1-13月重点项目台账", total=False)
    client.force_login(world.office)
    response = upload(client, to_xlsx(grid), "bad.xlsx", period="")
    assert response.status_code == 200
    assert response.context["job"]["obj"].row_errors
    assert 'id="job-row-errors"' in response.content.decode()
    assert 'name="confirm"' not in response.content.decode()
