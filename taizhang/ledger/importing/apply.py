"""Write a planned chunk of rows: bulk inserts and updates plus their audit rows.

Called by ``import_ledger`` inside its ``transaction.atomic()`` and ``acting("import")``
block, chunk after chunk, as long as no row has an error (a later error rolls the whole
transaction back); the rows were planned there with the matched projects locked.

The audit gets one ``project.imported`` event per project the chunk created or changed: the
project's own changes, and its plan's, reports' and memberships' changes each under
``part_key`` of that object, with the same before/after values an event of their own would
hold. Their history pages and revert read that part (``AuditEvent.objects.about``,
``core.audit.history.narrowed``); a row's writes cost one audit row instead of four or five.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.core.audit.models import part_key
from taizhang.core.audit.service import diff, plain, record, record_many, snapshot
from taizhang.ledger.choices import MembershipStatus, ReportStatus
from taizhang.ledger.importing.bulk import insert, new
from taizhang.ledger.importing.ops import ImportPlan, ProjectOp
from taizhang.ledger.models import (
    AnnualPlan,
    KeyList,
    KeyListMembership,
    MonthlyReport,
    Project,
    StageChange,
)
from taizhang.ledger.services.projects import move_stage

_BATCH = 500
_PLAN_FIELDS = ["planned_investment", "image_target", "planned_new_start"]
_STAGE_FIELDS = ["stage", "actual_start", "actual_completion"]
_REPORT_FIELDS = ["completed", "covers_from", "status", "image_progress", "problems",
                  "next_steps"]

_BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at"})

#: Project id → the changes of its one audit event (see the module's docstring).
Changes = dict[int, dict[str, Any]]


def _part(changes: Changes, project: Project, obj: Any, values: dict[str, Any]) -> None:
    changes.setdefault(project.pk, {})[part_key(obj)] = values


def _create_names(plan: ImportPlan, actor: Any) -> None:
    """The organizations and people first named by this chunk, and missing key lists."""
    orgs, plan.fresh_orgs = plan.fresh_orgs, []
    insert(orgs)
    record_many("organization.created", orgs, actor=actor,
                changes_for={o.pk: snapshot(o) for o in orgs})
    people, plan.fresh_people = plan.fresh_people, []
    insert(people)
    record_many("person.created", people, actor=actor,
                changes_for={p.pk: snapshot(p) for p in people})
    for (level, kind), key_list in list(plan.key_lists.items()):
        if key_list is None:
            key_list, created = KeyList.objects.get_or_create(
                level=level, kind=kind, year=plan.period.year)
            if created:
                record("keylist.created", key_list, actor=actor)
            plan.key_lists[(level, kind)] = key_list


def _create_projects(ops: list[ProjectOp], actor: Any, reason: str, changes: Changes) -> None:
    projects = []
    for op in ops:
        op.project = new(Project, op.values)  # related objects are saved by now: ids are set
        if op.project.code == "":
            op.project.code = None
        projects.append(op.project)
    insert(projects)
    for project in projects:
        # What the row set: blank fields and bookkeeping columns are left out (the history
        # shows a blank as nothing anyway), a third of the audit's bytes.
        changes[project.pk] = {name: value for name, value in snapshot(project).items()
                               if value is not None and value != "" and name not in _BOOKKEEPING}
    # The stage a new project starts in, like a move from "" (its dates are in op.values).
    insert([
        new(StageChange, {"project": op.project, "from_stage": from_stage,
                          "to_stage": to_stage, "effective_date": when, "reason": reason,
                          "changed_by": actor})
        for op in ops if op.stage_change
        for from_stage, to_stage, when in [op.stage_change]
    ])


def _update_projects(ops: list[ProjectOp], actor: Any, reason: str, now: Any,
                     changes: Changes) -> None:
    changed, stage_rows = [], []
    fields: set[str] = set()
    for op in ops:
        project = op.project
        assert project is not None
        if not (op.values or op.stage_change):
            continue
        for name, value in op.values.items():
            setattr(project, name, value)
        own = changes.setdefault(project.pk, {})
        if op.values:
            own.update(diff(op.before, snapshot(project, op.values.keys())))
            fields |= set(op.values)
        if op.stage_change:
            from_stage, to_stage, when = op.stage_change
            before = snapshot(project, _STAGE_FIELDS)
            move_stage(project, to_stage, when)
            for name, (old, new) in diff(before, snapshot(project, _STAGE_FIELDS)).items():
                # A date the sheet set and the move changed again: from the first before.
                own[name] = [own[name][0] if name in own else old, new]
            fields |= set(_STAGE_FIELDS)
            stage_rows.append(StageChange(
                project=project, from_stage=from_stage, to_stage=to_stage, effective_date=when,
                reason=reason, changed_by=actor))
        project.version = F("version") + 1
        project.updated_at = now
        changed.append(project)
    if not changed:
        return
    Project.objects.bulk_update(changed, [*sorted(fields), "version", "updated_at"],
                                batch_size=_BATCH)
    insert(stage_rows)


def _write_plans(ops: list[ProjectOp], changes: Changes) -> None:
    created, updated = [], []
    for op in ops:
        if op.plan is None:
            continue
        if op.plan.plan is None:
            created.append(new(AnnualPlan, {"project": op.project, "year": op.plan.year,
                                            "planned_investment": op.plan.amount}))
        else:
            annual = op.plan.plan
            annual.project = _saved(op)  # cached for str() in the audit row
            annual.planned_investment = op.plan.amount
            annual.version = F("version") + 1
            _part(changes, annual.project, annual, {
                "planned_investment": [str(op.plan.before), str(op.plan.amount)]})
            updated.append(annual)
    insert(created)
    for created_plan in created:
        _part(changes, created_plan.project, created_plan,
              snapshot(created_plan, _PLAN_FIELDS))
    if updated:
        AnnualPlan.objects.bulk_update(updated, ["planned_investment", "version"],
                                       batch_size=_BATCH)


def _write_reports(ops: list[ProjectOp], actor: Any, now: Any, changes: Changes) -> None:
    created, updated = [], []
    fields: set[str] = set()
    for op in ops:
        for item in op.reports:
            if item.report is None:
                report = new(MonthlyReport, {"project": op.project, "period": item.period,
                                             **item.values})
                if report.status == ReportStatus.APPROVED:
                    report.reviewed_by_id, report.reviewed_at = actor.pk, now
                created.append(report)
                continue
            report = item.report
            report.project = _saved(op)
            for name, value in item.values.items():
                setattr(report, name, value)
            fields |= set(item.values)
            if set(item.values) & {"completed", "covers_from", "status"}:
                report.reviewed_by, report.reviewed_at = actor, now
                fields |= {"reviewed_by", "reviewed_at"}
            _part(changes, report.project, report,
                  diff(item.before, snapshot(report, item.values.keys())))
            report.version = F("version") + 1
            updated.append(report)
    insert(created)
    for report in created:
        _part(changes, report.project, report, {
            name: [None, value] for name, value in snapshot(report, _REPORT_FIELDS).items()
            if value not in (None, "")})
    if updated:
        MonthlyReport.objects.bulk_update(updated, [*sorted(fields), "version"],
                                          batch_size=_BATCH)


def _write_memberships(plan: ImportPlan, ops: list[ProjectOp], changes: Changes) -> None:
    when = min(timezone.localdate(), plan.period.last_day)
    day = when.isoformat()
    created, updated = [], []
    for op in ops:
        for item in op.memberships:
            key_list = plan.key_lists[item.key]
            if item.membership is None:
                created.append(new(KeyListMembership, {
                    "project": op.project, "key_list": key_list,
                    "status": MembershipStatus.APPROVED, "applied_on": when,
                    "decided_on": when}))
            else:
                membership = item.membership
                _part(changes, _saved(op), membership, {
                    "status": [membership.status, MembershipStatus.APPROVED],
                    "decided_on": [plain(membership.decided_on), day]})
                membership.project = _saved(op)
                membership.key_list = key_list  # type: ignore[assignment]
                membership.status, membership.decided_on = MembershipStatus.APPROVED, when
                updated.append(membership)
    insert(created)
    for membership in created:
        _part(changes, membership.project, membership, {
            "status": [None, MembershipStatus.APPROVED], "applied_on": [None, day],
            "decided_on": [None, day]})
    if updated:
        KeyListMembership.objects.bulk_update(updated, ["status", "decided_on"],
                                              batch_size=_BATCH)


def apply_ops(plan: ImportPlan, ops: list[ProjectOp], *, actor: Any, reason: str,
              now: Any) -> list[int]:
    """Write one planned chunk (the plan must have no errors); returns the ids of the
    projects it created or changed."""
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    _create_names(plan, actor)
    changes: Changes = {}
    _create_projects([op for op in ops if op.action == "create"], actor, reason, changes)
    updates = [op for op in ops if op.action == "update"]
    _update_projects(updates, actor, reason, now, changes)
    _write_plans(ops, changes)
    _write_reports(ops, actor, now, changes)
    _write_memberships(plan, ops, changes)
    record_many("project.imported",
                [op.project for op in ops if op.project is not None and op.project.pk in changes],
                actor=actor, changes_for=changes, reason=reason)
    return [op.project.pk for op in ops if op.action != "unchanged" and op.project]


def finish(plan: ImportPlan, *, actor: Any, reason: str, counts: dict[str, int]) -> None:
    """The import's own audit event, once every chunk is written."""
    record("ledger.imported", actor, actor=actor, reason=reason,
           changes={"period": str(plan.period), **counts})


def import_reason(filename: str) -> str:
    return _("Imported from %(file)s") % {"file": filename}


def _saved(op: ProjectOp) -> Project:
    """The op's project, which exists once the projects were written."""
    assert op.project is not None
    return op.project
