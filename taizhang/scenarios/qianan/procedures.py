"""Procedures (手续办理) of the Qian'an demo: every project in the pipeline (谋划, 前期, on hold
in 前期) and every 2022 new start has its checklist; the pipeline's nodes; the 2022 campaign
(手续办理季, March–June) with its targets; the office's own item (人防审批).

Plausible, not published figures (DOMAIN.md: only the article's are): a new start acquired
its land 0–120 days before it started (a fifth "拿地即开工" within a week) and finished every
approval before; a 前期 project is partway down the checklist, its current item accepted by
its department with a deadline in working days, some of them overdue by the reporting month;
a 谋划 project has its approval under way at most. Through the services, as the office, in
one seeded random stream of its own (the rest of the scenario draws as before).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from taizhang.accounts.models import Division, Organization
from taizhang.core.services import UNCHECKED
from taizhang.core.workdays import add_working_days
from taizhang.ledger.models import Project
from taizhang.procedures import services
from taizhang.procedures.choices import ItemStatus, StandardKind
from taizhang.procedures.models import Campaign, ProcedureItem, ProcedureKind

SEED = 20220713
CAMPAIGN = ("2022年“手续办理季”攻坚行动", date(2022, 3, 1), date(2022, 6, 30))
OWN_KIND = ("人防工程审批", 10)  # the office's own item: civil air defence, 10 working days
# Who handles each item; the office's own goes to the housing bureau.
DEPARTMENT = {
    StandardKind.APPROVAL: "迁安市行政审批局",
    StandardKind.LAND_PRE_REVIEW: "迁安市自然资源和规划局",
    StandardKind.LAND_PLANNING: "迁安市自然资源和规划局",
    StandardKind.LAND_ACQUIRED: "迁安市自然资源和规划局",
    StandardKind.ENGINEERING_PLANNING: "迁安市自然资源和规划局",
    StandardKind.ENVIRONMENT: "迁安市生态环境局",
    StandardKind.ENERGY: "迁安市发改局",
    StandardKind.CONSTRUCTION_PERMIT: "迁安市住建局",
    "": "迁安市住建局",
}
INDUSTRY_BUREAU = "迁安市工信局"
TIME_LIMIT: dict[str, int] = {StandardKind.ENVIRONMENT: 30, StandardKind.CONSTRUCTION_PERMIT: 7}
PIPELINE_KINDS = ("planning", "prelim", "hold_prelim")
NODES = (("完成立项手续", 0.25), ("取得用地手续", 0.5), ("取得施工许可", 0.85), ("开工建设", 1.0))
CAMPAIGN_TARGETS = (
    StandardKind.APPROVAL,
    StandardKind.LAND_PRE_REVIEW,
    StandardKind.ENVIRONMENT,
    StandardKind.CONSTRUCTION_PERMIT,
)
REPORTING_DAY = date(2022, 8, 31)  # the demo's "today" is in the August reporting month


def load(county: Division, specs: list[Any], projects: dict[str, Project], office: Any) -> None:
    rng = random.Random(SEED)
    services.add_kind(county, name=OWN_KIND[0], actor=office, order=75, time_limit_days=OWN_KIND[1])
    departments = {
        o.name: o
        for o in Organization.objects.filter(name__in={*DEPARTMENT.values(), INDUSTRY_BUREAU})
    }
    chosen = [s for s in specs if s.kind in PIPELINE_KINDS or s.kind == "new"]
    for spec in chosen:
        project = projects[spec.name]
        services.open_checklist(project, actor=office)
        items = list(
            ProcedureItem.objects.filter(project=project)
            .select_related("kind")
            .order_by("kind__order", "kind_id")
        )
        if spec.kind == "new":
            _started(items, spec.start, rng, _handlers(spec, departments), office)
        else:
            _pipeline(items, spec, rng, _handlers(spec, departments), office)
            _nodes(project, spec, rng, office)
    _campaign(county, office)


def _handlers(spec: Any, departments: dict[str, Organization]) -> dict[str, Organization]:
    """{kind code: department} of a project: an industrial project files (备案) with the
    industry and IT bureau (the demo's `unit` login), others with the approval bureau."""
    found = {code: departments[name] for code, name in DEPARTMENT.items()}
    if spec.industry == "C":
        found[StandardKind.APPROVAL] = departments[INDUSTRY_BUREAU]
    return found


def _set(
    item: ProcedureItem, office: Any, departments: dict[str, Organization], **changes: Any
) -> ProcedureItem:
    department = departments[item.kind.code]
    return services.update_item(
        item, actor=office, expected_version=UNCHECKED, department=department, **changes
    )


def _started(
    items: list[ProcedureItem],
    start: date | None,
    rng: random.Random,
    departments: dict[str, Organization],
    office: Any,
) -> None:
    """A 2022 new start: land 0–120 days before the start, every approval done by then."""
    assert start is not None
    land = start - timedelta(days=rng.randint(0, 6) if rng.random() < 0.2 else rng.randint(20, 120))
    for item in items:
        code = item.kind.code
        if code == StandardKind.ENERGY and rng.random() < 0.3:
            _set(item, office, departments, status=ItemStatus.NOT_NEEDED)
            continue
        if code == StandardKind.LAND_ACQUIRED:
            done = land
        elif code in (
            StandardKind.APPROVAL,
            StandardKind.LAND_PRE_REVIEW,
            StandardKind.LAND_PLANNING,
        ):
            done = land - timedelta(days=rng.randint(10, 90))
        else:
            done = land + timedelta(days=rng.randint(0, max(0, (start - land).days)))
        accepted = done - timedelta(days=rng.randint(3, 20))
        _set(item, office, departments, status=ItemStatus.DONE, accepted_on=accepted, done_on=done)


def _pipeline(
    items: list[ProcedureItem],
    spec: Any,
    rng: random.Random,
    departments: dict[str, Organization],
    office: Any,
) -> None:
    """Partway down the checklist: done items, the current one accepted with a deadline."""
    if spec.kind == "planning":
        done_count = 0
        current = rng.random() < 0.5
    else:
        done_count = rng.randint(1, len(items) - 2)
        current = True
    day = date(2021, 10, 1) + timedelta(days=rng.randint(0, 120))
    for index, item in enumerate(items):
        if index < done_count:
            accepted = day
            day = add_working_days(day, rng.randint(5, 25))
            _set(
                item, office, departments, status=ItemStatus.DONE, accepted_on=accepted, done_on=day
            )
            day += timedelta(days=rng.randint(3, 30))
        elif index == done_count and current:
            accepted = max(day, date(2022, 5, 1) + timedelta(days=rng.randint(0, 100)))
            limit = TIME_LIMIT.get(item.kind.code, 20)
            _set(
                item,
                office,
                departments,
                status=ItemStatus.IN_PROGRESS,
                accepted_on=min(accepted, REPORTING_DAY),
                within_working_days=limit,
            )
        else:
            _set(item, office, departments)  # assigned, not started


def _nodes(project: Project, spec: Any, rng: random.Random, office: Any) -> None:
    """Nodes from today to the planned start (or six months on), the past ones done."""
    start = spec.planned_start or date(2023, 3, 1)
    span = max((start - date(2022, 3, 1)).days, 60)
    for name, share in NODES:
        planned = date(2022, 3, 1) + timedelta(days=int(span * share))
        node = services.add_node(project, name=name, planned_date=planned, actor=office)
        if planned < date(2022, 7, 31) and rng.random() < 0.8:
            services.update_node(
                node,
                name=name,
                planned_date=planned,
                done_on=planned - timedelta(days=rng.randint(0, 10)),
                actor=office,
                expected_version=UNCHECKED,
            )


def _campaign(county: Division, office: Any) -> None:
    name, start, end = CAMPAIGN
    campaign = services.create_campaign(county, name=name, start=start, end=end, actor=office)
    # The pipeline's items of the target kinds, and the new starts' finished in its months.
    items = (
        ProcedureItem.objects.filter(
            county.subtree_q("project__division__"), kind__code__in=CAMPAIGN_TARGETS
        )
        .filter(Q(project__actual_start__isnull=True) | Q(done_on__range=(start, end)))
        .exclude(status=ItemStatus.NOT_NEEDED)
    )
    services.add_targets(campaign, items, actor=office)


def reset(county_code: str) -> None:
    """What the demo's procedures keep of its county after the projects are gone."""
    Campaign.objects.filter(division__code=county_code).delete()
    ProcedureKind.objects.filter(division__code=county_code).delete()
