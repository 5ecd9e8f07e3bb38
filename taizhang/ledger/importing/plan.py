"""Compare parsed rows with the database → an ImportPlan.  Reads only; ``apply`` writes it.

All lookups are batched (projects by code and by name, organizations, people, plans, report
sums, memberships): the number of queries does not grow with the number of rows.  The money
columns are planned by ``figures.py``, the preview by ``preview.py``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from types import SimpleNamespace
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.accounts.choices import DivisionLevel, OrganizationKind
from taizhang.accounts.models import Division, Organization, Person
from taizhang.core.audit.service import plain
from taizhang.core.periods import Period
from taizhang.ledger.choices import STAGE_TRANSITIONS, Nature, ProjectType, ReportStatus, Stage
from taizhang.ledger.importing.figures import FigurePlanner, chunks
from taizhang.ledger.importing.ops import (
    ImportPlan,
    MembershipOp,
    PlanOp,
    ProjectOp,
    ReportOp,
    same_value,
)
from taizhang.ledger.importing.parse import RowRecord, line_text
from taizhang.ledger.importing.preview import describe
from taizhang.ledger.importing.result import ApprovedChange
from taizhang.ledger.models import KeyList, MonthlyReport, Project
from taizhang.ledger.models.project import FUNDING_FIELDS
from taizhang.ledger.models.scope import usable_organization_q, usable_person_q
from taizhang.ledger.services.projects import OUTSIDE_DIVISION, move_stage

__all__ = ["ImportPlan", "MembershipOp", "PlanOp", "ProjectOp", "ReportOp", "Planner"]

#: Sheet field → Project field, for the values copied as they are.
_DIRECT = {
    "code": "code", "name": "name", "nature": "nature", "address": "address",
    "scale_content": "scale_content", "project_type": "project_type", "industry": "industry",
    "planned_total": "planned_total", "planned_start": "planned_start",
    "actual_start": "actual_start", "planned_completion": "planned_completion",
    "actual_completion": "actual_completion",
    "contact_name": "contact_name", "contact_phone": "contact_phone",
}
#: Project field → the sheet column it comes from.
_COLUMN_OF = {
    **{model: sheet for sheet, model in _DIRECT.items()},
    "owner": "owner", "responsible_unit": "unit", "leader": "leader", "division": "township",
    "stage": "stage",
}
_UNIT_KINDS = (OrganizationKind.DEPARTMENT, OrganizationKind.TOWNSHIP, OrganizationKind.OFFICE)
_TOWNSHIP_SUFFIXES = ("镇", "乡", "街道", "街办", "办事处")


_OWNERS, _UNITS = gettext_lazy("owners"), gettext_lazy("responsible units")


class Planner(FigurePlanner):
    """Builds the plan for one import (one instance per call)."""

    def __init__(self, *, actor: Any, period: Period, lock: bool, preview: bool,
                 digest: bool = True) -> None:
        self.actor = actor
        self.period = period
        self.lock = lock
        self.preview = preview
        self.digest = digest  # a fingerprint per row costs; only a preview or a check uses it
        self.plan = ImportPlan(period=period, actor=actor)
        self.division: Division | None = actor.division
        self.today = timezone.localdate()
        self.effective = min(self.today, period.last_day)
        #: Project key (pk, ("code", …), ("name", …)) → (sheet, row) of the row that has it.
        self.seen: dict[Any, tuple[str, int]] = {}
        # A real run writes chunk by chunk, but a later chunk must plan what a dry run plans:
        # it never "finds" what this import wrote.  Rows it creates are above the highest id
        # of now; the projects it updates are remembered.
        self.horizon = {model: model.objects.aggregate(top=Max("pk"))["top"] or 0
                        for model in (Project, Organization, Person)}
        self.written_projects: set[int] = set()
        divisions = Division.objects.all()
        if self.division is not None:
            divisions = divisions.filter(self.division.subtree_q())
        self.divisions: dict[str, list[Division]] = defaultdict(list)
        for division in divisions.order_by("path"):
            self.divisions[division.name].append(division)
        self.plan.key_lists = {
            (kl.level, kl.kind): kl for kl in KeyList.objects.filter(year=period.year)
        }

    # ------------------------------------------------------------------ lookups

    def _projects(self) -> Any:
        # Only the projects of the office's division exist for its import: another county's
        # project, code or owner is neither matched nor confirmed (same answer as for none).
        qs = Project.objects.select_related("owner", "division", "leader", "responsible_unit")
        if self.division is not None:
            qs = qs.filter(self.division.subtree_q("division__"))
        return qs.select_for_update(of=("self",)) if self.lock else qs

    def _prefetch(self, rows: list[RowRecord]) -> None:
        top = self.horizon[Project]
        codes = {r.values["code"] for r in rows if r.get("code")}
        names = {r.values["name"] for r in rows if r.get("name")}
        self.by_code: dict[str, Project] = {}
        self.codes_taken: set[str] = set()
        if not top:  # no project before the import (a county's first sheet): none to match
            codes = names = set()
        for chunk in chunks(codes):
            for project in self._projects().filter(code__in=chunk, pk__lte=top):
                if project.pk not in self.written_projects:
                    self.by_code[project.code] = project
            # Codes are unique across divisions: one used elsewhere cannot be taken here.
            # (The projects written so far are left out here, not in SQL: a list of some
            # thousands of ids per chunk would cost more than the lookup.)
            self.codes_taken.update(
                code for pk, code in Project.objects.filter(code__in=chunk, pk__lte=top)
                .values_list("pk", "code")
                if code and code not in self.by_code and pk not in self.written_projects)
        self.by_name: dict[tuple[str, str], list[Project]] = defaultdict(list)
        self.by_name_only: dict[str, list[Project]] = defaultdict(list)
        for chunk in chunks(names):
            for project in self._projects().filter(name__in=chunk, pk__lte=top):
                if project.pk not in self.written_projects:
                    owner = line_text(project.owner.name) if project.owner else ""
                    self.by_name[(line_text(project.name), owner)].append(project)
                    self.by_name_only[line_text(project.name)].append(project)
        org_names = {r.values[n] for r in rows for n in ("owner", "unit") if r.get(n)}
        self.orgs: dict[str, list[Organization]] = defaultdict(list)
        self.usable: set[int] = set()
        for chunk in chunks(org_names):
            for org in Organization.objects.filter(
                name__in=chunk, pk__lte=self.horizon[Organization]
            ).order_by("pk"):
                self.orgs[org.name].append(org)
            self.usable.update(Organization.objects.filter(
                usable_organization_q(self.actor), name__in=chunk).values_list("pk", flat=True))
        people = {r.values["leader"][0] for r in rows if r.get("leader")}
        self.people: dict[str, list[Person]] = defaultdict(list)
        self.usable_people: set[int] = set()
        for chunk in chunks(people):
            for person in Person.objects.filter(
                name__in=chunk, pk__lte=self.horizon[Person]
            ).order_by("pk"):
                self.people[person.name].append(person)
            self.usable_people.update(Person.objects.filter(
                usable_person_q(self.actor), name__in=chunk).values_list("pk", flat=True))

    # ------------------------------------------------------------------ resolving names

    def _org(self, name: str, kinds: tuple[str, ...], new_kind: str) -> Organization:
        found = self.orgs.get(name, [])
        for kind_group in (kinds, None):
            for org in found:
                if (kind_group is None and org.kind != OrganizationKind.BANK) or (
                    kind_group is not None and org.kind in kind_group
                ):
                    return org
        key = (new_kind, name)
        if key not in self.plan.new_orgs:
            division = self.division
            if new_kind == OrganizationKind.TOWNSHIP:
                division = next(iter(self.divisions.get(name, [])), division)
            self.plan.new_orgs[key] = Organization(kind=new_kind, name=name, division=division)
            self.plan.fresh_orgs.append(self.plan.new_orgs[key])
        return self.plan.new_orgs[key]

    def _owner(self, name: str) -> Organization:
        return self._org(name, (OrganizationKind.ENTERPRISE,), OrganizationKind.ENTERPRISE)

    def _unit(self, name: str) -> Organization:
        kind = (OrganizationKind.TOWNSHIP if name.endswith(_TOWNSHIP_SUFFIXES)
                else OrganizationKind.DEPARTMENT)
        return self._org(name, _UNIT_KINDS, kind)

    def _leader(self, name: str, title: str) -> Person:
        found = self.people.get(name, [])
        for person in found:
            if person.title == title:
                return person
        if found:
            return found[0]
        if name not in self.plan.new_people:
            self.plan.new_people[name] = Person(name=name, title=title)
            self.plan.fresh_people.append(self.plan.new_people[name])
        return self.plan.new_people[name]

    def _township(self, record: RowRecord) -> Division | None:
        name = record.values["township"]
        found = self.divisions.get(name, [])
        townships = [d for d in found if d.level == DivisionLevel.TOWNSHIP]
        if len(townships or found) == 1:
            return (townships or found)[0]
        if not found:
            reason = _("Unknown township: no division of this name under %(division)s.") % {
                "division": self.division.name if self.division else _("the office")}
        else:
            reason = _("Several divisions have this name; ask an administrator to rename one.")
        self.plan.errors.append(record.error("township", reason))
        return None

    # ------------------------------------------------------------------ matching

    def _match(self, record: RowRecord) -> tuple[Project | None, bool]:
        """The existing project of a row (or None) and whether the row is usable."""
        values = record.values
        code, name, owner = values.get("code"), values.get("name"), values.get("owner")
        if not name and not code:
            self.plan.errors.append(record.error("name", _("The project name is empty.")))
            return None, False
        if code and code in self.codes_taken:
            self.plan.errors.append(record.error("code", _(
                "This project code is already in use; check it.")))
            return None, False
        project = self.by_code.get(code) if code else None
        if project is None and name and owner:
            candidates = self.by_name.get((name, owner), [])
            if len(candidates) > 1:
                self.plan.errors.append(record.error("name", _(
                    "Several projects have this name and owner; give the project code.")))
                return None, False
            if candidates:
                project = candidates[0]
                if code and project.code and project.code != code:
                    self.plan.errors.append(record.error("code", _(
                        "The project with this name and owner has the code %(code)s.")
                        % {"code": project.code}))
                    return None, False
        if project is None and name and not code:
            # No code, and no owner or none matched: by name (and responsible unit), the only
            # key a list without owner and code columns has.
            candidates = self._by_name_and_unit(name, values.get("unit"), owner)
            if len(candidates) > 1:
                self.plan.errors.append(record.error("name", _(
                    "Several projects have this name; give the project code or the owner "
                    "(建设单位).")))
                return None, False
            project = candidates[0] if candidates else None
        if project is not None and self.division is not None and not (
            self.division.contains(project.division)
        ):
            # Not reached (only the division's projects are looked up); kept as a guard.
            self.plan.errors.append(record.error("code" if code else "name", _(
                "This project code is already in use; check it.")))
            return None, False
        return project, True

    def _by_name_and_unit(self, name: str, unit: str | None, owner: str | None
                          ) -> list[Project]:
        """Projects of this name whose owner is unknown (or, without an owner in the row, any
        owner), narrowed to the row's responsible unit when it names one."""
        found = self.by_name_only.get(name, [])
        if owner:
            found = [p for p in found if p.owner_id is None]
        if unit:
            found = [p for p in found if p.responsible_unit is None
                     or line_text(p.responsible_unit.name) == unit]
        return found

    # ------------------------------------------------------------------ fields

    def _target_values(self, record: RowRecord) -> dict[str, Any]:
        values = record.values
        target: dict[str, Any] = {
            model: values[sheet] for sheet, model in _DIRECT.items()
            if values.get(sheet) is not None
        }
        named: dict[str, tuple[str, Any]] = {}
        if values.get("owner"):
            named["owner"] = ("owner", self._owner(values["owner"]))
        if values.get("unit"):
            named["responsible_unit"] = ("unit", self._unit(values["unit"]))
        if values.get("leader"):
            person, title, others = values["leader"]
            named["leader"] = ("leader", self._leader(person, title))
            if others:
                self.plan.warnings.append(record.error("leader", _(
                    "Several leaders given; only the first (%(name)s) is kept, not %(others)s.")
                    % {"name": person, "others": "、".join(values.get("leader_others", []))}))
        for column, label in (("owner", _OWNERS), ("unit", _UNITS)):  # translated if used
            if values.get(f"{column}_others"):
                self.plan.warnings.append(record.error(column, _(
                    "Several %(what)s given; only the first (%(name)s) is kept, not "
                    "%(others)s.") % {"what": label, "name": values[column],
                                     "others": "、".join(values[f"{column}_others"])}))
        target.update({name: found for name, (_column, found) in named.items()})
        if values.get("township"):
            division = self._township(record)
            if division is not None:
                target["division"] = division
        return target

    def _check_usable(self, record: RowRecord, values: dict[str, Any]) -> None:
        """A newly named owner, unit or leader only if the office may name it (its division or
        below), as in the services; the row error says nothing of where it is (the project
        form's message)."""
        for name, column in (("owner", "owner"), ("responsible_unit", "unit"),
                             ("leader", "leader")):
            found = values.get(name)
            if found is None or found.pk is None:
                continue  # not named, or created by this import in the office's division
            usable = self.usable_people if name == "leader" else self.usable
            if found.pk not in usable:
                self.plan.errors.append(record.error(column, str(OUTSIDE_DIVISION)))

    def _create(self, record: RowRecord, target: dict[str, Any]) -> ProjectOp:
        if "planned_total" not in target and "planned_total" not in record.failed:
            self.plan.errors.append(record.error("planned_total", _(
                "A new project needs its planned total investment (总投资).")))
        if "division" not in target and "township" not in record.failed:
            if self.division is None:
                self.plan.errors.append(record.error("township", _(
                    "Give the township (所属区域) of a new project.")))
            else:
                target["division"] = self.division
        stage = self._sheet_stage(record) or Stage.PLANNING
        target.setdefault("nature", Nature.NEW)
        target.setdefault("project_type", ProjectType.INDUSTRY)
        target["stage"] = stage
        self._check_usable(record, target)
        op = ProjectOp(record, "create", None, values=target)
        if stage != Stage.PLANNING:
            self._new_stage(op, stage)
        return op

    def _new_stage(self, op: ProjectOp, stage: str) -> None:
        """A new project's stage history (from "") and the actual dates its stage implies."""
        values = op.values
        start, done = values.get("actual_start"), values.get("actual_completion")
        when = self._stage_date(stage, start, done)
        # A light stand-in: a Project instance per row costs more than the rule itself.
        probe = cast(Project, SimpleNamespace(stage="", actual_start=start,
                                              actual_completion=done))
        move_stage(probe, stage, when)
        if start is None and stage in (Stage.UNDER_CONSTRUCTION, Stage.COMPLETED):
            probe.actual_start = None  # unknown: the import's date is not the start date
            self.plan.warnings.append(op.record.error("stage", _(
                "No actual start date (实际开工时间) is given, so the start date stays unknown "
                "and the project does not count as a new start.")))
        for name in ("actual_start", "actual_completion"):
            if getattr(probe, name) is not None:
                values[name] = getattr(probe, name)
        op.stage_change = ("", stage, when)

    def _update(self, record: RowRecord, project: Project, target: dict[str, Any]) -> ProjectOp:
        op = ProjectOp(record, "update", project)
        for name, value in target.items():
            before = getattr(project, name)
            if not same_value(name, before, value):
                op.values[name] = value
                op.before[name] = plain(getattr(project, _attname(name)))
        self._check_usable(record, op.values)
        stage = self._sheet_stage(record)
        if stage and stage != project.stage:
            if stage not in STAGE_TRANSITIONS[Stage(project.stage)]:
                self.plan.errors.append(record.error("stage", _(
                    "A project cannot move from “%(from)s” to “%(to)s”.")
                    % {"from": Stage(project.stage).label, "to": Stage(stage).label}))
            else:
                when = self._stage_date(
                    stage, op.values.get("actual_start", project.actual_start),
                    op.values.get("actual_completion", project.actual_completion))
                op.stage_change = (project.stage, stage, when)
        return op

    def _sheet_stage(self, record: RowRecord) -> str | None:
        """The stage a row gives: its 建设阶段 column, else what 建设性质 says (续建 → 在建 …),
        else 是否开工 (是 → 在建); a 否 beside a started stage is said, not guessed."""
        stage = record.get("stage") or record.get("stage_from_nature")
        started = record.get("started")
        if stage is None and started:
            return Stage.UNDER_CONSTRUCTION
        if started is False and stage in (Stage.UNDER_CONSTRUCTION, Stage.COMPLETED):
            self.plan.warnings.append(record.error("started", _(
                "是否开工 says 否 but the row's stage is “%(stage)s”; the stage is kept.")
                % {"stage": Stage(stage).label}))
        return stage

    def _stage_date(self, stage: str, start: date | None, done: date | None) -> date:
        """When a stage move takes effect: the sheet's start/completion date, else the period's
        last day (today while the period is running)."""
        if stage == Stage.UNDER_CONSTRUCTION and start:
            return start
        if stage == Stage.COMPLETED and done:
            return done
        return self.effective

    def _completion(self, record: RowRecord, project: Project | None,
                    target: dict[str, Any]) -> None:
        """An actual completion date only for a project that is (or becomes) completed."""
        stage = (record.get("stage") or record.get("stage_from_nature")
                 or (project.stage if project else Stage.PLANNING))
        if target.get("actual_completion") and stage != Stage.COMPLETED:
            del target["actual_completion"]
            self.plan.warnings.append(record.error("actual_completion", _(
                "Not stored: the project is not completed (竣工投产).")))

    # ------------------------------------------------------------------ checks

    def _validate(self, op: ProjectOp) -> None:
        """The checks of the model that the sheet's values can still fail: the validators of
        the texts (length, code form) and, when an existing project's planned total changes,
        its rules (the funding split must add up).  The parser already checked the amounts,
        dates and choices."""
        record = op.record
        for name, value in op.values.items():
            if not isinstance(value, str):
                continue
            try:
                _FIELDS[name].run_validators(value)
            except ValidationError as exc:
                column = self._column_of(name, record)
                for message in exc.messages:
                    self.plan.errors.append(record.error(column, message))
        project = op.project
        if project is None or not _MODEL_RULES.intersection(op.values):
            return
        probe = Project(**{f.attname: getattr(project, f.attname)
                           for f in Project._meta.concrete_fields})
        for name, value in op.values.items():
            setattr(probe, name, value)
        try:
            probe.clean()
        except ValidationError as exc:
            for name, errors in exc.update_error_dict({}).items():
                column = self._column_of(name, record)
                for message in ValidationError(errors).messages:
                    self.plan.errors.append(record.error(column, message))

    @staticmethod
    def _column_of(name: str, record: RowRecord) -> str | None:
        """The sheet column behind a Project field (the funding split: the planned total)."""
        if name == "completed_before":
            return "since_start" if record.get("since_start") is not None else "before_year"
        if name == NON_FIELD_ERRORS or name in FUNDING_FIELDS:
            return "planned_total"
        return _COLUMN_OF.get(name)

    def _note_approved_changes(self, ops: list[ProjectOp]) -> None:
        """Rows that change a report already approved, with who approved it (one query)."""
        touched = [(op, report.report) for op in ops for report in op.reports
                   if report.report is not None and report.values
                   and report.report.status == ReportStatus.APPROVED]
        if not touched:
            return
        reviewers = {pk: (user, at) for pk, user, at in MonthlyReport.objects.filter(
            pk__in=[r.pk for _op, r in touched]).values_list(
                "pk", "reviewed_by__username", "reviewed_at")}
        for op, report in touched:
            user, at = reviewers.get(report.pk, ("", None))
            self.plan.approved_changes.append(ApprovedChange(
                op.record.sheet, op.record.row, op.project.name if op.project else "",
                str(Period.of(report.period)), user or "",
                timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else ""))

    # ------------------------------------------------------------------ main

    def plan_rows(self, rows: list[RowRecord]) -> list[ProjectOp]:
        """Plan one chunk of rows; the errors go to the plan, the ops are returned."""
        self._prefetch(rows)
        ops: list[ProjectOp] = []
        seen = self.seen
        for record in rows:
            project, usable = self._match(record)
            if not usable:
                continue
            keys: list[Any] = [project.pk] if project else []
            if record.get("code"):
                keys.append(("code", record.values["code"]))
            if not keys:
                owner = record.get("owner")
                keys.append(("name", record.get("name"), owner or "",
                             "" if owner else record.get("unit") or ""))
            first = next((seen[key] for key in keys if key in seen), None)
            if first is not None:
                self.plan.errors.append(record.error("name", _(
                    "The same project is already in %(sheet)s row %(row)d.")
                    % {"sheet": first[0], "row": first[1]}, value=record.get("name")))
                continue
            seen.update(dict.fromkeys(keys, (record.sheet, record.row)))
            target = self._target_values(record)
            self._completion(record, project, target)
            op = self._update(record, project, target) if project else self._create(record, target)
            ops.append(op)
        self._prefetch_figures([op.project.pk for op in ops if op.project])
        for op in ops:
            self._figures(op)
        self._note_approved_changes(ops)
        for op in ops:
            if op.values:
                self._validate(op)
            if op.project is None:
                op.action = "create"
            elif op.changes_anything:
                op.action = "update"
            else:
                op.action = "unchanged"
            if self.digest:
                self.plan.add_to_digest(op)
            if self.preview and op.action != "unchanged":
                op.change = describe(op, self.period)
        return ops


_FIELDS = {f.name: f for f in Project._meta.concrete_fields}
#: Fields whose change can break a rule of ``Project.clean`` the parser cannot see.
_MODEL_RULES = frozenset({"planned_total"})


def _attname(name: str) -> str:
    """`owner` → `owner_id`: the raw value the audit trail keeps."""
    return next(f.attname for f in Project._meta.concrete_fields if f.name == name)
