"""A county with one lamp of each colour for July 2022, made by the warnings' own service
(`evaluate_period`), never by inserting lamps: the colours follow from the figures.

Only the progress rule is kept (the report and start rules are switched off through the
rules service): the reports here are filed today, years after July 2022's deadline, which
would make every lamp at least yellow. Time progress in July is 58.33 %:

- alice's project 7000 / 12000 = 58.3 %: green;
- "慢二十个百分点" 4000 / 10000 = 40 %, 18.3 points behind: yellow;
- bob's project 2000 / 20000 = 10 %, 48.3 points behind: red;
- "评估后新建" created after the evaluation: not evaluated (未评估).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import create_project
from taizhang.ledger.services.reports import approve_report, save_report, submit_report

JULY = Period(2022, 7)


@dataclass
class Lit:
    green: Any
    yellow: Any
    red: Any
    unevaluated: Any
    evaluation: Any


def approved(world: Any, project: Any, amount: str, period: Period = JULY) -> None:
    report = save_report(
        project,
        period,
        actor=world.office,
        data={"completed": Decimal(amount)},
        expected_version=UNCHECKED,
    )
    approve_report(
        submit_report(report, actor=world.office, expected_version=UNCHECKED),
        actor=world.office,
        expected_version=UNCHECKED,
    )


def project(world: Any, name: str, plan: str, **extra: Any) -> Any:
    made = create_project(
        actor=world.office,
        name=name,
        owner=world.bob_org,
        division=world.town,
        planned_total=Decimal("90000.00"),
        **extra,
    )
    set_annual_plan(
        made, 2022, actor=world.office, planned_investment=Decimal(plan), expected_version=UNCHECKED
    )
    return made


def progress_only(world: Any, year: int = 2022) -> None:
    from taizhang.warnings.services import rules_of_year, update_rule

    for rule in rules_of_year(world.county, year, actor=world.office):
        if rule.code != "progress":
            update_rule(
                rule,
                params=rule.params,
                enabled=False,
                actor=world.office,
                expected_version=rule.version,
            )


def evaluate(world: Any, period: Period = JULY, *, publish: bool = False) -> Any:
    from taizhang.warnings.services import evaluate_period

    evaluation = evaluate_period(world.county, period, actor=world.office)
    return published(world, evaluation) if publish else evaluation


def published(world: Any, evaluation: Any) -> Any:
    from taizhang.warnings.services import publish_evaluation

    return publish_evaluation(evaluation, actor=world.office, expected_version=evaluation.version)


def light(world: Any, *, publish: bool = True) -> Lit:
    """The four projects of the module's docstring, July evaluated (and published)."""
    approved(world, world.alice_project, "7000.00")
    approved(world, world.bob_project, "2000.00")
    yellow = project(
        world, "慢二十个百分点", "10000.00", leader=world.carol.person, responsible_unit=world.unit
    )
    approved(world, yellow, "4000.00")
    progress_only(world)
    evaluation = evaluate(world, publish=publish)
    unevaluated = project(world, "评估后新建", "5000.00")
    world.alice_project.refresh_from_db()
    world.bob_project.refresh_from_db()
    return Lit(
        green=world.alice_project,
        yellow=yellow,
        red=world.bob_project,
        unevaluated=unevaluated,
        evaluation=evaluation,
    )
