"""Each indicator's points at, just below and just above its bands, steps and caps; the
parameters the office types, checked; the figures behind the bands counted in SQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from taizhang.assessment.indicators import RULES, Context
from taizhang.core.periods import Period
from taizhang.core.services import ServiceError
from taizhang.ledger.models import Project

JULY = Period(2022, 7)
D = Decimal


def points(code, figures, weight=None, **params):
    rule = RULES[code]
    merged = rule.clean({**rule.defaults, **params})
    return rule.points(figures, merged, D(weight) if weight is not None else rule.weight)


@pytest.mark.parametrize(("difference", "expected"), [
    ("0", "40.00"), ("1.99", "40.00"), ("2", "41.00"), ("3.99", "41.00"), ("4", "42.00"),
    ("-1.99", "40.00"), ("-2", "39.00"), ("-2.01", "39.00"), ("-4", "38.00"),
    ("9.99", "44.00"), ("10", "45.00"), ("12", "45.00"), ("50", "45.00"),  # bonus cap 5
    ("-78", "1.00"), ("-80", "0.00"), ("-200", "0.00"),  # never below 0
])
def test_plan_completion_moves_a_point_per_whole_step_of_two_within_its_caps(difference,
                                                                            expected):
    figures = {"annual_plan": D("1000.00"), "difference": D(difference)}
    assert points("plan_completion", figures) == D(expected)


def test_plan_completion_without_a_plan_gives_nothing():
    assert points("plan_completion", {"annual_plan": D("0.00"), "difference": D(0)}) == 0


def test_plan_completion_steps_and_caps_are_the_schemes():
    figures = {"annual_plan": D("1"), "difference": D("7")}
    assert points("plan_completion", figures, step="5", per_step="2", bonus_cap="1") == D("41")
    assert points("plan_completion", figures, weight="30") == D("33")


def test_plan_completion_figures_compare_with_time_progress_or_the_plan(world):
    from taizhang.assessment.tests.helpers import approved

    approved(world, world.alice_project, JULY, "7200.00")  # plan 12000: 60 %
    ctx = Context(world.county, JULY, "township", Project.objects.all())
    found = RULES["plan_completion"].figures(ctx, {"basis": "time"})[world.town.pk]
    assert found["completion_rate"] == D("60.00")
    assert found["reference"] == D("58.33")
    assert found["difference"] == D("60") - JULY.time_progress * 100
    by_plan = RULES["plan_completion"].figures(ctx, {"basis": "plan"})[world.town.pk]
    assert by_plan["difference"] == D("-40")


@pytest.mark.parametrize(("count", "expected"), [(0, "0"), (4, "8"), (5, "10"), (6, "10")])
@pytest.mark.parametrize("code", ["new_starts", "completed"])
def test_per_project_points_stop_at_the_weight(code, count, expected):
    figure = RULES[code].figure
    assert points(code, {figure: count}) == D(expected)


@pytest.mark.parametrize(("count", "expected"), [(4, "8"), (5, "10"), (6, "10")])
def test_key_list_points_stop_at_the_weight(count, expected):
    assert points("key_lists", {"on_lists": count}) == D(expected)


@pytest.mark.parametrize(("made", "due", "expected"), [
    (0, 0, "10.00"),  # nothing was due: the full score
    (0, 4, "0.00"), (1, 3, "3.33"), (2, 4, "5.00"), (4, 4, "10.00"),
])
def test_start_rate_gives_the_weight_times_the_rate(made, due, expected):
    rate = D(made) * 100 / due if due else D(0)
    figures = {"started_of_planned": made, "planned_new_starts": due,
               "start_rate": rate.quantize(D("0.01"))}
    assert points("start_rate", figures) == D(expected)


def test_size_bands_add_each_bands_points_up_to_the_weight():
    figures = {"band_100000": 1, "band_50000": 1, "band_10000": 1, "band_0": 1}
    assert points("size_bands", figures) == D("10")  # 4 + 3 + 2 + 1
    assert points("size_bands", {"band_100000": 2, "band_50000": 1}) == D("10")  # 11, capped
    assert points("size_bands", {"band_0": 3}) == D("3")


def test_punctual_reporting_takes_points_off_per_late_and_missing_report():
    assert points("punctual_reporting", {"expected": 5, "late": 0, "missing": 0}) == D("10")
    assert points("punctual_reporting", {"expected": 5, "late": 1, "missing": 1}) == D("8.50")
    assert points("punctual_reporting", {"expected": 30, "late": 0, "missing": 10}) == D("0")
    assert points("punctual_reporting", {"expected": 30, "late": 0, "missing": 11}) == D("0")


@pytest.mark.parametrize(("count", "expected"), [(0, "0"), (3, "-3"), (10, "-10"),
                                                 (11, "-10")])
def test_late_starts_deduct_down_to_minus_the_weight(count, expected):
    assert points("late_starts", {"overdue_starts": count}) == D(expected)


@pytest.mark.parametrize(("deducted", "expected"), [("0", "0"), ("5.5", "-5.5"),
                                                    ("20", "-20"), ("20.01", "-20")])
def test_entered_deductions_count_down_to_minus_the_weight(deducted, expected):
    assert points("deductions", {"deducted": D(deducted)}) == D(expected)


def test_points_are_decimals_with_two_places():
    value = points("punctual_reporting", {"late": 1, "missing": 0})
    assert isinstance(value, Decimal) and value.as_tuple().exponent == -2


# --- parameters the office types ------------------------------------------------------------

def test_bands_are_read_as_typed_and_kept_largest_first():
    cleaned = RULES["size_bands"].clean({"bands": "0:1，100000：4, 50000:3", "of": "all"})
    assert cleaned["bands"] == [["100000", "4"], ["50000", "3"], ["0", "1"]]


@pytest.mark.parametrize(("params", "field"), [
    ({"bands": "100000-4"}, "size_bands-bands"),
    ({"bands": "abc:4"}, "size_bands-bands"),
    ({"bands": "100:1, 100:2"}, "size_bands-bands"),
    ({"bands": ""}, "size_bands-bands"),
    ({"of": "everything"}, "size_bands-of"),
])
def test_a_bad_band_is_refused_naming_the_field(params, field):
    with pytest.raises(ServiceError) as refused:
        RULES["size_bands"].clean({**RULES["size_bands"].defaults, **params})
    assert refused.value.field == field


@pytest.mark.parametrize("value", ["-1", "x", "NaN", "1e12"])
def test_a_bad_number_is_refused(value):
    with pytest.raises(ServiceError) as refused:
        RULES["plan_completion"].clean({**RULES["plan_completion"].defaults, "step": value})
    assert refused.value.field == "plan_completion-step"


def test_unknown_lists_are_refused():
    with pytest.raises(ServiceError):
        RULES["key_lists"].clean({"lists": "province, city-hall", "per_project": "2"})


def test_problems_resolved_is_a_hook_not_a_rule_yet():
    assert "problems_resolved" not in RULES  # dispatch (issue 12) registers it


# --- the figures behind the bands, in SQL ----------------------------------------------------

def _project(world, name, total, **kw):
    from taizhang.ledger.services.projects import create_project

    return create_project(actor=world.office, name=name, owner=world.bob_org,
                          division=world.other_town, planned_total=D(total), **kw)


def test_a_project_at_a_band_line_counts_in_the_band_above_it(world):
    for name, total in (("十亿整", "100000.00"), ("差一分", "99999.99"), ("五亿整", "50000.00"),
                        ("一亿整", "10000.00"), ("小项目", "9999.99")):
        _project(world, name, total, actual_start=date(2022, 3, 1))
    _project(world, "去年开工", "200000.00", actual_start=date(2021, 5, 1))
    def ctx():  # one per ranking: a rule's conditions are counted once in it
        return Context(world.county, JULY, "township", Project.objects.filter(
            division=world.other_town).exclude(pk=world.bob_project.pk))

    rule = RULES["size_bands"]
    started = rule.figures(ctx(), rule.clean(rule.defaults))[world.other_town.pk]
    assert started == {"band_100000": 1, "band_50000": 2, "band_10000": 1, "band_0": 1}
    every = rule.figures(ctx(), rule.clean({**rule.defaults, "of": "all"}))[world.other_town.pk]
    assert every["band_100000"] == 2


def test_a_start_due_by_the_end_of_the_period_and_not_made_by_then_is_overdue(world):
    _project(world, "月末计划", "100.00", planned_start=date(2022, 7, 31))
    _project(world, "下月计划", "100.00", planned_start=date(2022, 8, 1))
    _project(world, "按时开工", "100.00", planned_start=date(2022, 6, 1),
             actual_start=date(2022, 6, 20))
    _project(world, "迟开工", "100.00", planned_start=date(2022, 6, 1),
             actual_start=date(2022, 8, 2))
    ctx = Context(world.county, JULY, "township", Project.objects.all())
    found = RULES["late_starts"].figures(ctx, {"per_project": "1"})
    assert found[world.other_town.pk] == {"overdue_starts": 2}  # 月末计划, 迟开工 (in July)
