"""Per-project rates on the list: 占年度计划, points against time progress, 滞后 filter and
the sorts by them (rules in taizhang/figures)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from taizhang.accounts.models import OfficeSettings
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.figures import rates
from taizhang.figures.per_project import behind_schedule, rates_of, with_figures
from taizhang.ledger.models import Project
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import create_project
from taizhang.ledger.services.reports import approve_report, save_report, submit_report
from taizhang.ledger.tests.test_views import LIST_PAGE_QUERIES, _count_queries, _more_projects

JULY = Period(2022, 7)  # time progress 7/12; behind (N = 10) below 580/1200 = 48.33…%


def _approved(world, project, amount, period=JULY):
    report = save_report(project, period, actor=world.office,
                         data={"completed": Decimal(amount)}, expected_version=UNCHECKED)
    return approve_report(submit_report(report, actor=world.office,
                                        expected_version=UNCHECKED), actor=world.office,
                          expected_version=UNCHECKED)


def _project(world, name, plan):
    project = create_project(actor=world.office, name=name, owner=world.bob_org,
                             division=world.town, planned_total=Decimal("90000.00"))
    if plan is not None:
        set_annual_plan(project, 2022, actor=world.office, planned_investment=Decimal(plan),
                        expected_version=UNCHECKED)
    return project


def _ledger(world):
    """alice 7000/12000 (on time), bob 9000/20000 (45%: behind), one exactly 10 points
    behind (not 'more than'), one a cent below that, one without a plan."""
    _approved(world, world.alice_project, "7000.00")
    _approved(world, world.bob_project, "9000.00")
    edge = _project(world, "恰好慢十个百分点", "12000.00")
    _approved(world, edge, "5800.00")
    below = _project(world, "慢十个百分点多一分", "12000.00")
    _approved(world, below, "5799.99")
    _project(world, "无年度计划", None)
    return edge, below


def test_behind_is_the_same_rule_in_sql_and_in_python(world):
    edge, below = _ledger(world)
    in_sql = set(behind_schedule(Project.objects.all(), JULY).values_list("pk", flat=True))
    assert in_sql == {world.bob_project.pk, below.pk}
    in_python = {p.pk for p in with_figures(Project.objects.all(), JULY)
                 if rates_of(p, JULY).behind}
    assert in_python == in_sql
    edge_rates = rates_of(with_figures(Project.objects.filter(pk=edge.pk), JULY).get(), JULY)
    assert (edge_rates.completion_rate, edge_rates.points_vs_time, edge_rates.behind) == (
        Decimal("0.4833"), Decimal("-10.00"), False)
    # The office's setting moves the line.
    fifteen = rates.behind_threshold(OfficeSettings(behind_points=15))
    assert not behind_schedule(Project.objects.filter(pk=below.pk), JULY, fifteen).exists()
    assert rates.is_behind(Decimal("0"), Decimal("0"), JULY) is False  # no plan, never behind


def test_the_list_filters_behind_and_totals_only_those(client, world):
    _edge, below = _ledger(world)
    client.force_login(world.office)
    response = client.get(reverse("ledger:project-list"), {"period": "2022-07", "behind": "on"})
    rows = list(response.context["page"].object_list)
    assert {p.pk for p in rows} == {world.bob_project.pk, below.pk}
    assert all(p.rates.behind for p in rows)
    assert response.context["stats"].total.ytd_completed == Decimal("14799.99")
    assert response.content.decode().count("data-behind") == 2


def test_the_list_sorts_by_completion_rate_and_points(client, world):
    edge, below = _ledger(world)
    client.force_login(world.office)
    url = reverse("ledger:project-list")
    by_rate = client.get(url, {"period": "2022-07", "sort": "-rate"}).context["page"]
    names = [p.pk for p in by_rate.object_list]
    # 58.33%, 48.33%, 48.33%−, 45%, then the project without a plan (no rate: last)
    assert names[:4] == [world.alice_project.pk, edge.pk, below.pk, world.bob_project.pk]
    by_points = client.get(url, {"period": "2022-07", "sort": "points"}).context["page"]
    assert [p.pk for p in by_points.object_list][:4] == [
        world.bob_project.pk, below.pk, edge.pk, world.alice_project.pk]
    assert by_points.object_list[0].rates.points_vs_time == Decimal("-13.33")


def test_behind_filter_and_rate_sort_keep_the_query_count(client, world):
    client.force_login(world.office)
    url = reverse("ledger:project-list")
    params = {"behind": "on", "sort": "-rate", "unit": world.unit.pk}
    small = _count_queries(client, url, params)
    _more_projects(world, 30)
    assert _count_queries(client, url, params) == small == LIST_PAGE_QUERIES


def test_filters_left_at_all_are_not_errors(client, world):
    client.force_login(world.office)
    response = client.get(reverse("ledger:project-list"), {
        "period": "2022-07", "stage": "", "list": "", "unit": "", "leader": "", "township": "",
        "industry": "", "nature": "", "batch": "", "q": "", "owner_name": ""})
    assert not response.context["form"].errors
    assert response.context["stats"].total.projects == 2
    assert "role=\"alert\"" not in response.content.decode()


def test_filters_not_understood_are_named_joined_as_the_language_joins(client, world):
    client.force_login(world.office)
    query = {"period": "2022-07", "stage": "nonsense", "unit": "x"}
    client.cookies["django_language"] = "en"
    text = client.get(reverse("ledger:project-list"), query).content.decode()
    assert "These filters were not understood and were ignored: Stage, Responsible unit" in text
    client.cookies["django_language"] = "zh-hans"
    text = client.get(reverse("ledger:project-list"), query).content.decode()
    assert "以下筛选条件无法识别，已忽略： 项目阶段、责任单位" in text


def test_the_list_filters_by_batch_as_the_statistics_count_it(client, world):
    client.force_login(world.office)
    response = client.get(reverse("ledger:project-list"),
                          {"period": "2022-07", "batch": "starting"})
    # Both moved to 在建 on 2022-03-15: started this year.
    assert response.context["stats"].total.projects == 2
    response = client.get(reverse("ledger:project-list"),
                          {"period": "2022-07", "batch": "building"})
    assert response.context["stats"].total.projects == 0


def test_the_office_sets_the_behind_line_of_the_list(client, world):
    _edge, below = _ledger(world)
    # bob is 13.33 points behind, `below` a cent more than 10: at 12 only bob is.
    OfficeSettings.objects.filter(division=world.county).update(behind_points=12)
    client.force_login(world.office)
    response = client.get(reverse("ledger:project-list"), {"period": "2022-07", "behind": "on"})
    assert {p.pk for p in response.context["page"].object_list} == {world.bob_project.pk}


@pytest.mark.parametrize("line", [5, 12])
def test_the_export_takes_the_office_s_behind_line_as_the_list_does(client, world, line):
    # Below the default (5) and above it (12): the export must not add the default's line.
    from io import BytesIO

    from openpyxl import load_workbook

    _ledger(world)
    OfficeSettings.objects.filter(division=world.county).update(behind_points=line)
    client.force_login(world.office)
    query = {"period": "2022-07", "behind": "on"}
    listed = {p.name for p in client.get(reverse("ledger:project-list"),
                                         query).context["page"].object_list}
    assert len(listed) == (3 if line == 5 else 1)
    sheet = load_workbook(BytesIO(client.get(reverse("ledger:export"), query).content)).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value}
    assert listed <= cells
    assert not ({"恰好慢十个百分点", "慢十个百分点多一分"} - listed) & cells
