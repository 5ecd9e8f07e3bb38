"""The warning rule `procedure_overdue` and the daily tick, with time travel across the 2022
Spring Festival (31 Jan – 6 Feb off) and its make-up working days (29 and 30 Jan)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import translation

from taizhang.accounts.models import OfficeSettings
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.models import Project
from taizhang.notices.models import Notification
from taizhang.procedures import services
from taizhang.procedures.choices import ItemStatus
from taizhang.procedures.rules import ProcedureOverdueRule
from taizhang.procedures.tests.helpers import checklist, day
from taizhang.warnings import rules as warning_rules
from taizhang.warnings.choices import LampColor

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def _context(world, on: str):
    return warning_rules.Context(
        office=OfficeSettings.for_division(world.county),
        now=datetime.combine(day(on), time(9), tzinfo=TZ),
    )


def _lamp(world, project, on, period, **params):
    found = ProcedureOverdueRule.evaluate(
        Project.objects.filter(pk=project.pk),
        period,
        {**ProcedureOverdueRule.defaults(), **params},
        _context(world, on),
    )
    return found.get(project.pk, (None, None))


def _due(world, deadline: str):
    item = checklist(world, world.alice_project, department=world.unit)
    return services.update_item(
        item,
        actor=world.office,
        expected_version=UNCHECKED,
        status=ItemStatus.IN_PROGRESS,
        deadline=day(deadline),
    )


def test_the_rule_is_registered_without_changing_the_warnings():
    assert warning_rules.get_rule("procedure_overdue") is ProcedureOverdueRule
    assert ProcedureOverdueRule.clean({"near_days": "10", "red_after": "3"}) == {
        "near_days": "10",
        "red_after": "3",
    }


@pytest.mark.parametrize(
    ("on", "color"),
    [
        ("2022-01-21", None),  # due 2022-02-08: 8 working days away
        ("2022-01-27", LampColor.YELLOW),  # 28, 29 (Sat), 30 (Sun), 7 Feb, 8 Feb: 5 working days
        ("2022-02-08", LampColor.YELLOW),  # the deadline itself: due, not late
        ("2022-02-09", LampColor.RED),  # one day late
    ],
)
def test_near_and_overdue_in_working_days_across_the_festival(world, on, color):
    _due(world, "2022-02-08")
    period = Period.of(day(on))
    assert _lamp(world, world.alice_project, on, period)[0] == color


def test_red_only_after_the_days_of_grace(world):
    _due(world, "2022-01-28")
    # 29 and 30 Jan are make-up working days: on 31 Jan the item is 2 working days late.
    assert (
        _lamp(world, world.alice_project, "2022-01-31", Period(2022, 1), red_after="3")[0]
        == LampColor.YELLOW
    )
    assert (
        _lamp(world, world.alice_project, "2022-02-09", Period(2022, 2), red_after="3")[0]
        == LampColor.RED
    )


def test_a_past_month_is_judged_at_its_last_day_and_nodes_count(world):
    services.add_node(
        world.alice_project, name="主体封顶", planned_date=day("2022-05-20"), actor=world.office
    )
    color, values = _lamp(world, world.alice_project, "2022-08-01", Period(2022, 5))
    assert color == LampColor.RED and values["day"] == "2022-05-31"
    reason = {"rule": "procedure_overdue", "color": color, "values": values}
    with translation.override("en"):
        assert warning_rules.explain(reason).startswith("on 2022-05-31: 1 procedure items")


def test_done_and_waived_items_are_never_late(world):
    item = _due(world, "2022-02-08")
    services.update_item(
        item,
        actor=world.office,
        expected_version=UNCHECKED,
        status=ItemStatus.DONE,
        done_on=day("2022-02-10"),
    )
    assert _lamp(world, world.alice_project, "2022-03-01", Period(2022, 3))[0] is None


def test_the_tick_notifies_the_department_and_the_owner_once(world):
    _due(world, "2022-02-08")
    call_command("procedures-tick", "--today", "2022-01-21")  # 8 working days before
    assert not Notification.objects.exists()
    call_command("procedures-tick", "--today", "2022-01-27")
    due = Notification.objects.filter(kind="procedure-due")
    assert {n.recipient.username for n in due} == {"dave", "alice"}
    call_command("procedures-tick", "--today", "2022-01-28")  # not twice
    assert due.count() == 2
    call_command("procedures-tick", "--today", "2022-02-09")
    assert set(
        Notification.objects.filter(kind="procedure-overdue").values_list(
            "recipient__username", flat=True
        )
    ) == {"dave", "alice"}
    with translation.override("en"):
        text = Notification.objects.filter(kind="procedure-overdue").first().text
    assert "was due on 2022-02-08" in str(text)
