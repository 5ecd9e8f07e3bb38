from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from taizhang.core.audit.service import diff, record, snapshot
from taizhang.core.limits import first_too_long
from taizhang.core.services import (
    ConcurrentEdit,
    ServiceError,
    check_version,
    save_versioned,
)
from taizhang.ledger.models import AnnualPlan, Project
from taizhang.ledger.services.common import require_project, validate_field

_PLAN_FIELDS = ["planned_investment", "image_target", "planned_new_start"]


@transaction.atomic
def set_annual_plan(
    project: Project,
    year: int,
    *,
    actor: Any,
    planned_investment: Decimal,
    image_target: str = "",
    planned_new_start: bool = False,
    expected_version: Any,
) -> AnnualPlan:
    """Create or change a project's plan for a year (the office's decision); the version as
    in `save_report` (0: the form saw no plan for that year)."""
    require_project(actor, project, "change")
    validate_field(AnnualPlan, "planned_investment", planned_investment)
    plan = AnnualPlan.objects.filter(project=project, year=year).first()
    values = {
        "planned_investment": planned_investment,
        "image_target": image_target,
        "planned_new_start": planned_new_start,
    }
    over = first_too_long(AnnualPlan, values)
    if over:
        raise ServiceError(over[1], field=over[0])
    if plan is None:
        check_version(expected_version, None)
        try:
            with transaction.atomic():  # a savepoint: two first saves at once → one wins
                plan = AnnualPlan.objects.create(project=project, year=year, **values)
        except IntegrityError as exc:
            raise ConcurrentEdit() from exc
        record("plan.created", plan, actor=actor, changes=snapshot(plan, _PLAN_FIELDS))
        return plan
    check_version(expected_version, plan.version)
    before = snapshot(plan, _PLAN_FIELDS)
    for name, value in values.items():
        setattr(plan, name, value)
    changed = diff(before, snapshot(plan, _PLAN_FIELDS))
    if changed:
        save_versioned(plan, expected_version, _PLAN_FIELDS)
        record("plan.updated", plan, actor=actor, changes=changed)
    return plan
