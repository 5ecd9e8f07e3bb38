"""Statistics of a past period use each project's stage at the end of that period."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.figures.stages import PERIOD_STAGE, with_period_stage
from taizhang.ledger.choices import STAGE_TRANSITIONS, Stage
from taizhang.ledger.filters import ProjectFilter
from taizhang.ledger.models import Project
from taizhang.ledger.services.projects import change_stage, create_project
from taizhang.ledger.services.reports import approve_report, save_report, submit_report
from taizhang.stats.service import compute

MARCH = Period(2022, 3)


def _approved(world, project, period, amount):
    report = save_report(project, period, actor=world.office,
                         data={"completed": Decimal(amount)}, expected_version=UNCHECKED)
    approve_report(submit_report(report, actor=world.office,
                                 expected_version=UNCHECKED), actor=world.office,
                   expected_version=UNCHECKED)


def _march_ledger(world):
    """alice and bob under construction since 2022-03-15 (the world), one planning project
    with no history at all, reports of January to March."""
    planning = create_project(actor=world.office, name="谋划项目", owner=world.bob_org,
                              division=world.town, planned_total=Decimal("3000.00"))
    for month, amount in ((1, "100.00"), (2, "200.00"), (3, "300.00")):
        _approved(world, world.alice_project, Period(2022, month), amount)
        _approved(world, world.bob_project, Period(2022, month), amount)
    return [world.alice_project, world.bob_project, planning]


def _march_figures(capsys):
    flt = ProjectFilter()
    stats = compute(flt.apply(Project.objects.all(), 2022, period=MARCH), MARCH).as_dict()
    call_command("stats", "--period", "2022-03", "--json")
    return stats, json.loads(capsys.readouterr().out)


def _stages(period):
    rows = with_period_stage(Project.objects.all(), period).annotate(
        then=F(PERIOD_STAGE)).values_list("name", "then")
    return dict(rows)


def test_the_stage_as_of_a_period_comes_from_the_history(world):
    _march_ledger(world)
    change_stage(world.alice_project, Stage.COMPLETED, actor=world.office,
                 effective_date=date(2022, 6, 30), expected_version=UNCHECKED)
    february, march, july = _stages(Period(2022, 2)), _stages(MARCH), _stages(Period(2022, 7))
    alice, planning = world.alice_project.name, "谋划项目"
    # Before its first recorded move: the stage it moved from; after: the last move's.
    assert (february[alice], march[alice], july[alice]) == (
        Stage.PLANNING, Stage.UNDER_CONSTRUCTION, Stage.COMPLETED)
    # No history: the current stage, whatever the period.
    assert february[planning] == march[planning] == july[planning] == Stage.PLANNING


def test_march_figures_do_not_move_when_stages_change_later(world, capsys):
    _march_ledger(world)
    printed_in_april = _march_figures(capsys)
    assert printed_in_april[0]["by_stage"][Stage.UNDER_CONSTRUCTION]["projects"] == 2
    change_stage(world.alice_project, Stage.COMPLETED, actor=world.office,
                 effective_date=date(2022, 6, 30), expected_version=UNCHECKED)
    change_stage(world.bob_project, Stage.CANCELLED, actor=world.office,
                 effective_date=date(2022, 11, 2), reason="企业放弃投资",
                 expected_version=UNCHECKED)
    assert _march_figures(capsys) == printed_in_april
    # The present still sees the present: bob is gone from November's figures.
    november = compute(Project.objects.all(), Period(2022, 11)).as_dict()
    assert november["projects"] == 2
    assert november["by_stage"][Stage.COMPLETED]["projects"] == 1


_MOVES = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 4), st.integers(1, 200)),
                  min_size=1, max_size=8)


@seed(20261204)
@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(moves=_MOVES)
def test_any_later_stage_moves_leave_a_past_period_alone(world, capsys, moves):
    with transaction.atomic():
        projects = _march_ledger(world)
        before = _march_figures(capsys)
        day = MARCH.last_day
        for which, choice, gap in moves:
            project = Project.objects.get(pk=projects[which].pk)
            allowed = sorted(STAGE_TRANSITIONS[Stage(project.stage)])
            if not allowed:
                continue
            day += timedelta(days=gap)
            change_stage(project, allowed[choice % len(allowed)], actor=world.office,
                         effective_date=day, reason="调整", expected_version=UNCHECKED)
        assert _march_figures(capsys) == before
        transaction.set_rollback(True)
