from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Organization, Person
from taizhang.accounts.scope import acts_for_office_of
from taizhang.core.audit.service import diff, record, snapshot
from taizhang.core.limits import first_too_long
from taizhang.core.services import (
    ServiceError,
    check_version,
    refuse_missing,
    save_versioned,
)
from taizhang.ledger.choices import STAGE_TRANSITIONS, Stage
from taizhang.ledger.models import Project, StageChange
from taizhang.ledger.models.scope import usable_organization_q, usable_person_q
from taizhang.ledger.services.common import clean_or_raise, require_office, require_project

# Fields the ledger card edits; stage and actual dates move only through change_stage.
EDITABLE_FIELDS = (
    "code", "name", "owner", "nature", "industry", "project_type", "division", "address",
    "latitude", "longitude", "scale_content", "planned_total", "fund_central_provincial",
    "fund_city_county", "fund_enterprise", "fund_bank_loans", "fund_other", "completed_before",
    "planned_start", "planned_completion", "leader", "responsible_unit", "contact_name",
    "contact_phone", "parent",
)
# Moves that need a reason: stopping, cancelling, or going backwards.
_REASON_REQUIRED = {Stage.ON_HOLD, Stage.CANCELLED}


def _check_parent(project: Project) -> None:
    """A parent must not be the project itself or one of its descendants (no cycles)."""
    parent_id = project.parent_id
    seen = {project.pk}
    while parent_id is not None:
        if parent_id in seen:
            raise ServiceError(
                _("A project cannot be placed under itself or one of its sub-projects."),
                field="parent",
            )
        seen.add(parent_id)
        parent_id = Project.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()


def _check_parent_visible(actor: Any, project: Project) -> None:
    """A new parent must be a project the actor can see (no linking to unseen projects)."""
    if project.parent_id is not None and not Project.objects.restrict(actor, "view").filter(
        pk=project.parent_id
    ).exists():
        raise ServiceError(_("Choose a parent project from your own ledger."), field="parent")


# The one answer to "may this office name that owner, unit or leader?", whether the record is
# another county's or does not exist at all (importer included): nothing is confirmed.
OUTSIDE_DIVISION = _("Choose an organization or person of your own division.")
# Project field → the rule its value must pass for the acting office (ledger/models/scope.py).
_REFERENCES: dict[str, tuple[Any, Any]] = {
    "owner": (Organization, usable_organization_q),
    "responsible_unit": (Organization, usable_organization_q),
    "leader": (Person, usable_person_q),
}


def _check_references(actor: Any, project: Project, names: Iterable[str]) -> None:
    """Owner, unit and leader stay inside the office's division (finding: an office named an
    enterprise of another county as owner, and that county's owners reached the project).
    The message is the same whether the record exists elsewhere or not: nothing is confirmed."""
    for name in names:
        if name not in _REFERENCES:
            continue
        value_id = getattr(project, f"{name}_id")
        model, rule = _REFERENCES[name]
        if value_id is not None and not model._base_manager.filter(
            rule(actor), pk=value_id
        ).exists():
            raise ServiceError(OUTSIDE_DIVISION, field=name)
def _check_lengths(values: dict[str, Any]) -> None:
    """Text over its limit (core/limits.py), before anything else: SQLite would store it."""
    over = first_too_long(Project, values)
    if over:
        raise ServiceError(over[1], field=over[0])


def _require_division(actor: Any, project: Project) -> None:
    require_office(actor)
    if not acts_for_office_of(actor, project.division):
        raise PermissionDenied


@transaction.atomic
def create_project(*, actor: Any, stage: str = Stage.PLANNING, **fields: Any) -> Project:
    """A new ledger entry, created by the office for a division it covers."""
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"actual_start", "actual_completion"}
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    _check_lengths(fields)
    project = Project(stage=stage, **fields)
    _require_division(actor, project)
    _check_parent_visible(actor, project)
    _check_references(actor, project, _REFERENCES)
    if project.code == "":
        project.code = None
    clean_or_raise(project)
    project.save()
    record("project.created", project, actor=actor, changes=snapshot(project))
    return project


@transaction.atomic
def update_project(
    project: Project, *, actor: Any, expected_version: Any, changes: dict[str, Any]
) -> Project:
    """Edit the ledger card; refused if someone saved since `expected_version` (or the
    form did not say which version it was opened at)."""
    require_project(actor, project, "change")
    refuse_missing(expected_version)  # a stale one: save_versioned's conditional UPDATE
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    _check_lengths(changes)
    before = snapshot(project, changes.keys())
    for name, value in changes.items():
        setattr(project, name, value)
    if project.code == "":
        project.code = None
    _require_division(actor, project)
    if "parent" in changes:
        _check_parent_visible(actor, project)
    _check_references(actor, project, changes)
    _check_parent(project)
    clean_or_raise(project)
    after = snapshot(project, changes.keys())
    changed = diff(before, after)
    if not changed:
        return project
    project.updated_at = timezone.now()
    save_versioned(project, expected_version, [*changes.keys(), "updated_at"])
    record("project.updated", project, actor=actor, changes=changed)
    return project


def move_stage(project: Project, to_stage: str, when: date) -> None:
    """Set the stage and the actual dates it implies (shared with the bulk importer)."""
    from_stage = project.stage
    project.stage = to_stage
    if to_stage == Stage.UNDER_CONSTRUCTION and project.actual_start is None:
        project.actual_start = when
    if to_stage == Stage.COMPLETED:
        project.actual_completion = project.actual_completion or when
    if from_stage == Stage.COMPLETED and to_stage == Stage.UNDER_CONSTRUCTION:
        project.actual_completion = None


@transaction.atomic
def change_stage(
    project: Project,
    to_stage: str,
    *,
    actor: Any,
    effective_date: date,
    reason: str = "",
    expected_version: Any,
) -> StageChange:
    """Move a project to another stage, setting the actual dates and keeping who/when/why."""
    require_project(actor, project, "change")
    project = Project.objects.select_for_update().get(pk=project.pk)
    check_version(expected_version, project.version)
    from_stage = project.stage
    if to_stage not in Stage.values:
        raise ServiceError(_("Unknown stage."), field="stage")
    if to_stage not in STAGE_TRANSITIONS[Stage(from_stage)]:
        raise ServiceError(
            _("A project cannot move from “%(from)s” to “%(to)s”.")
            % {"from": Stage(from_stage).label, "to": Stage(to_stage).label},
            field="stage",
        )
    backwards = from_stage == Stage.COMPLETED or (
        from_stage == Stage.PRELIMINARY and to_stage == Stage.PLANNING
    )
    if (to_stage in _REASON_REQUIRED or backwards) and not reason.strip():
        raise ServiceError(_("Give a reason for this stage change."), field="reason")
    over = first_too_long(StageChange, {"reason": reason.strip()})
    if over:
        raise ServiceError(over[1], field="reason")
    if effective_date > timezone.localdate():
        raise ServiceError(_("The effective date cannot be in the future."), field="effective_date")
    before = snapshot(project, ["stage", "actual_start", "actual_completion"])
    move_stage(project, to_stage, effective_date)
    project.updated_at = timezone.now()
    save_versioned(
        project, project.version, ["stage", "actual_start", "actual_completion", "updated_at"]
    )
    change = StageChange.objects.create(
        project=project, from_stage=from_stage, to_stage=to_stage,
        effective_date=effective_date, reason=reason.strip(), changed_by=actor,
    )
    after = snapshot(project, ["stage", "actual_start", "actual_completion"])
    record("project.stage_changed", project, actor=actor, changes=diff(before, after),
           reason=reason.strip())
    return change
