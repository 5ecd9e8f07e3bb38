"""Evaluating, publishing, editing rules and recording consequences: the service rules."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from taizhang.core.audit.models import AuditEvent
from taizhang.core.services import UNCHECKED, ConcurrentEdit, ServiceError
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import Project
from taizhang.ledger.services.projects import change_stage
from taizhang.warnings import services
from taizhang.warnings.choices import ConsequenceKind, LampColor
from taizhang.warnings.lamps import lamps_for, with_lamp
from taizhang.warnings.models import Consequence, Evaluation, Lamp, WarningRule
from taizhang.warnings.tests.helpers import JULY, JUNE, approved, project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):  # the refusals are matched by their English words
        yield
AFTER_DEADLINE = datetime(2022, 7, 20, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def _evaluate(world, period=JUNE, actor=None):
    return services.evaluate_period(world.county, period, actor=actor or world.office,
                                    now=AFTER_DEADLINE)


def _progress(world, year=2022):
    rules = services.rules_of_year(world.county, year, actor=world.office)
    return next(r for r in rules if r.code == "progress")


def _lamp(project, period=JUNE):
    return Lamp.objects.get(project=project, year=period.year, month=period.month)


@pytest.fixture
def ledger(world):
    """alice on time (green), bob 30.01 points below in June (red), one 20 below (yellow)."""
    approved(world, world.alice_project, "6000.00")
    approved(world, world.bob_project, "3998.00")
    yellow = project(world, "黄灯项目", plan="10000.00")
    approved(world, yellow, "3000.00")
    return yellow


def test_the_rules_of_a_year_start_from_the_defaults(world):
    rules = services.rules_of_year(world.county, 2022, actor=world.office)
    assert [r.code for r in rules][:3] == ["progress", "start_delay", "report"]
    assert _progress(world).params == {"basis": "annual_plan", "yellow_below": "10",
                                       "red_below": "30"}
    # One per registered rule: other apps register theirs (procedures' procedure_overdue).
    assert AuditEvent.objects.filter(action="warning.rule_created").count() == len(rules)
    services.rules_of_year(world.county, 2022, actor=world.office)  # created once
    assert WarningRule.objects.count() == len(rules)


def test_evaluating_stores_a_lamp_per_project_with_its_reasons(world, ledger):
    evaluation = _evaluate(world)
    assert services.color_counts(evaluation) == {"green": 1, "yellow": 1, "red": 1}
    red = _lamp(world.bob_project)
    assert (red.color, red.rule, red.evaluation_id) == (LampColor.RED, "progress", evaluation.pk)
    assert red.reasons[0]["values"]["points"] == "-30.01"
    assert evaluation.rules["progress"]["red_below"] == "30"
    assert AuditEvent.objects.get(action="warning.evaluated").changes["red"] == [None, 1]


def test_cancelled_projects_get_no_lamp(world, ledger):
    change_stage(ledger, Stage.CANCELLED, actor=world.office, effective_date=date(2022, 6, 20),
                 reason="企业撤资", expected_version=UNCHECKED)
    _evaluate(world)
    assert not Lamp.objects.filter(project=ledger).exists()


def test_evaluating_again_replaces_a_draft(world, ledger):
    first = _evaluate(world)
    approved(world, world.bob_project, "6002.00", JUNE.previous())  # bob now on time
    second = _evaluate(world)
    assert second.pk == first.pk and second.version == first.version + 1
    assert _lamp(world.bob_project).color == LampColor.GREEN
    assert Lamp.objects.count() == 3


def test_a_changed_threshold_applies_to_new_periods_and_never_to_a_published_one(world, ledger):
    june = _evaluate(world)
    services.publish_evaluation(june, actor=world.office, expected_version=june.version)
    rule = _progress(world)
    services.update_rule(rule, params={**rule.params, "yellow_below": "25"}, enabled=True,
                         actor=world.office, expected_version=rule.version)
    with pytest.raises(ServiceError, match="published"):
        _evaluate(world)
    assert _lamp(ledger).color == LampColor.YELLOW  # 20 below: yellow by June's rule
    assert Evaluation.objects.get(pk=june.pk).rules["progress"]["yellow_below"] == "10"
    approved(world, ledger, "1000.00", JULY)  # July: 4,000 of 10,000 = 18.33 points below
    _evaluate(world, JULY)
    assert _lamp(ledger, JULY).color == LampColor.GREEN  # the new line: 25 points


def test_a_disabled_rule_lights_nothing(world):
    late = project(world, "未开工", planned_start=date(2022, 1, 1))
    rule = next(r for r in services.rules_of_year(world.county, 2022, actor=world.office)
                if r.code == "start_delay")
    _evaluate(world)
    assert _lamp(late).color == LampColor.RED
    services.update_rule(rule, params=rule.params, enabled=False, actor=world.office,
                         expected_version=rule.version)
    _evaluate(world)
    assert _lamp(late).rule != "start_delay"


def test_a_stale_rule_edit_is_refused(world):
    rule = _progress(world)
    services.update_rule(rule, params=rule.params | {"red_below": "40"}, enabled=True,
                         actor=world.office, expected_version=rule.version)
    stale = WarningRule.objects.get(pk=rule.pk)
    with pytest.raises(ConcurrentEdit):
        services.update_rule(stale, params=rule.params, enabled=True, actor=world.office,
                             expected_version=1)
    with pytest.raises(ServiceError) as refused:
        services.update_rule(stale, params=rule.params | {"red_below": "x"}, enabled=True,
                             actor=world.office, expected_version=stale.version)
    assert refused.value.field == "red_below"


def test_only_the_office_evaluates_publishes_and_edits(world, ledger):
    for persona in (world.alice, world.carol, world.dave, world.victor, world.eve):
        with pytest.raises(PermissionDenied):
            _evaluate(world, actor=persona)
        with pytest.raises(PermissionDenied):
            services.rules_of_year(world.county, 2022, actor=persona)


def test_a_township_evaluation_does_not_overlap_the_countys(world, ledger):
    _evaluate(world)
    with pytest.raises(ServiceError, match="already evaluated"):
        services.evaluate_period(world.town, JUNE, actor=world.office, now=AFTER_DEADLINE)


def test_with_lamp_annotates_in_one_query(world, ledger, django_assert_num_queries):
    _evaluate(world)
    unevaluated = project(world, "新项目", plan="100.00")
    with django_assert_num_queries(1):
        rows = {p.pk: (p.lamp_color, p.lamp_rank)
                for p in with_lamp(Project.objects.all(), JUNE)}
    assert rows[world.bob_project.pk] == ("red", 2)
    assert rows[ledger.pk] == ("yellow", 1)
    assert rows[world.alice_project.pk] == ("green", 0)
    assert rows[unevaluated.pk] == (None, None)
    assert {p.lamp_color for p in with_lamp(Project.objects.all(), JUNE,
                                            published_only=True)} == {None}
    assert lamps_for(Project.objects.filter(pk=ledger.pk), JUNE).get().color == "yellow"


def _published(world):
    evaluation = _evaluate(world)
    return services.publish_evaluation(evaluation, actor=world.office,
                                       expected_version=evaluation.version)


def _talk(world, lamp, **kw):
    values = {"kind": ConsequenceKind.TALK, "date": date(2022, 7, 25), "held_by": "王建国副市长",
              "outcome": "限期整改", "actor": world.office} | kw
    return services.record_consequence(lamp, **values)


def test_a_consequence_is_recorded_against_a_published_lamp(world, ledger):
    evaluation = _evaluate(world)
    red = _lamp(world.bob_project)
    with pytest.raises(ServiceError, match="publish"):
        _talk(world, red)
    services.publish_evaluation(evaluation, actor=world.office,
                                expected_version=evaluation.version)
    red.refresh_from_db()
    talk = _talk(world, red)
    assert list(red.consequences.all()) == [talk]
    with pytest.raises(ServiceError, match="green"):
        _talk(world, _lamp(world.alice_project))
    with pytest.raises(ServiceError) as refused:
        _talk(world, red, held_by="  ")
    assert refused.value.field == "held_by"
    with pytest.raises(ServiceError) as refused:
        _talk(world, red, kind="fine")
    assert refused.value.field == "kind"


def test_a_stale_consequence_edit_is_refused(world, ledger):
    _published(world)
    talk = _talk(world, _lamp(world.bob_project))
    services.update_consequence(talk, actor=world.office, expected_version=talk.version,
                                kind=talk.kind, date=talk.date, held_by=talk.held_by,
                                outcome="已整改")
    stale = Consequence.objects.get(pk=talk.pk)
    with pytest.raises(ConcurrentEdit):
        services.update_consequence(stale, actor=world.office, expected_version=1,
                                    kind=talk.kind, date=talk.date, held_by="x", outcome="")
    assert AuditEvent.objects.filter(action="warning.consequence_updated").count() == 1


def test_readers_see_only_published_lamps_of_their_own_projects(world, ledger):
    evaluation = _evaluate(world)
    assert not Lamp.objects.restrict(world.bob).exists()
    services.publish_evaluation(evaluation, actor=world.office,
                                expected_version=evaluation.version)
    assert set(Lamp.objects.restrict(world.bob).values_list("project", flat=True)) == {
        world.bob_project.pk, ledger.pk}  # the helper's projects are bob's company's
    assert Lamp.objects.restrict(world.office).count() == 3
    assert not Lamp.objects.restrict(world.eve).exists()
    talk = _talk(world, _lamp(world.bob_project))
    assert not Consequence.objects.restrict(world.alice).filter(pk=talk.pk).exists()
    assert Consequence.objects.restrict(world.bob).filter(pk=talk.pk).exists()


def test_an_evaluation_costs_the_same_queries_for_few_and_many_projects(world, ledger):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.rules_of_year(world.county, 2022, actor=world.office)
    with CaptureQueriesContext(connection) as few:
        _evaluate(world)
    for n in range(40):
        project(world, f"批量{n}", plan="100.00")
    Evaluation.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        _evaluate(world)
    assert Lamp.objects.count() == 43
    assert len(many) == len(few) <= 20, [q["sql"][:80] for q in many.captured_queries]


def test_a_month_that_has_not_begun_is_not_evaluated(world):
    from taizhang.core.periods import Period

    with pytest.raises(ServiceError, match="2099-01"):
        services.evaluate_period(world.county, Period(2099, 1), actor=world.office)
    assert not Evaluation.objects.exists()
