"""Every transition of a problem, the refused ones, the tick's escalation and who may act."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import ConcurrentEdit, ServiceError
from taizhang.dispatch import figures, services
from taizhang.dispatch.choices import MeetingKind
from taizhang.dispatch.choices import ProblemStatus as S
from taizhang.dispatch.models import Problem, Supervision
from taizhang.dispatch.services import ProblemSpec
from taizhang.dispatch.tests.helpers import DAY, DEADLINE, meeting_with_problems, other_unit_user
from taizhang.notices.models import Notification

pytestmark = pytest.mark.django_db


def fresh(problem: Problem) -> Problem:
    return Problem.objects.get(pk=problem.pk)


@pytest.fixture
def problems(world):
    meeting = meeting_with_problems(world)
    return list(meeting.problems.order_by("pk"))


def test_a_meeting_raises_its_problems_and_notifies_the_unit(world, problems):
    assert [p.status for p in problems] == [S.OPEN, S.OPEN]
    assert Notification.objects.filter(recipient=world.dave, kind="dispatch.assigned").count() == 2
    assert AuditEvent.objects.filter(action="problem.raised").count() == 2
    assert AuditEvent.objects.filter(action="meeting.recorded").count() == 1


def test_the_whole_road_to_resolved(world, problems):
    p = problems[0]
    p = services.accept(p, actor=world.dave, expected_version=p.version, today=DAY)
    assert p.status == S.IN_PROGRESS
    services.report_progress(p, "已上报省厅", actor=world.dave, today=DAY)
    p = services.propose_resolution(fresh(p), "预审已批复", actor=world.dave,
                                    expected_version=p.version, today=DAY)
    assert p.status == S.PROPOSED
    p = services.send_back(p, "批复文件未上传", actor=world.office, expected_version=p.version)
    assert p.status == S.IN_PROGRESS
    p = services.propose_resolution(p, "批复已上传", actor=world.dave, expected_version=p.version)
    p = services.confirm_resolution(p, actor=world.office, expected_version=p.version,
                                    today=date(2022, 7, 15))
    assert (p.status, p.resolved_on) == (S.RESOLVED, date(2022, 7, 15))
    assert Notification.objects.filter(recipient=world.dave, kind="dispatch.resolved").exists()
    assert [n.kind for n in p.notes.all()] == [
        "assigned", "accepted", "progress", "proposed", "sent_back", "proposed", "resolved"]


@pytest.mark.parametrize("step", ["propose", "confirm", "send_back", "progress"])
def test_steps_out_of_order_are_refused_with_a_reason(world, problems, step):
    p = problems[0]  # open
    with pytest.raises(ServiceError, match=str(S.OPEN.label)):
        if step == "propose":
            services.propose_resolution(p, "x", actor=world.dave, expected_version=p.version)
        elif step == "confirm":
            services.confirm_resolution(p, actor=world.office, expected_version=p.version)
        elif step == "send_back":
            services.send_back(p, "x", actor=world.office, expected_version=p.version)
        else:
            services.report_progress(p, "x", actor=world.dave)


def test_accepting_twice_and_a_resolved_problem_are_refused(world, problems):
    p = services.accept(problems[0], actor=world.dave, expected_version=problems[0].version)
    with pytest.raises(ServiceError):
        services.accept(p, actor=world.dave, expected_version=p.version)


def test_a_stale_form_is_refused(world, problems):
    p = problems[0]
    stale = p.version
    services.accept(p, actor=world.dave, expected_version=stale)
    p = fresh(p)
    with pytest.raises(ConcurrentEdit):
        services.propose_resolution(p, "x", actor=world.dave, expected_version=stale)


def test_a_unit_cannot_act_on_another_units_problem(world, problems):
    ursula = other_unit_user(world)
    p = problems[0]
    with pytest.raises(PermissionDenied):
        services.accept(p, actor=ursula, expected_version=p.version)
    assert not Problem.objects.restrict(ursula, "view").exists()


def test_the_unit_does_not_confirm_and_the_office_does_not_work(world, problems):
    p = services.accept(problems[0], actor=world.dave, expected_version=problems[0].version)
    p = services.propose_resolution(p, "x", actor=world.dave, expected_version=p.version)
    with pytest.raises(PermissionDenied):
        services.confirm_resolution(p, actor=world.dave, expected_version=p.version)
    with pytest.raises(PermissionDenied):
        services.accept(problems[1], actor=world.alice, expected_version=problems[1].version)


def test_owners_see_only_problems_on_their_own_projects(world, problems):
    assert list(Problem.objects.restrict(world.alice, "view")) == [problems[0]]
    assert list(Problem.objects.restrict(world.bob, "view")) == [problems[1]]
    assert Problem.objects.restrict(world.eve, "view").count() == 0
    # the leader leads alice's project only
    assert list(Problem.objects.restrict(world.carol, "view")) == [problems[0]]


def test_the_tick_reminds_then_escalates_and_the_plan_closes_with_the_problem(world, problems):
    first, second = problems
    services.accept(first, actor=world.dave, expected_version=first.version)
    near = services.tick(today=date(2022, 7, 18))
    assert (near.reminded, near.escalated) == (2, 0)
    assert services.tick(today=date(2022, 7, 18)).reminded == 0  # once
    out = StringIO()
    call_command("dispatch-tick", "--date", "2022-07-21", stdout=out)
    assert fresh(first).status == fresh(second).status == S.ESCALATED
    supervision = Supervision.objects.get(problem=second)
    assert supervision.plan_deadline == date(2022, 7, 28)  # five working days
    assert Notification.objects.filter(recipient=world.dave, kind="dispatch.overdue").count() == 2
    services.submit_plan(second, "8月10日前完成接电", actor=world.dave,
                         today=date(2022, 7, 23))
    p = fresh(second)
    p = services.propose_resolution(p, "已接电", actor=world.dave, expected_version=p.version)
    p = services.send_back(p, "未见验收单", actor=world.office, expected_version=p.version)
    assert p.status == S.ESCALATED  # still under its 督办单
    p = services.propose_resolution(p, "验收单已附", actor=world.dave, expected_version=p.version)
    services.confirm_resolution(p, actor=world.office, expected_version=p.version,
                                today=date(2022, 8, 2))
    assert Supervision.objects.get(problem=second).closed_on == date(2022, 8, 2)


def test_escalating_before_the_deadline_is_refused(world, problems):
    with pytest.raises(ServiceError):
        services.escalate(problems[0], actor=world.office, today=DEADLINE)


def test_a_problem_from_an_owners_report(world):
    report = None
    spec = ProblemSpec(world.alice_project, "utilities", "缺少施工用水", world.unit, DEADLINE)
    with pytest.raises(PermissionDenied):
        services.raise_problem(spec, actor=world.alice, report=report, today=DAY)
    p = services.raise_problem(spec, actor=world.office, report=report, today=DAY)
    assert p.raised_on == DAY and p.status == S.OPEN


def test_a_deadline_before_the_meeting_names_the_row(world):
    with pytest.raises(ServiceError) as refused:
        services.record_meeting(
            actor=world.office, division=world.county, kind=MeetingKind.CENTRALIZED, date=DAY,
            chair=world.carol.person, problems=[
                ProblemSpec(world.alice_project, "land", "a", world.unit, DEADLINE),
                ProblemSpec(world.alice_project, "land", "b", world.unit, date(2022, 7, 1))])
    assert "2" in str(refused.value) and refused.value.field == "deadline"


def test_counts_by_period_category_and_unit(world, problems):
    p = services.accept(problems[0], actor=world.dave, expected_version=problems[0].version)
    p = services.propose_resolution(p, "x", actor=world.dave, expected_version=p.version)
    services.confirm_resolution(p, actor=world.office, expected_version=p.version,
                                today=date(2022, 7, 10))
    july = Period(2022, 7)
    assert figures.problem_counts(july) == {"raised": 2, "resolved": 1, "open": 1,
                                            "overdue": 1}
    assert figures.problem_counts(Period(2022, 6))["raised"] == 0
    assert figures.meetings_by_kind(july) == {"centralized": 0, "single_project": 0,
                                              "on_site": 1}
    assert figures.solved_by(july, "category") == [{"category": "land", "solved": 1}]
    assert figures.solved_by(july, "unit") == [{"responsible_unit__name": "迁安市发改局",
                                                "solved": 1}]


def test_working_days_across_the_spring_festival(world):
    """2022: holidays Jan 31 – Feb 6, make-up working days Sat Jan 29 and Sun Jan 30."""
    meeting = meeting_with_problems(world, day=date(2022, 1, 20), deadline=date(2022, 1, 27))
    later = services.record_meeting(
        actor=world.office, division=world.county, kind=MeetingKind.CENTRALIZED,
        date=date(2022, 1, 20), chair=world.carol.person, problems=[
            ProblemSpec(world.alice_project, "land", "due Feb 7", world.unit, date(2022, 2, 7)),
            ProblemSpec(world.alice_project, "land", "due Feb 8", world.unit, date(2022, 2, 8))])
    result = services.tick(today=date(2022, 1, 28))  # Friday before the holidays
    assert result.escalated == 2  # the meeting's two, due the day before
    # Three working days from Jan 28: Jan 29, Jan 30 (make-up), Feb 7: due Feb 7 is near.
    near = {p.description: p.reminded_near for p in Problem.objects.filter(meeting=later)}
    assert near == {"due Feb 7": True, "due Feb 8": False}
    # Five working days for the plan: Jan 29, Jan 30, Feb 7, Feb 8, Feb 9.
    supervision = Supervision.objects.get(problem=meeting.problems.first())
    assert supervision.plan_deadline == date(2022, 2, 9)
