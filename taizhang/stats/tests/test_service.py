from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.accounts.models import OfficeSettings
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import Batch, Stage
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.services.keylists import enlist, get_or_create_list
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import change_stage, create_project
from taizhang.ledger.services.reports import approve_report, save_report, submit_report
from taizhang.stats.service import compute

JULY = Period(2022, 7)


def _approved(world, project, period, amount):
    report = save_report(project, period, actor=world.office,
                         data={"completed": Decimal(amount), "image_progress": "施工"},
                         expected_version=UNCHECKED)
    return approve_report(submit_report(report, actor=world.office,
                                        expected_version=UNCHECKED), actor=world.office,
                          expected_version=UNCHECKED)


def test_year_to_date_sums_approved_months_of_the_year_only(world):
    _approved(world, world.alice_project, Period(2021, 12), "999.00")  # last year
    _approved(world, world.alice_project, Period(2022, 1), "100.10")
    _approved(world, world.alice_project, Period(2022, 7), "200.20")
    _approved(world, world.alice_project, Period(2022, 8), "300.00")  # after the period
    save_report(world.bob_project, JULY, actor=world.bob,
                data={"completed": Decimal("5000"), "image_progress": "x"},
                expected_version=UNCHECKED)  # only a draft
    stats = compute(Project.objects.all(), JULY)
    assert stats.total.ytd_completed == Decimal("300.30")
    assert stats.total.since_start_completed == Decimal("1299.30")
    assert stats.total.annual_plan == Decimal("32000.00")
    assert stats.total.planned_total == Decimal("130000.00")
    assert stats.completion_rate == Decimal("0.0094")
    assert stats.time_progress == Decimal("0.5833")
    assert stats.points_vs_time == Decimal("-57.39")


def test_batches_and_start_rate(world):
    planned = create_project(actor=world.office, name="新材料产业园", owner=world.bob_org,
                             division=world.town, planned_total=Decimal("3000.00"))
    set_annual_plan(planned, 2022, actor=world.office, planned_investment=Decimal("500"),
                    planned_new_start=True, expected_version=UNCHECKED)
    set_annual_plan(world.alice_project, 2022, actor=world.office,
                    planned_investment=Decimal("12000"), planned_new_start=True,
                    expected_version=UNCHECKED)
    old = create_project(actor=world.office, name="老城区改造续建", owner=world.bob_org,
                         division=world.town, planned_total=Decimal("9000.00"))
    change_stage(old, Stage.UNDER_CONSTRUCTION, actor=world.office,
                 effective_date=date(2020, 5, 1), expected_version=UNCHECKED)
    done = create_project(actor=world.office, name="污水处理厂", owner=world.bob_org,
                          division=world.town, planned_total=Decimal("2000.00"))
    change_stage(done, Stage.UNDER_CONSTRUCTION, actor=world.office,
                 effective_date=date(2021, 4, 1), expected_version=UNCHECKED)
    change_stage(done, Stage.COMPLETED, actor=world.office, effective_date=date(2022, 6, 30),
                 expected_version=UNCHECKED)

    stats = compute(Project.objects.all(), JULY)
    assert stats.batches[Batch.PLANNING].projects == 1
    assert stats.batches[Batch.STARTING].projects == 2  # alice and bob started 2022-03
    assert stats.batches[Batch.BUILDING].projects == 1
    assert stats.batches[Batch.PRODUCING].projects == 1
    assert stats.by_stage[Stage.UNDER_CONSTRUCTION].projects == 3
    assert stats.by_stage[Stage.UNDER_CONSTRUCTION].planned_total == Decimal("139000.00")
    # Planned basis: 1 of the 2 planned new starts has started.
    assert stats.start_rate == Decimal("0.5000")
    all_basis = compute(Project.objects.all(), JULY,
                        start_rate_basis=OfficeSettings.StartRateBasis.ALL)
    assert all_basis.start_rate == Decimal("0.4000")  # 2 new starts of 5 projects
    # Before March nobody had started this year.
    assert compute(Project.objects.all(), Period(2022, 2)).new_starts == 0


def test_stats_use_one_query_whatever_the_size(world):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            compute(Project.objects.all(), JULY).as_dict()
        return len(ctx.captured_queries)

    before = count()
    for i in range(20):
        create_project(actor=world.office, name=f"项目{i}", owner=world.bob_org,
                       division=world.town, planned_total=Decimal("10"))
    assert before == count() == 1


