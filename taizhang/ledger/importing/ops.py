"""What an import would write: the plan built by ``plan.py`` and written by ``apply.py``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Model

from taizhang.accounts.models import Organization, Person
from taizhang.core.periods import Period
from taizhang.ledger.importing.columns import BLOCK_FIELDS
from taizhang.ledger.importing.parse import RowRecord, block_text, line_text
from taizhang.ledger.importing.result import ApprovedChange, ProjectChange, RowError
from taizhang.ledger.models import AnnualPlan, KeyList, KeyListMembership, MonthlyReport, Project


@dataclass
class ReportOp:
    period: date
    report: MonthlyReport | None  # the existing report, or None to create one
    values: dict[str, Any]  # the fields to set (only those that change, for an update)
    before: dict[str, Any]  # their previous values (JSON-ready), for the audit


@dataclass
class PlanOp:
    plan: AnnualPlan | None
    year: int
    amount: Decimal
    before: Decimal | None


@dataclass
class MembershipOp:
    key: tuple[str, str]  # (level, kind)
    membership: KeyListMembership | None  # an existing one not yet approved


@dataclass
class ProjectOp:
    record: RowRecord
    action: str  # create / update / unchanged
    project: Project | None
    values: dict[str, Any] = field(default_factory=dict)  # Project field → new value
    before: dict[str, Any] = field(default_factory=dict)  # Project field → old value (JSON)
    #: (from stage, to stage, effective date); from "" for a new project.
    stage_change: tuple[str, str, date] | None = None
    plan: PlanOp | None = None
    reports: list[ReportOp] = field(default_factory=list)
    memberships: list[MembershipOp] = field(default_factory=list)
    change: ProjectChange | None = None

    @property
    def changes_anything(self) -> bool:
        return bool(self.values or self.stage_change or self.plan or self.reports
                    or self.memberships)


@dataclass
class ImportPlan:
    """What the import writes, planned a chunk of rows at a time.

    Across chunks it keeps only what the later rows and the result need: the names to create,
    the key lists, the errors and warnings, and a running digest of every planned change.
    """

    period: Period
    actor: Any
    new_orgs: dict[tuple[str, str], Organization] = field(default_factory=dict)
    new_people: dict[str, Person] = field(default_factory=dict)
    #: The new names not written yet (a real run writes them with the chunk that needs them).
    fresh_orgs: list[Organization] = field(default_factory=list)
    fresh_people: list[Person] = field(default_factory=list)
    key_lists: dict[tuple[str, str], KeyList | None] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    approved_changes: list[ApprovedChange] = field(default_factory=list)
    _hash: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._hash = hashlib.sha256(str(self.period).encode())

    def add_to_digest(self, op: ProjectOp) -> None:
        if op.action != "unchanged":
            self._hash.update(fingerprint(op))

    @property
    def digest(self) -> str:
        """A fingerprint of everything the plan would change (the ops added so far)."""
        h = self._hash.copy()
        for kind, name in sorted(self.new_orgs):
            h.update(f"org:{kind}:{name}".encode())
        for name in sorted(self.new_people):
            h.update(f"person:{name}".encode())
        return h.hexdigest()


def _stable(value: Any) -> Any:
    """A value as the digest sees it: related objects by name, since a new organization is
    unsaved in a dry run but saved by the time a real run plans a later chunk."""
    return str(value) if isinstance(value, Model) else value


def fingerprint(op: ProjectOp) -> bytes:
    """The planned change of one row, the same in a dry run and in the real run."""
    project = op.project
    parts = (
        op.action, project.pk if project is not None else None,
        [(name, _stable(value)) for name, value in op.values.items()],
        op.before, op.stage_change,
        (op.plan.year, op.plan.amount, op.plan.before) if op.plan else None,
        [(item.period, item.report.pk if item.report else None, item.values, item.before)
         for item in op.reports],
        [(item.key, item.membership.status if item.membership else None)
         for item in op.memberships],
    )
    return repr(parts).encode()


def same_value(name: str, before: Any, after: Any) -> bool:
    """Whether a sheet value equals the stored one (texts compared as the sheet normalises)."""
    if isinstance(after, Model):
        return after.pk is not None and getattr(before, "pk", before) == after.pk
    if before in (None, "") and after in (None, ""):
        return True
    if isinstance(after, str) and isinstance(before, str):
        normal = block_text if name in BLOCK_FIELDS else line_text
        return normal(before) == normal(after)
    return before == after
