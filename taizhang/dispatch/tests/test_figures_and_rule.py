"""The problems_overdue lamp rule through the warnings' own evaluation, and dispatch's
sections of `taizhang stats --json`."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from taizhang.core.periods import Period
from taizhang.dispatch import services
from taizhang.dispatch.tests.helpers import meeting_with_problems
from taizhang.warnings.services import evaluate_period

pytestmark = pytest.mark.django_db
JULY = Period(2022, 7)


def reasons(lamp) -> list[dict]:
    return [r for r in lamp.reasons if r["rule"] == "problems_overdue"]


def evaluate(world, now: datetime):
    evaluation = evaluate_period(world.county, JULY, actor=world.office, now=now)
    return {lamp.project_id: lamp for lamp in evaluation.lamps.all()}


def test_near_overdue_and_escalated(world):
    meeting_with_problems(world, deadline=date(2022, 7, 20))
    at = timezone.make_aware(timezone.datetime(2022, 7, 18, 12))
    lamps = evaluate(world, at)  # due within 3 days: yellow
    (near,) = reasons(lamps[world.alice_project.pk])
    assert near["color"] == "yellow" and near["values"]["overdue"] == 0
    services.tick(today=date(2022, 7, 21))  # both escalate
    lamps = evaluate(world, timezone.make_aware(timezone.datetime(2022, 8, 2, 12)))
    (red,) = reasons(lamps[world.bob_project.pk])
    assert red["color"] == "red" and red["values"]["escalated"] == 1
    assert "1" in lamps[world.bob_project.pk].explanations[-1]


def test_a_problem_far_from_its_deadline_lights_nothing(world):
    meeting_with_problems(world, deadline=date(2022, 12, 31))
    lamps = evaluate(world, timezone.make_aware(timezone.datetime(2022, 8, 2, 12)))
    assert not any(reasons(lamp) for lamp in lamps.values())


def test_stats_json_has_meetings_and_problems(world):
    meeting_with_problems(world)
    out = StringIO()
    call_command("stats", "--period", "2022-07", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["meetings"] == {"centralized": 0, "single_project": 0, "on_site": 1}
    assert data["problems"] == {"raised": 2, "resolved": 0, "open": 2, "overdue": 2}


def test_the_tick_command_refuses_a_bad_date(world):
    with pytest.raises(CommandError):
        call_command("dispatch-tick", "--date", "2022-13-01")
