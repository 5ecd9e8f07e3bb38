"""Each rule at and around its thresholds, the worst colour, and a rule registered from outside."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from taizhang.accounts.models import OfficeSettings
from taizhang.core.services import ServiceError
from taizhang.ledger.models import Project
from taizhang.warnings import rules
from taizhang.warnings.choices import LampColor
from taizhang.warnings.tests.helpers import JULY, JUNE, approved, day, project

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
PROGRESS = rules.ProgressRule.defaults()


def _context(world, now="2022-08-20 09:00"):
    return rules.Context(office=OfficeSettings.for_division(world.county),
                         now=datetime.fromisoformat(now).replace(tzinfo=SHANGHAI))


def _colour(world, rule, p, period=JUNE, params=None, now="2022-08-20 09:00"):
    found = rule.evaluate(Project.objects.filter(pk=p.pk), period,
                          params or rule.defaults(), _context(world, now))
    return found.get(p.pk, (LampColor.GREEN, None))


# --- progress: June, time progress 50 %; plan 12,000: 10 points below is 4,800 -----------------

@pytest.mark.parametrize(("ytd", "color"), [
    ("6000.00", LampColor.GREEN),   # on time progress
    ("4801.20", LampColor.GREEN),   # 9.99 points below: not yet the yellow band
    ("4800.00", LampColor.YELLOW),  # exactly 10 below: the band "10–30 below" includes it
    ("4798.80", LampColor.YELLOW),  # 10.01 below
    ("2401.20", LampColor.YELLOW),  # 29.99 below
    ("2400.00", LampColor.YELLOW),  # exactly 30 below: still yellow ("more than 30": red)
    ("2398.80", LampColor.RED),     # 30.01 below
])
def test_progress_colours_around_its_lines(world, ytd, color):
    p = project(world, "进度测试", plan="12000.00")
    approved(world, p, ytd)
    found, values = _colour(world, rules.ProgressRule, p)
    assert found == color
    assert values["time"] == "0.5000"


def test_progress_lines_are_the_offices(world):
    p = project(world, "进度测试", plan="12000.00")
    approved(world, p, "5400.00")  # 5 points below
    assert _colour(world, rules.ProgressRule, p)[0] == LampColor.GREEN
    strict = rules.ProgressRule.clean({**PROGRESS, "yellow_below": "5", "red_below": "20"})
    assert _colour(world, rules.ProgressRule, p, params=strict)[0] == LampColor.YELLOW


def test_a_project_without_a_plan_has_no_progress_lamp(world):
    p = project(world, "无计划")
    assert _colour(world, rules.ProgressRule, p) == (LampColor.GREEN, None)


def test_the_progress_explanation_reads_like_the_bulletin(world):
    p = project(world, "进度测试", plan="12000.00")
    approved(world, p, "3750.00", JULY)  # 31.25 % against 58.33 %: 27.08 points
    color, values = _colour(world, rules.ProgressRule, p, period=JULY)
    reason = {"rule": "progress", "color": color, "values": values, "threshold": {}}
    with translation.override("zh-hans"):
        assert rules.explain(reason) == "完成率 31.3%，时间进度 58.3%，慢 27.0 个百分点 → 黄灯"
    with translation.override("en"):
        assert rules.explain(reason) == (
            "completion 31.3%, time progress 58.3%, 27.0 points behind → yellow lamp")
    assert values["points"] == "-27.08"  # exact, as the figures give it


@pytest.mark.parametrize(("amount", "expected"), [
    # 48.34 % against 58.33 %: 9.99 points behind, green. In tenths the sentence would say
    # "10.0 points behind → green" with yellow from 10, so it is said in hundredths.
    ("5800.80", "完成率 48.34%，时间进度 58.33%，慢 9.99 个百分点 → 绿灯"),
    # 48.33 %: 10.00 behind, yellow: in tenths it already agrees with the line.
    ("5799.60", "完成率 48.3%，时间进度 58.3%，慢 10.0 个百分点 → 黄灯"),
    # Around the red line (more than 30 behind): 28.32 % is 30.01 behind, red.
    ("3398.40", "完成率 28.32%，时间进度 58.33%，慢 30.01 个百分点 → 红灯"),
    # The case left (rules.ProgressRule.explain): 28.33 % is 30.003 behind (time progress is
    # 7/12), red, and reads 30.00 in hundredths too: kept in tenths.
    ("3399.60", "完成率 28.3%，时间进度 58.3%，慢 30.0 个百分点 → 红灯"),
    ("3600.00", "完成率 30.0%，时间进度 58.3%，慢 28.3 个百分点 → 黄灯"),
])
def test_an_explanation_never_crosses_a_line_its_lamp_did_not(world, amount, expected):
    p = project(world, "临界", plan="12000.00")
    approved(world, p, amount, JULY)
    color, values = _colour(world, rules.ProgressRule, p, period=JULY)
    threshold = rules.ProgressRule.threshold(rules.ProgressRule.defaults())
    reason = {"rule": "progress", "color": color, "values": values, "threshold": threshold}
    with translation.override("zh-hans"):
        assert rules.explain(reason) == expected


@pytest.mark.parametrize("params", [
    {"yellow_below": "abc"}, {"yellow_below": "101"}, {"red_below": "-1"},
    {"red_below": "10.55"}, {"yellow_below": "40", "red_below": "30"}, {"basis": "other"},
])
def test_progress_params_are_checked_naming_the_field(params):
    with pytest.raises(ServiceError) as refused:
        rules.ProgressRule.clean({**PROGRESS, **params})
    assert refused.value.field in params


# --- start delay: planned start month reached and not started -----------------------------------

@pytest.mark.parametrize(("planned", "color"), [
    ("2022-07-01", None),              # due next month: nothing yet
    ("2022-06-30", LampColor.YELLOW),  # due this month
    ("2022-05-01", LampColor.YELLOW),  # second month due
    ("2022-04-15", LampColor.RED),     # third consecutive month due and not started
    ("2021-12-01", LampColor.RED),
])
def test_start_delay_around_its_months(world, planned, color):
    p = project(world, "开工测试", planned_start=day(planned))
    found = rules.StartDelayRule.evaluate(Project.objects.filter(pk=p.pk), JUNE,
                                          rules.StartDelayRule.defaults(), _context(world))
    assert found.get(p.pk, (None,))[0] == color


def test_a_started_project_has_no_start_delay(world):
    # world's projects started in March 2022 (under construction since 2022-03-15).
    world.alice_project.planned_start = day("2022-01-01")
    world.alice_project.save()
    found = rules.StartDelayRule.evaluate(Project.objects.all(), JUNE,
                                          rules.StartDelayRule.defaults(), _context(world))
    assert world.alice_project.pk not in found


def test_start_delay_explains_itself(world):
    p = project(world, "开工测试", planned_start=day("2022-04-15"))
    color, values = _colour(world, rules.StartDelayRule, p)
    with translation.override("zh-hans"):
        text = rules.explain({"rule": "start_delay", "color": color, "values": values})
    assert text == "计划 2022-04 开工，至 2022-06 仍未开工（已到期 3 个月）→ 红灯"


# --- the month's report: the office's deadline (10 August for July) -----------------------------

def test_a_missing_report_is_red_only_after_the_deadline(world):
    p = world.alice_project
    assert _colour(world, rules.ReportRule, p, JULY, now="2022-08-10 23:59:59")[0] == "green"
    color, values = _colour(world, rules.ReportRule, p, JULY, now="2022-08-11 00:00:00")
    assert (color, values["state"]) == (LampColor.RED, "missing")
    with translation.override("zh-hans"):
        text = rules.explain({"rule": "report", "color": color, "values": values})
    assert text == "2022-07 月报截至 2022-08-10 未报送 → 红灯"


@pytest.mark.parametrize(("moment", "color"), [
    ("2022-08-10 23:59:59", LampColor.GREEN),
    ("2022-08-11 00:00:00", LampColor.YELLOW),
])
def test_a_late_report_is_yellow(world, moment, color):
    approved(world, world.alice_project, "10.00", JULY,
             at=datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI))
    assert _colour(world, rules.ReportRule, world.alice_project, JULY)[0] == color


# --- every rule together -------------------------------------------------------------------------

def _all(world, period=JUNE, codes=("progress", "start_delay", "report")):
    params = {code: rules.get_rule(code).defaults() for code in codes}
    return rules.evaluate_all(Project.objects.all(), period, params, _context(world))


def test_the_worst_colour_wins_and_every_non_green_reason_is_kept(world):
    p = project(world, "两项预警", plan="12000.00", planned_start=day("2022-06-01"))
    approved(world, p, "2000.00")  # red on progress; start delay yellow; report on time
    verdict = _all(world)[p.pk]
    assert (verdict.color, verdict.rule) == (LampColor.RED, "progress")
    assert [(r["rule"], r["color"]) for r in verdict.reasons] == [
        ("progress", "red"), ("start_delay", "yellow")]
    assert verdict.reasons[0]["threshold"] == {"yellow_below": "10", "red_below": "30"}


def test_green_progress_values_are_kept(world):
    p = project(world, "按进度", plan="12000.00")
    approved(world, p, "6000.00")
    verdict = _all(world)[p.pk]
    assert verdict.color == LampColor.GREEN
    assert [r["rule"] for r in verdict.reasons] == ["progress"]


class _Overdue(rules.Rule):
    """What dispatch (issue 12) will register: overdue problems of a project."""

    title = "overdue problems"
    params = {"red_days": rules.Param("red after … days", "months", 2)}

    @classmethod
    def evaluate(cls, projects, period, params, context) -> dict[int, Any]:
        return {pk: (LampColor.RED, {"days": 40})
                for pk in projects.filter(name__contains="问题").values_list("pk", flat=True)}

    @classmethod
    def explain(cls, reason):
        return f"{reason['values']['days']} days overdue"


@pytest.fixture
def overdue_rule():
    rules.register("problem_overdue")(_Overdue)
    yield _Overdue
    rules.unregister("problem_overdue")


def test_another_app_adds_a_rule_by_registering_it(world, overdue_rule):
    p = project(world, "问题逾期", plan="12000.00")
    approved(world, p, "6000.00")
    assert "problem_overdue" in rules.registered()
    verdict = _all(world, codes=("progress", "problem_overdue"))[p.pk]
    assert (verdict.color, verdict.rule) == (LampColor.RED, "problem_overdue")
    assert rules.explain(verdict.reasons[-1]) == "40 days overdue"


def test_a_rule_cannot_be_registered_twice_under_one_code():
    with pytest.raises(ValueError, match="twice"):
        rules.register("progress")(_Overdue)


# --- the SQL form agrees with the figures' own Python rules --------------------------------------

def _amounts() -> list[tuple[str, str]]:
    """(plan, year to date): halves of the last rate place, the money cap, and a seeded
    spread of ordinary amounts."""
    import random
    from decimal import Decimal

    seeded = random.Random(20221)
    pairs = [("20000.00", "1.01"),       # 0.0000505: half up to 0.0001
             ("20000.00", "0.99"),       # 0.0000495: down to 0.0000
             ("3.00", "1.00"), ("3.00", "2.00"), ("0.01", "99999999.99"),
             ("99999999.99", "99999999.99"), ("99999999.99", "0.01"), ("7.00", "0.00")]
    for _ in range(16):
        plan = seeded.randint(1, 10**10 - 1)
        ytd = seeded.randint(0, min(2 * plan, 10**10 - 1))
        pairs.append((str(Decimal(plan).scaleb(-2)), str(Decimal(ytd).scaleb(-2))))
    return pairs


@pytest.mark.parametrize("period", [JULY, rules.Period(2022, 12)])
def test_the_progress_sql_agrees_with_the_rates_to_the_last_place(world, period):
    from decimal import Decimal

    from taizhang.figures import rates as figures_rates

    made = []
    for n, (plan, ytd) in enumerate(_amounts()):
        p = project(world, f"一致性{n:02d}", plan=plan)
        approved(world, p, ytd, JUNE)
        made.append((p.pk, Decimal(plan), Decimal(ytd)))
    strict = rules.ProgressRule.clean({**PROGRESS, "yellow_below": "12.5", "red_below": "33.3"})
    found = rules.ProgressRule.evaluate(Project.objects.filter(name__startswith="一致性"), period,
                                        strict, _context(world, "2023-01-20 09:00"))
    for pk, plan, ytd in made:
        rate = figures_rates.completion_rate(ytd, plan)
        expected = {"rate": str(rate), "time": str(figures_rates.time_progress(period)),
                    "points": str(figures_rates.points_vs_time(rate, period))}
        if figures_rates.is_behind(ytd, plan, period, Decimal("33.3")):
            colour = LampColor.RED
        elif figures_rates.is_at_least_behind(ytd, plan, period, Decimal("12.5")):
            colour = LampColor.YELLOW
        else:
            colour = LampColor.GREEN
        assert found[pk] == (colour, expected), (plan, ytd)
