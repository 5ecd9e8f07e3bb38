"""How the ledger's records are reverted to a version (the mechanism: core/audit/revert.py).

A revert edits through `update_project`, `set_annual_plan` or `save_report`. Not restored: a
project's stage and actual dates (a stage change has its own rules and reason), a report's
status (the report workflow decides it: an approved or submitted report must be reopened or
returned first, then reviewed again after the revert). A key-list membership is not reverted
(its decision has its own workflow).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from taizhang.core.periods import Period
from taizhang.core.registry import Reverter
from taizhang.core.services import ServiceError
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.models import AnnualPlan, MonthlyReport, Project
from taizhang.ledger.services.common import require_office, require_project
from taizhang.ledger.services.plans import _PLAN_FIELDS, set_annual_plan
from taizhang.ledger.services.projects import EDITABLE_FIELDS, update_project
from taizhang.ledger.services.reports import CONTENT_FIELDS, save_report


def _project(obj: Model) -> Project:
    return obj if isinstance(obj, Project) else obj.project  # type: ignore[attr-defined]


def _may_revert(user: Any, obj: Model) -> bool:
    return bool(user.is_office) and Project.objects.restrict(user, "change").filter(
        pk=_project(obj).pk).exists()


def _permitted(actor: Any, obj: Model) -> None:
    require_office(actor)
    require_project(actor, _project(obj), "change")


def _any_state(obj: Model) -> None:
    pass


def _report_ready(obj: Model) -> None:
    assert isinstance(obj, MonthlyReport)
    if obj.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ServiceError(_(
            "This report is %(status)s. Reopen or return it first (with a reason); after the "
            "revert it goes through review again.") % {"status": obj.get_status_display()})


def _apply_project(obj: Model, values: dict[str, Any], actor: Any) -> Model:
    assert isinstance(obj, Project)
    return update_project(obj, actor=actor, expected_version=obj.version, changes=values)


def _apply_plan(obj: Model, values: dict[str, Any], actor: Any) -> Model:
    assert isinstance(obj, AnnualPlan)
    current = {name: getattr(obj, name) for name in _PLAN_FIELDS}
    return set_annual_plan(obj.project, obj.year, actor=actor, expected_version=obj.version,
                           **{**current, **values})


def _apply_report(obj: Model, values: dict[str, Any], actor: Any) -> Model:
    assert isinstance(obj, MonthlyReport)
    data = {name: getattr(obj, name) for name in CONTENT_FIELDS}
    return save_report(obj.project, Period.of(obj.period), actor=actor,
                       data={**data, **values}, expected_version=obj.version)


PROJECT = Reverter(EDITABLE_FIELDS, _may_revert, _permitted, _any_state, _apply_project)
PLAN = Reverter(tuple(_PLAN_FIELDS), _may_revert, _permitted, _any_state, _apply_plan)
REPORT = Reverter(CONTENT_FIELDS, _may_revert, _permitted, _report_ready, _apply_report)
