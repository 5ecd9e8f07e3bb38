"""Compare parsed rows with the database → an ImportPlan.  Reads only; ``apply`` writes it.

All lookups are batched (projects by code and by name, organizations, people, plans, report
sums, memberships): the number of queries does not grow with the number of rows.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Model, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from taizhang.accounts.choices import DivisionLevel, OrganizationKind
from taizhang.accounts.models import Division, Organization, Person
from taizhang.core.audit.service import plain
from taizhang.core.money import CENT, ZERO, wan
from taizhang.core.periods import Period
from taizhang.ledger.choices import (
    STAGE_TRANSITIONS,
    Industry,
    MembershipStatus,
    Nature,
    ProjectType,
    ReportStatus,
    Stage,
)
from taizhang.ledger.importing.columns import BLOCK_FIELDS
from taizhang.ledger.importing.parse import ParsedLedger, RowRecord, block_text, line_text
from taizhang.ledger.importing.result import FieldChange, ProjectChange, RowError
from taizhang.ledger.models import AnnualPlan, KeyList, KeyListMembership, MonthlyReport, Project
from taizhang.ledger.models.keylists import list_code

_CHUNK = 500
#: Sheet field → Project field, for the values copied as they are.
_DIRECT = {
    "code": "code", "name": "name", "nature": "nature", "address": "address",
    "scale_content": "scale_content", "project_type": "project_type", "industry": "industry",
    "planned_total": "planned_total", "planned_start": "planned_start",
    "actual_start": "actual_start", "planned_completion": "planned_completion",
    "contact_name": "contact_name", "contact_phone": "contact_phone",
}
_REPORT_TEXTS = ("image_progress", "problems", "next_steps")
_UNIT_KINDS = (OrganizationKind.DEPARTMENT, OrganizationKind.TOWNSHIP, OrganizationKind.OFFICE)
_TOWNSHIP_SUFFIXES = ("镇", "乡", "街道", "办事处")


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
    period: Period
    actor: Any
    ops: list[ProjectOp] = field(default_factory=list)
    new_orgs: dict[tuple[str, str], Organization] = field(default_factory=dict)
    new_people: dict[str, Person] = field(default_factory=dict)
    key_lists: dict[tuple[str, str], KeyList | None] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """A fingerprint of everything the plan would change."""
        h = hashlib.sha256(str(self.period).encode())
        for op in self.ops:
            if op.change is None:
                continue
            head = (op.action, op.change.project_id, op.change.name, op.change.code)
            h.update(repr(head).encode())
            for item in (*op.change.fields, *op.change.figures):
                h.update(repr((item.field, item.before, item.after)).encode())
        for kind, name in sorted(self.new_orgs):
            h.update(f"org:{kind}:{name}".encode())
        for name in sorted(self.new_people):
            h.update(f"person:{name}".encode())
        return h.hexdigest()


def _chunks(values: Iterable[Any], size: int = _CHUNK) -> Iterator[list[Any]]:
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _display(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, Decimal):
        return str(wan(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or None
    return str(value)


def _choice_label(name: str, value: Any) -> Any:
    choices = {"stage": Stage, "nature": Nature, "project_type": ProjectType}
    if name in choices and value:
        return str(choices[name](value).label)
    if name == "industry" and value:
        return f"{value} {Industry(value).label}"
    return value


def _project_label(name: str) -> str:
    return _label_in(name, get_language())


@functools.lru_cache(maxsize=256)
def _label_in(name: str, language: str | None) -> str:
    labels = {"division": _("township / division")}
    return str(labels.get(name) or Project._meta.get_field(name).verbose_name)


def _same(name: str, before: Any, after: Any) -> bool:
    if isinstance(after, Model):
        return after.pk is not None and getattr(before, "pk", before) == after.pk
    if before in (None, "") and after in (None, ""):
        return True
    if isinstance(after, str) and isinstance(before, str):
        normal = block_text if name in BLOCK_FIELDS else line_text
        return normal(before) == normal(after)
    return before == after


class Planner:
    """Builds the plan for one import (one instance per call)."""

    def __init__(self, parsed: ParsedLedger, *, actor: Any, period: Period, lock: bool) -> None:
        self.parsed = parsed
        self.actor = actor
        self.period = period
        self.lock = lock
        self.plan = ImportPlan(period=period, actor=actor)
        self.division: Division | None = actor.division
        self.today = timezone.localdate()
        self.effective = min(self.today, period.last_day)

    # ------------------------------------------------------------------ lookups

    def _projects(self) -> Any:
        qs = Project.objects.select_related("owner", "division", "leader", "responsible_unit")
        return qs.select_for_update(of=("self",)) if self.lock else qs

    def _prefetch(self, rows: list[RowRecord]) -> None:
        codes = {r.values["code"] for r in rows if r.get("code")}
        names = {r.values["name"] for r in rows if r.get("name")}
        self.by_code: dict[str, Project] = {}
        for chunk in _chunks(codes):
            for project in self._projects().filter(code__in=chunk):
                self.by_code[project.code] = project
        self.by_name: dict[tuple[str, str], list[Project]] = defaultdict(list)
        for chunk in _chunks(names):
            for project in self._projects().filter(name__in=chunk):
                key = (line_text(project.name), line_text(project.owner.name))
                self.by_name[key].append(project)
        org_names = {r.values[n] for r in rows for n in ("owner", "unit") if r.get(n)}
        self.orgs: dict[str, list[Organization]] = defaultdict(list)
        for chunk in _chunks(org_names):
            for org in Organization.objects.filter(name__in=chunk).order_by("pk"):
                self.orgs[org.name].append(org)
        people = {r.values["leader"][0] for r in rows if r.get("leader")}
        self.people: dict[str, list[Person]] = defaultdict(list)
        for chunk in _chunks(people):
            for person in Person.objects.filter(name__in=chunk).order_by("pk"):
                self.people[person.name].append(person)
        divisions = Division.objects.all()
        if self.division is not None:
            divisions = divisions.filter(path__startswith=self.division.path)
        self.divisions: dict[str, list[Division]] = defaultdict(list)
        for division in divisions.order_by("path"):
            self.divisions[division.name].append(division)

    def _prefetch_figures(self, ids: list[int]) -> None:
        period, year_start = self.period, self.period.year_start
        first = period.first_day
        self.sums: dict[int, dict[str, Any]] = {}
        self.reports: dict[tuple[int, date], MonthlyReport] = {}
        self.plans: dict[int, AnnualPlan] = {}
        self.memberships: dict[tuple[int, tuple[str, str]], KeyListMembership] = {}
        approved = Q(status=ReportStatus.APPROVED)
        this_year = Q(period__gte=year_start, period__lt=first)
        for chunk in _chunks(ids):
            rows = (
                MonthlyReport.objects.filter(project_id__in=chunk, period__lt=first)
                .order_by()
                .values("project_id")
                .annotate(
                    earlier=Sum("completed", filter=approved & this_year),
                    earlier_n=Count("id", filter=this_year),
                    prior=Sum("completed", filter=approved & Q(period__lt=year_start)),
                )
            )
            for row in rows:
                self.sums[row["project_id"]] = row
            for report in MonthlyReport.objects.filter(
                project_id__in=chunk, period__in=[first, period.previous().first_day]
            ):
                self.reports[(report.project_id, report.period)] = report
            for plan in AnnualPlan.objects.filter(project_id__in=chunk, year=period.year):
                self.plans[plan.project_id] = plan
            for membership in KeyListMembership.objects.select_related("key_list").filter(
                project_id__in=chunk, key_list__year=period.year
            ):
                key = (membership.key_list.level, membership.key_list.kind)
                self.memberships[(membership.project_id, key)] = membership
        self.plan.key_lists = {
            (kl.level, kl.kind): kl for kl in KeyList.objects.filter(year=period.year)
        }

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
        if project is None and not code and not owner:
            self.plan.errors.append(record.error("owner", _(
                "Give the project code or the owner (建设单位) so the project can be found.")))
            return None, False
        if project is not None and self.division is not None and not (
            project.division.path.startswith(self.division.path)
        ):
            self.plan.errors.append(record.error("code" if code else "name", _(
                "This project belongs to another division (%(division)s); this office cannot "
                "change it.") % {"division": project.division.name}))
            return None, False
        return project, True

    # ------------------------------------------------------------------ fields

    def _target_values(self, record: RowRecord) -> dict[str, Any]:
        values = record.values
        target: dict[str, Any] = {
            model: values[sheet] for sheet, model in _DIRECT.items()
            if values.get(sheet) is not None
        }
        if values.get("owner"):
            target["owner"] = self._owner(values["owner"])
        if values.get("unit"):
            target["responsible_unit"] = self._unit(values["unit"])
        if values.get("leader"):
            person, title, others = values["leader"]
            target["leader"] = self._leader(person, title)
            if others:
                self.plan.warnings.append(record.error("leader", _(
                    "Several leaders given; only the first (%(name)s) is kept.")
                    % {"name": person}))
        if values.get("township"):
            division = self._township(record)
            if division is not None:
                target["division"] = division
        return target

    def _create(self, record: RowRecord, target: dict[str, Any]) -> ProjectOp:
        if "planned_total" not in target and "planned_total" not in record.failed:
            self.plan.errors.append(record.error("planned_total", _(
                "A new project needs its planned total investment (总投资).")))
        if "owner" not in target:
            self.plan.errors.append(record.error("owner", _(
                "A new project needs its owner (建设单位).")))
        if "division" not in target and "township" not in record.failed:
            if self.division is None:
                self.plan.errors.append(record.error("township", _(
                    "Give the township (所属区域) of a new project.")))
            else:
                target["division"] = self.division
        stage = record.get("stage") or Stage.PLANNING
        target.setdefault("nature", Nature.NEW)
        target.setdefault("project_type", ProjectType.INDUSTRY)
        target["stage"] = stage
        return ProjectOp(record, "create", None, values=target)

    def _update(self, record: RowRecord, project: Project, target: dict[str, Any]) -> ProjectOp:
        op = ProjectOp(record, "update", project)
        for name, value in target.items():
            before = getattr(project, name)
            if not _same(name, before, value):
                op.values[name] = value
                op.before[name] = plain(getattr(project, project._meta.get_field(name).attname))
        stage = record.get("stage")
        if stage and stage != project.stage:
            if stage not in STAGE_TRANSITIONS[Stage(project.stage)]:
                self.plan.errors.append(record.error("stage", _(
                    "A project cannot move from “%(from)s” to “%(to)s”.")
                    % {"from": Stage(project.stage).label, "to": Stage(stage).label}))
            else:
                start = op.values.get("actual_start", project.actual_start)
                when = start if stage == Stage.UNDER_CONSTRUCTION and start else self.effective
                op.stage_change = (project.stage, stage, when)
        return op

    # ------------------------------------------------------------------ figures

    def _figures(self, op: ProjectOp) -> None:
        record, project = op.record, op.project
        if record.failed & {"ytd", "month", "since_start", "before_year", "annual_plan"}:
            return
        values = record.values
        period = self.period
        pid = project.pk if project else None
        sums = self.sums.get(pid, {}) if pid else {}
        earlier = sums.get("earlier") or ZERO
        earlier_n = sums.get("earlier_n") or 0
        prior = sums.get("prior") or ZERO
        at_p = self.reports.get((pid, period.first_day)) if pid else None
        ytd, month = values.get("ytd"), values.get("month")
        month_value: Decimal | None = None
        lump = ZERO
        covers_from = None
        ok = True
        if ytd is not None and earlier_n == 0:
            if month is not None:
                lump, month_value = ytd - month, month
                if lump < 0:
                    ok = self._fail(record, "ytd", _(
                        "The year-to-date figure %(ytd)s is smaller than this month's %(month)s.")
                        % {"ytd": ytd, "month": month})
                elif lump > 0 and period.month == 1:
                    ok = self._fail(record, "ytd", _(
                        "In January the year-to-date figure must equal the month's figure."))
            elif ("month" in record.columns and period.month > 1 and ytd > 0
                  and (at_p is None or at_p.status != ReportStatus.APPROVED)):
                lump = ytd  # a blank month cell: nothing this month, all of it before
            elif ytd > 0 or (at_p is not None and at_p.status == ReportStatus.APPROVED):
                month_value = ytd
                covers_from = period.year_start if period.month > 1 else None
        elif ytd is not None:
            if month is not None:
                month_value = month
                if earlier + month != ytd:
                    ok = self._fail(record, "ytd", _(
                        "The year-to-date figure %(ytd)s does not match the months already "
                        "reported (%(reported)s) plus this month (%(month)s).")
                        % {"ytd": ytd, "reported": earlier, "month": month})
            elif ytd - earlier == 0 and (at_p is None or at_p.status != ReportStatus.APPROVED):
                pass  # nothing approved this month, and the sheet agrees: leave a draft alone
            else:
                month_value = ytd - earlier
                if month_value < 0:
                    ok = self._fail(record, "ytd", _(
                        "The year-to-date figure %(ytd)s is smaller than the months already "
                        "reported (%(reported)s).") % {"ytd": ytd, "reported": earlier})
        elif month is not None:
            month_value = month
        if not ok:
            return
        # The approved sum of January … period once this row is written.
        year_after = earlier + lump
        if month_value is not None:
            year_after += month_value
        elif at_p is not None and at_p.status == ReportStatus.APPROVED:
            year_after += at_p.completed
        self._opening(op, prior, year_after)
        self._report_at_p(op, at_p, month_value, covers_from)
        if lump > 0:
            op.reports.append(ReportOp(
                period.previous().first_day, None,
                self._approved({"completed": lump, "covers_from": period.year_start}), {}))
        if values.get("annual_plan") is not None:
            self._annual_plan(op, values["annual_plan"])
        for key in values.get("level") or []:
            membership = self.memberships.get((pid, key)) if pid else None
            if membership is None or membership.status != MembershipStatus.APPROVED:
                op.memberships.append(MembershipOp(key, membership))
                self.plan.key_lists.setdefault(key, None)

    def _fail(self, record: RowRecord, name: str, reason: str) -> bool:
        self.plan.errors.append(record.error(name, reason))
        return False

    def _opening(self, op: ProjectOp, prior: Decimal, year_after: Decimal) -> None:
        """completed_before so that it plus the reports up to the period = 开工至今累计."""
        record = op.record
        since, before_year = record.get("since_start"), record.get("before_year")
        if since is not None:
            opening = since - prior - year_after
            if opening < 0:
                self._fail(record, "since_start", _(
                    "The since-start figure %(since)s is smaller than the months reported so far "
                    "(%(reported)s).") % {"since": since, "reported": prior + year_after})
                return
            if before_year is not None and abs(before_year + year_after - since) > CENT:
                self._fail(record, "before_year", _(
                    "Completed before this year (%(before)s) plus the year-to-date figure "
                    "(%(ytd)s) does not equal the since-start figure (%(since)s).")
                    % {"before": before_year, "ytd": year_after, "since": since})
                return
        elif before_year is not None:
            opening = before_year - prior
            if opening < 0:
                self._fail(record, "before_year", _(
                    "The figure for completed before this year %(before)s is smaller than the "
                    "months already reported for earlier years (%(reported)s).")
                    % {"before": before_year, "reported": prior})
                return
        else:
            return
        if op.project is None:
            op.values["completed_before"] = opening
        elif op.project.completed_before != opening:
            op.values["completed_before"] = opening
            op.before["completed_before"] = plain(op.project.completed_before)

    def _approved(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "status": ReportStatus.APPROVED}

    def _report_at_p(self, op: ProjectOp, at_p: MonthlyReport | None,
                     month_value: Decimal | None, covers_from: date | None) -> None:
        texts = {name: op.record.values[name] for name in _REPORT_TEXTS
                 if op.record.get(name) is not None}
        wanted: dict[str, Any] = dict(texts)
        if month_value is not None:
            wanted.update(self._approved({"completed": month_value, "covers_from": covers_from}))
        if not wanted:
            return
        first = self.period.first_day
        if at_p is None:
            if month_value is None:
                self.plan.warnings.append(op.record.error(next(iter(texts)), _(
                    "No figure for the month, so this text is not stored.")))
                return
            op.reports.append(ReportOp(first, None, wanted, {}))
            return
        changed = {name: value for name, value in wanted.items()
                   if not _same(name, getattr(at_p, name), value)}
        if changed:
            before = {name: plain(getattr(at_p, name)) for name in changed}
            op.reports.append(ReportOp(first, at_p, changed, before))

    def _annual_plan(self, op: ProjectOp, amount: Decimal) -> None:
        existing = self.plans.get(op.project.pk) if op.project else None
        if existing is None:
            op.plan = PlanOp(None, self.period.year, amount, None)
        elif existing.planned_investment != amount:
            op.plan = PlanOp(existing, self.period.year, amount, existing.planned_investment)

    # ------------------------------------------------------------------ preview

    def _describe(self, op: ProjectOp) -> ProjectChange:
        record, project = op.record, op.project
        name = op.values.get("name") or (project.name if project else record.get("name", ""))
        owner = op.values.get("owner") or (project.owner if project else None)
        code = op.values.get("code") or (project.code if project else None)
        change = ProjectChange(
            sheet=record.sheet, row=record.row,
            action="create" if project is None else "update",
            name=name, code=code, owner=str(owner or ""),
            project_id=project.pk if project else None,
        )
        for name_, value in op.values.items():
            before = getattr(project, name_) if project else None
            change.fields.append(FieldChange(
                name_, _project_label(name_), _display(_choice_label(name_, before)),
                _display(_choice_label(name_, value))))
        if op.stage_change and project is not None:
            change.fields.append(FieldChange(
                "stage", _project_label("stage"),
                _display(_choice_label("stage", op.stage_change[0])),
                _display(_choice_label("stage", op.stage_change[1]))))
        if op.plan:
            change.figures.append(FieldChange(
                f"plan:{op.plan.year}", _("Annual plan %(year)s") % {"year": op.plan.year},
                _display(op.plan.before), _display(op.plan.amount)))
        for report in op.reports:
            period = Period.of(report.period)
            lump = report.report is None and report.values.get("covers_from") and (
                report.period != self.period.first_day)
            for name_, value in report.values.items():
                if name_ == "status" and report.report is None:
                    continue
                if name_ == "covers_from" and not value and report.report is None:
                    continue
                label = {
                    "completed": _("Completed January–%(period)s (lump sum)") if lump
                    else _("Completed in %(period)s"),
                    "covers_from": _("%(period)s covers from"),
                    "status": _("Report status %(period)s"),
                    "image_progress": _("Image progress %(period)s"),
                    "problems": _("Problems %(period)s"),
                    "next_steps": _("Next steps %(period)s"),
                }[name_] % {"period": period}
                before = report.before.get(name_)
                change.figures.append(FieldChange(
                    f"report:{period}:{name_}", label, _display(before), _display(value)))
        for membership in op.memberships:
            level, kind = membership.key
            change.figures.append(FieldChange(
                f"list:{list_code(level, kind)}",
                _("Key list %(year)s") % {"year": self.period.year},
                _display(membership.membership.get_status_display() if membership.membership
                         else None),
                f"{list_code(level, kind)}: {MembershipStatus.APPROVED.label}"))
        return change

    # ------------------------------------------------------------------ main

    def build(self) -> ImportPlan:
        rows = self.parsed.rows
        self._prefetch(rows)
        seen: dict[Any, RowRecord] = {}
        for record in rows:
            project, usable = self._match(record)
            if not usable:
                continue
            keys: list[Any] = [project.pk] if project else []
            if record.get("code"):
                keys.append(("code", record.values["code"]))
            if not keys:
                keys.append(("name", record.get("name"), record.get("owner")))
            first = next((seen[key] for key in keys if key in seen), None)
            if first is not None:
                self.plan.errors.append(record.error("name", _(
                    "The same project is already in %(sheet)s row %(row)d.")
                    % {"sheet": first.sheet, "row": first.row}, value=record.get("name")))
                continue
            seen.update(dict.fromkeys(keys, record))
            target = self._target_values(record)
            op = self._update(record, project, target) if project else self._create(record, target)
            self.plan.ops.append(op)
        self._prefetch_figures([op.project.pk for op in self.plan.ops if op.project])
        for op in self.plan.ops:
            self._figures(op)
            if op.project is None:
                op.action = "create"
            elif op.changes_anything:
                op.action = "update"
            else:
                op.action = "unchanged"
            if op.action != "unchanged":
                op.change = self._describe(op)
        return self.plan


def build_plan(
    parsed: ParsedLedger, *, actor: Any, period: Period, lock: bool = False
) -> ImportPlan:
    """Match every parsed row with the database and work out what would change."""
    return Planner(parsed, actor=actor, period=period, lock=lock).build()
