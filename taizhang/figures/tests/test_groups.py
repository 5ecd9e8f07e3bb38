"""Breakdowns: every group's figures add up exactly to the total (key lists: per list)."""

from __future__ import annotations

import json
from datetime import date

from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from taizhang.core.periods import Period
from taizhang.figures.groups import GROUPINGS
from taizhang.ledger.choices import (
    ListKind,
    ListLevel,
    MembershipStatus,
    Nature,
    ReportStatus,
    Stage,
)
from taizhang.ledger.filters import ProjectFilter
from taizhang.ledger.models import (
    AnnualPlan,
    KeyList,
    KeyListMembership,
    MonthlyReport,
    Project,
    StageChange,
)
from taizhang.stats.service import LedgerStats, Segment, compute, compute_grouped

JULY = Period(2022, 7)
LISTS = [(ListLevel.PROVINCE, ListKind.KEY), (ListLevel.PREFECTURE, ListKind.KEY),
         (ListLevel.COUNTY, ListKind.PRESTAGE)]
MONEY = st.decimals(min_value=0, max_value=99_999_999, places=2, allow_nan=False,
                    allow_infinity=False)
PROJECT = st.fixed_dictionaries({
    "planned": MONEY,
    "before": MONEY,
    "plan": st.none() | MONEY,
    "unit": st.booleans(), "leader": st.booleans(), "other_town": st.booleans(),
    "industry": st.sampled_from(["C", "D", "K"]),
    "nature": st.sampled_from(Nature.values),
    "stage": st.sampled_from(Stage.values),
    "moved": st.none() | st.sampled_from([date(2022, 2, 1), date(2022, 9, 1)]),
    "start": st.none() | st.sampled_from([date(2021, 5, 1), date(2022, 4, 1)]),
    "lists": st.lists(st.sampled_from(range(len(LISTS))), unique=True, max_size=3),
    "reports": st.lists(st.tuples(st.sampled_from([(2021, 12), (2022, 1), (2022, 6),
                                                   (2022, 7), (2022, 8)]),
                                  MONEY, st.sampled_from(ReportStatus.values)),
                        unique_by=lambda r: r[0], max_size=4),
})


def _store(world, projects):
    lists = [KeyList.objects.get_or_create(level=lv, kind=kd, year=2022)[0] for lv, kd in LISTS]
    made = Project.objects.bulk_create([Project(
        name=f"分组{i}", owner=world.alice_org,
        division=world.other_town if p["other_town"] else world.town,
        responsible_unit=world.unit if p["unit"] else None,
        leader=world.carol.person if p["leader"] else None,
        industry=p["industry"], nature=p["nature"], stage=p["stage"],
        actual_start=p["start"], planned_total=p["planned"], completed_before=p["before"],
    ) for i, p in enumerate(projects)])
    pairs = list(zip(made, projects, strict=True))
    AnnualPlan.objects.bulk_create([
        AnnualPlan(project=m, year=2022, planned_investment=p["plan"], planned_new_start=True)
        for m, p in pairs if p["plan"] is not None])
    MonthlyReport.objects.bulk_create([
        MonthlyReport(project=m, period=date(y, mo, 1), completed=amount, status=status)
        for m, p in pairs for (y, mo), amount, status in p["reports"]])
    KeyListMembership.objects.bulk_create([
        KeyListMembership(project=m, key_list=lists[i], status=MembershipStatus.APPROVED)
        for m, p in pairs for i in p["lists"]])
    # A stage history: moved into the current stage (from planning) on that day.
    StageChange.objects.bulk_create([
        StageChange(project=m, from_stage=Stage.PLANNING, to_stage=p["stage"],
                    effective_date=p["moved"])
        for m, p in pairs if p["moved"] and p["stage"] != Stage.PLANNING])
    return lists


def _add(stats: list[LedgerStats]) -> tuple:
    def segment_sum(segments: list[Segment]) -> tuple:
        return tuple(sum((getattr(s, f) for s in segments), start=0) for f in (
            "projects", "planned_total", "annual_plan", "ytd_completed", "month_completed",
            "since_start_completed"))
    return (segment_sum([s.total for s in stats]),
            {st_: segment_sum([s.by_stage[st_] for s in stats]) for st_ in Stage.values},
            sum(s.new_starts for s in stats), sum(s.planned_new_starts for s in stats),
            sum(s.started_of_planned for s in stats))


def _figures(stats: LedgerStats) -> tuple:
    return _add([stats])


def _same_as_group(group: LedgerStats | None, expected: LedgerStats) -> None:
    """A group equals the statistics of its projects; no group means no project."""
    if group is None:
        assert expected.total.projects == 0
    else:
        assert _figures(group) == _figures(expected)


_PROPERTY = settings(max_examples=12, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])


@seed(20261205)
@_PROPERTY
@given(projects=st.lists(PROJECT, min_size=1, max_size=12))
def test_every_grouping_adds_up_exactly_to_the_total(world, projects):
    with transaction.atomic():
        Project.objects.all().delete()
        lists = _store(world, projects)
        everyone = ProjectFilter().apply(Project.objects.all(), 2022, period=JULY)
        total = compute(everyone, JULY)
        for by in GROUPINGS:
            grouped = compute_grouped(everyone, JULY, by)
            assert _figures(grouped.total) == _figures(total)
            if by != "key_list":
                assert _add(list(grouped.groups.values())) == _figures(total), by
                continue
            # Key lists overlap: each list's group is that list's filter, and the projects
            # on no list are the None group.
            for key_list in lists:
                on_it = ProjectFilter(key_lists=[key_list.code]).apply(
                    Project.objects.all(), 2022, period=JULY)
                _same_as_group(grouped.groups.get(key_list.pk), compute(on_it, JULY))
            on_none = everyone.exclude(memberships__isnull=False)
            _same_as_group(grouped.groups.get(None), compute(on_none, JULY))
        transaction.set_rollback(True)


def test_stats_command_groups_by_township(world, capsys):
    call_command("stats", "--period", "2022-07", "--group-by", "township", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["group_by"] == "township"
    assert {g["name"]: g["projects"] for g in data["groups"]} == {"迁安镇": 1, "夏官营镇": 1}
    assert sum(g["projects"] for g in data["groups"]) == data["projects"]
