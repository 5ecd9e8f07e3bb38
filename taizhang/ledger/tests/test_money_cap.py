"""Issue 8, finding 8: one money cap for every entry, and a 合计 row is a sum, not an amount.

The cap (core/money.py MAX_WAN, 99,999,999.99 万元) is applied by the report and plan forms,
the services, the project model and the importer, each refusing with the one message that
names it. A sheet's 合计 row is bounded by MAX_TOTAL_WAN instead: twenty projects at the cap
import with their correct 合计 row (it was refused as 数值过大) and sum exactly.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from taizhang.core.money import CENT, MAX_TOTAL_WAN, MAX_WAN
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED, ServiceError
from taizhang.core.sheets.errors import CellError
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.importing.parse import parse_money
from taizhang.ledger.models import AnnualPlan, MonthlyReport, Project
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import create_project
from taizhang.ledger.services.reports import save_report
from taizhang.ledger.tests.sheets_factory import ledger_grid, to_csv, to_xlsx
from taizhang.stats.service import compute

JULY = Period(2022, 7)
SHOWN_CAP = "99,999,999.99"
OLD_CAP = Decimal("9999999999999.99")  # the cap before: 10^17 yuan, accepted everywhere
OVER = [MAX_WAN + CENT, OLD_CAP]


def test_the_cap_is_just_under_a_trillion_yuan():
    assert MAX_WAN == Decimal("99999999.99")  # 万元: 1 万亿元 less a cent
    assert MAX_TOTAL_WAN == MAX_WAN * 1_000_000


@pytest.mark.parametrize("amount", OVER)
def test_services_refuse_an_amount_over_the_cap_naming_it(world, amount):
    with pytest.raises(ServiceError) as report:
        save_report(world.alice_project, JULY, actor=world.office,
                    data={"completed": amount, "image_progress": "x"}, expected_version=UNCHECKED)
    with pytest.raises(ServiceError) as plan:
        set_annual_plan(world.alice_project, 2023, actor=world.office,
                        planned_investment=amount, expected_version=UNCHECKED)
    with pytest.raises(ServiceError) as project:
        create_project(actor=world.office, name="超限项目", owner=world.alice_org,
                       division=world.town, planned_total=amount)
    for refused in (report, plan, project):
        assert SHOWN_CAP in str(refused.value)
    assert not MonthlyReport.objects.exists()
    assert not AnnualPlan.objects.filter(year=2023).exists()
    assert not Project.objects.filter(name="超限项目").exists()


def test_the_model_refuses_every_money_field_over_the_cap(world):
    project = world.alice_project
    for name in ("planned_total", "completed_before"):
        setattr(project, name, OLD_CAP)
        with pytest.raises(ValidationError) as refused:
            project.full_clean()
        assert SHOWN_CAP in str(refused.value.message_dict[name])
        project.refresh_from_db()


def test_the_cap_itself_is_accepted_everywhere(world, client):
    client.force_login(world.office)
    url = reverse("ledger:report-form", args=[world.alice_project.pk, str(JULY)])
    client.post(url, {"completed": SHOWN_CAP, "image_progress": "x", "save": "1",
                      "version": "0"})
    assert world.alice_project.reports.get().completed == MAX_WAN
    plan = set_annual_plan(world.alice_project, 2023, actor=world.office,
                           planned_investment=MAX_WAN, expected_version=UNCHECKED)
    project = create_project(actor=world.office, name="上限项目", owner=world.alice_org,
                             division=world.town, planned_total=MAX_WAN,
                             completed_before=MAX_WAN)
    plan.refresh_from_db()
    project.refresh_from_db()
    assert (plan.planned_investment, project.planned_total) == (MAX_WAN, MAX_WAN)


@pytest.mark.parametrize("typed", ["99,999,999.99", "9999999999999.99"])
def test_the_report_form_names_the_cap(world, client, typed):
    client.force_login(world.office)
    url = reverse("ledger:report-form", args=[world.alice_project.pk, str(JULY)])
    response = client.post(url, {"completed": typed, "image_progress": "x", "save": "1",
                                 "version": "0"})
    if typed == SHOWN_CAP:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    (message,) = response.context["form"].errors["completed"]
    assert SHOWN_CAP in message
    assert not world.alice_project.reports.exists()


# ------------------------------------------------------------------ the importer

_LABELS = ["序号", "项目名称", "建设单位", "所属区域", "总投资（万元）", "年度计划投资", "建设阶段"]


def _rows(count: int, amount: object) -> list[dict]:
    return [{"项目名称": f"上限项目{i}", "建设单位": "上限公司", "所属区域": "迁安镇",
             "总投资（万元）": amount, "年度计划投资": amount, "建设阶段": "前期"}
            for i in range(count)]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_twenty_projects_at_the_cap_import_with_their_total_row(world, fmt):
    """The finding: the correct 合计 row of such a sheet was refused as 数值过大."""
    # xlsx cells are numbers (doubles, as Excel writes them), csv cells text.
    amount = float(MAX_WAN) if fmt == "xlsx" else str(MAX_WAN)
    twenty = MAX_WAN * 20
    total = float(twenty) if fmt == "xlsx" else f"{twenty:,}"
    grid = ledger_grid(_rows(20, amount), labels=_LABELS,
                       total={"总投资（万元）": total, "年度计划投资": total})
    data = to_xlsx(grid) if fmt == "xlsx" else to_csv(grid)
    result = import_ledger(data, f"台账.{fmt}", actor=world.office, period=JULY)
    assert result.errors == []
    assert result.applied and result.created == 20
    (sheet,) = result.totals.sheets
    assert sheet.total_row_values == {"planned_total": twenty, "annual_plan": twenty}
    assert sheet.sums["planned_total"] == twenty == Decimal("1999999999.80")
    stats = compute(Project.objects.filter(name__startswith="上限项目"), JULY)
    assert (stats.total.planned_total, stats.total.annual_plan) == (twenty, twenty)


def test_a_total_row_that_does_not_match_is_refused_exactly(world):
    wrong = f"{MAX_WAN * 20 + 1:,}"  # a 万元 off, at the size of the sum
    grid = ledger_grid(_rows(20, str(MAX_WAN)), labels=_LABELS,
                       total={"总投资（万元）": wrong})
    result = import_ledger(to_csv(grid), "台账.csv", actor=world.office, period=JULY)
    (error,) = result.errors
    assert (error.column, error.row) == ("总投资（万元）", 23)
    assert "1999999999.80" in error.reason and "2000000000.80" in error.reason
    assert not result.applied
    assert not Project.objects.filter(name__startswith="上限项目").exists()


def test_an_amount_over_the_cap_in_a_sheet_names_the_cap(world):
    grid = ledger_grid(_rows(1, str(MAX_WAN + CENT)), labels=_LABELS, total=False)
    result = import_ledger(to_csv(grid), "台账.csv", actor=world.office, period=JULY)
    assert {e.column for e in result.errors} == {"总投资（万元）", "年度计划投资"}
    assert all(SHOWN_CAP in e.reason for e in result.errors)
    assert not result.applied


def test_a_total_row_is_bounded_by_a_million_amounts_at_the_cap():
    wan, yuan = Decimal(1), Decimal("0.0001")
    assert parse_money(str(MAX_TOTAL_WAN), wan, total=True) == MAX_TOTAL_WAN
    # The same total written in 元 (10^18) passes the reader's general bound on numbers.
    assert parse_money(str(MAX_TOTAL_WAN * 10000), yuan, total=True) == MAX_TOTAL_WAN
    with pytest.raises(CellError) as over:
        parse_money(str(MAX_TOTAL_WAN + CENT), wan, total=True)
    assert over.value.code == "total_too_large"
    with pytest.raises(CellError) as amount:
        parse_money(str(MAX_TOTAL_WAN), wan)
    assert amount.value.code == "amount_too_large"
    # A number of any length is refused by its size, never rounded first.
    with pytest.raises(CellError):
        parse_money("9" * 100_000, yuan, total=True)
    assert parse_money("99999999.994", wan) == MAX_WAN  # rounds to the cap: accepted


def test_the_admin_project_form_reads_and_caps_amounts_like_every_form(client, world):
    world.office.is_staff = True
    world.office.save()
    client.force_login(world.office)
    project = world.alice_project
    url = f"/admin/ledger/project/{project.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: "" if (v := form[name].value()) is None else v for name in form.fields}
    data.update({"plans-TOTAL_FORMS": "0", "plans-INITIAL_FORMS": "0",
                 "plans-MIN_NUM_FORMS": "0", "plans-MAX_NUM_FORMS": "1000"})
    response = client.post(url, {**data, "planned_total": str(OLD_CAP)})
    (message,) = response.context["adminform"].form.errors["planned_total"]
    assert SHOWN_CAP in message
    client.post(url, {**data, "planned_total": "１,２３４.５"})  # as clerks type it
    project.refresh_from_db()
    assert project.planned_total == Decimal("1234.50")
