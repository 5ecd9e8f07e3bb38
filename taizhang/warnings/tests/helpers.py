"""Shared by the warnings' tests: ledger data through the real services."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from freezegun import freeze_time

from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import create_project
from taizhang.ledger.services.reports import approve_report, save_report, submit_report

JUNE = Period(2022, 6)  # time progress exactly 50 %: the lines fall on round amounts
JULY = Period(2022, 7)


def approved(world, project, amount, period=JUNE, at=None):
    """An approved report, submitted on time (the 5th of the next month) unless `at`."""
    moment = at or datetime.combine(period.next().first_day.replace(day=5), time(10),
                                    tzinfo=ZoneInfo("Asia/Shanghai"))
    with freeze_time(moment):
        return _approved(world, project, amount, period)


def _approved(world, project, amount, period):
    report = save_report(project, period, actor=world.office,
                         data={"completed": Decimal(amount)}, expected_version=UNCHECKED)
    return approve_report(submit_report(report, actor=world.office, expected_version=UNCHECKED),
                          actor=world.office, expected_version=UNCHECKED)


def project(world, name, *, plan=None, planned_start=None, division=None):
    created = create_project(actor=world.office, name=name, owner=world.bob_org,
                             division=division or world.town, planned_total=Decimal("90000.00"),
                             planned_start=planned_start)
    if plan is not None:
        set_annual_plan(created, 2022, actor=world.office, planned_investment=Decimal(plan),
                        expected_version=UNCHECKED)
    return created


def day(text: str) -> date:
    return date.fromisoformat(text)