def test_stats_command_json_and_list_filter(world, capsys):
    county = get_or_create_list("county", "key", 2022, actor=world.office)
    prestage = get_or_create_list("province", "prestage", 2022, actor=world.office)
    for project in (world.alice_project, world.bob_project):
        enlist(project, county, actor=world.office, applied_on=date(2022, 1, 5),
               decided_on=date(2022, 2, 1))
    enlist(world.bob_project, prestage, actor=world.office, applied_on=date(2022, 1, 5),
           decided_on=date(2022, 2, 1))
    _approved(world, world.bob_project, Period(2022, 3), "1.05")

    call_command("stats", "--period", "2022-07", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["projects"] == 2
    assert data["planned_total_wan"] == "130000.00"
    assert data["ytd_completed_wan"] == "1.05"
    assert set(data["by_stage"]) == set(Stage.values)
    assert set(data["batches"]) == set(Batch.values)

    call_command("stats", "--period", "2022-07", "--list", "province-prestage,prefecture",
                 "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["projects"] == 1
    assert data["planned_total_wan"] == "80000.00"


def test_stats_command_rejects_bad_input(world):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("stats", "--period", "2022/07")
    with pytest.raises(CommandError):
        call_command("stats", "--period", "2022-07", "--list", "city")


def test_stats_command_follows_the_office_start_rate_basis(world, capsys):
    set_annual_plan(world.alice_project, 2022, actor=world.office,
                    planned_investment=Decimal("12000"), planned_new_start=True,
                    expected_version=UNCHECKED)
    call_command("stats", "--period", "2022-07", "--json")
    assert json.loads(capsys.readouterr().out)["start_rate"] == "1.0000"  # 1 of 1 planned
    OfficeSettings.objects.update(start_rate_basis=OfficeSettings.StartRateBasis.ALL)
    call_command("stats", "--period", "2022-07", "--json")
    assert json.loads(capsys.readouterr().out)["start_rate"] == "1.0000"  # 2 of 2 started
    call_command("stats", "--period", "2022-02", "--json", "--start-rate-basis", "all")
    assert json.loads(capsys.readouterr().out)["start_rate"] == "0.0000"


def test_lumps_count_in_year_to_date_but_not_as_a_month(world):
    report = _approved(world, world.alice_project, Period(2022, 6), "600.00")
    MonthlyReport.objects.filter(pk=report.pk).update(covers_from=date(2022, 1, 1))
    june = compute(Project.objects.all(), Period(2022, 6))
    assert june.total.ytd_completed == Decimal("600.00")
    assert june.total.month_completed == Decimal("0.00")


def test_cancelled_projects_leave_the_figures_unless_asked_for(world):
    from taizhang.ledger.filters import ProjectFilter

    gone = create_project(actor=world.office, name="终止项目", owner=world.bob_org,
                          division=world.town, planned_total=Decimal("7000.00"))
    change_stage(gone, Stage.CANCELLED, actor=world.office, effective_date=date(2022, 4, 1),
                 reason="企业放弃投资", expected_version=UNCHECKED)
    everyone = ProjectFilter().apply(Project.objects.all(), 2022)
    assert compute(everyone, JULY).total.planned_total == Decimal("130000.00")
    only = ProjectFilter(stages=[Stage.CANCELLED]).apply(Project.objects.all(), 2022)
    assert compute(only, JULY, include_cancelled=True).total.projects == 1


def test_compute_itself_leaves_cancelled_projects_out(world, capsys):
    """Callers that pass every project (a sub-project roll-up, the scenario loader) without
    the list's filter count no cancelled project; a stage filter asking for them does."""
    gone = create_project(actor=world.office, name="终止项目", owner=world.bob_org,
                          division=world.town, planned_total=Decimal("7000.00"))
    _approved(world, gone, Period(2022, 3), "250.00")
    before = compute(Project.objects.all(), JULY).total
    change_stage(gone, Stage.CANCELLED, actor=world.office, effective_date=date(2022, 4, 1),
                 reason="企业放弃投资", expected_version=UNCHECKED)
    after = compute(Project.objects.all(), JULY).total
    assert after.projects == before.projects - 1
    assert after.planned_total == before.planned_total - Decimal("7000.00")
    assert after.ytd_completed == before.ytd_completed - Decimal("250.00")
    assert compute(Project.objects.filter(pk=gone.pk), JULY).total.projects == 0
    asked = compute(Project.objects.filter(pk=gone.pk), JULY, include_cancelled=True).total
    assert (asked.projects, asked.ytd_completed) == (1, Decimal("250.00"))
    call_command("stats", "--period", "2022-07", "--stage", Stage.CANCELLED, "--json")
    data = json.loads(capsys.readouterr().out)
    assert (data["projects"], data["ytd_completed_wan"]) == (1, "250.00")
