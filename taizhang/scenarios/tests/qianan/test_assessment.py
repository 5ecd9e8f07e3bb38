"""The July 2022 ranking of the Qian'an demo: groups that add up to the article's figures,
a plausible order, and a published month that a later scheme leaves alone.

The scenario is loaded once for the package (conftest.py); each test runs in a savepoint.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.accounts.models import Division, User
from taizhang.assessment import services
from taizhang.assessment.results import compute, ranking_for
from taizhang.core.periods import Period
from taizhang.ledger.models import Project
from taizhang.stats.service import compute as statistics

pytestmark = pytest.mark.django_db
JULY, AUGUST = Period(2022, 7), Period(2022, 8)


@pytest.fixture
def county():
    return Division.objects.get(code="130283")


def _figure(row, code, name):
    return next(s for s in row.indicators if s.code == code).figures[name]


@pytest.mark.parametrize(("level", "unranked"), [
    ("township", lambda county: Project.objects.filter(division=county)),
    ("unit", lambda county: Project.objects.filter(responsible_unit__isnull=True)),
])
def test_the_ranked_groups_and_the_unranked_rest_add_up_to_the_articles_figures(county, level,
                                                                                unranked):
    ranking = compute(county, JULY, level)
    rest = statistics(unranked(county), JULY).total
    plan = sum((_figure(r, "plan_completion", "annual_plan") for r in ranking.rows),
               rest.annual_plan)
    done = sum((_figure(r, "plan_completion", "ytd_completed") for r in ranking.rows),
               rest.ytd_completed)
    assert (plan, done) == (Decimal("2676000.00"), Decimal("1572000.00"))  # 267.6亿, 157.2亿
    assert sum(_figure(r, "new_starts", "new_starts") for r in ranking.rows) \
        + statistics(unranked(county), JULY).new_starts \
        == statistics(Project.objects.all(), JULY).new_starts


@pytest.mark.parametrize("level", ["township", "unit"])
def test_the_july_ranking_is_plausible(county, level):
    rows = compute(county, JULY, level).rows
    assert len(rows) >= 20
    assert [r.total for r in rows] == sorted((r.total for r in rows), reverse=True)
    assert rows[0].rank == 1 and all(
        r.rank == (prev.rank if r.total == prev.total else i + 1)
        for i, (prev, r) in enumerate(zip(rows, rows[1:], strict=False), start=1))
    rewarded = [r for r in rows if r.mark == "reward"]
    summoned = [r for r in rows if r.mark == "summon"]
    assert len(rewarded) >= 3 and len(summoned) >= 3
    # Those rewarded are ahead of time progress more than those summoned.
    ahead = [_figure(r, "plan_completion", "difference") for r in rewarded]
    behind = [_figure(r, "plan_completion", "difference") for r in summoned]
    assert sum(ahead) / len(ahead) > sum(behind) / len(behind)


def test_the_county_ranking_takes_as_many_queries_as_a_small_one(county):
    with CaptureQueriesContext(connection) as queries:
        compute(county, JULY, "township")
    assert len(queries) <= 7


def test_a_published_july_is_left_alone_by_the_scheme_august_is_ranked_by(county):
    office = User.objects.get(username="office")
    services.publish(office, month="2022-07", level="unit")
    july = ranking_for(county, JULY, "unit")
    services.save_scheme(office, 2022, name="迁安市2022年重点项目考核", reward_count=5,
                         summon_count=2, expected_version=1, indicators={
                             "plan_completion": {"name": "年度计划完成", "weight": "60",
                                                 "enabled": True,
                                                 "params": {"basis": "time", "step": "1",
                                                            "per_step": "1",
                                                            "bonus_cap": "10"}}})
    assert ranking_for(county, JULY, "unit") == july
    august = ranking_for(county, AUGUST, "unit")
    assert not august.published and august.reward_count == 5
    assert {s.max_points for s in august.rows[0].indicators if s.code == "plan_completion"} \
        == {Decimal("60.00")}
