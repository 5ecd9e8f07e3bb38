"""Every write of dispatch: meetings with their problems, and each step of a problem's life.

The office of the project's division records meetings, raises problems (from a meeting or an
owner's report), confirms or sends back a proposed resolution; the responsible unit accepts,
reports progress and proposes the resolution, and answers a 督办单 with its plan. `tick` runs
daily (`taizhang dispatch-tick`): reminders near the deadline, escalation when it passed.

Transitions (anything else is refused with a ServiceError saying why):

    open ──accept──▶ in_progress ──propose──▶ proposed ──confirm──▶ resolved
                         ▲                       │
                         └──────send back────────┘
    open / in_progress / proposed ──deadline passed (tick)──▶ escalated (督办单)
    escalated ──propose──▶ proposed (the 督办单 stays until resolved)
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.choices import Role
from taizhang.accounts.models import Organization, Person, User
from taizhang.accounts.scope import acts_for_office_of, office_rows_q
from taizhang.core.audit.service import record
from taizhang.core.context import unattended
from taizhang.core.services import ServiceError, refuse_missing, save_versioned
from taizhang.core.workdays import add_working_days
from taizhang.dispatch.choices import MeetingKind, ProblemCategory, ProblemStatus
from taizhang.dispatch.models import (
    WORK,
    Meeting,
    MeetingPhoto,
    Problem,
    ProblemNote,
    Supervision,
    Task,
)
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.services.reports import checked_image, image_extension, thumbnail_of
from taizhang.notices.services import notify

S = ProblemStatus
# Working days on the Chinese calendar (core.workdays: holidays out, make-up days in).
NEAR_DAYS = 3  # the unit is reminded when the deadline is this many working days away
PLAN_DAYS = 5  # a 督办单 gives this many working days for the rectification plan


@dataclass(frozen=True)
class ProblemSpec:
    """A problem as a meeting (or the office) raises it."""

    project: Project
    category: str
    description: str
    responsible_unit: Organization
    deadline: date
    responsible_person: Person | None = None


@dataclass(frozen=True)
class TaskSpec:
    """A 交办事项 that is not a project's problem: work handed to a unit by a deadline."""

    description: str
    responsible_unit: Organization
    deadline: date


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _may(actor: Any, problem: Problem, action: str) -> bool:
    if actor is None:
        return unattended(actor)
    return Problem.objects.restrict(actor, action).filter(pk=problem.pk).exists()


def _require(actor: Any, problem: Problem, action: str) -> None:
    if not _may(actor, problem, action):
        raise PermissionDenied


def _require_office_of_project(actor: Any, project: Project) -> None:
    if unattended(actor):
        return
    if not Project.objects.filter(office_rows_q(actor), pk=project.pk).exists():
        raise PermissionDenied


def _refuse(problem: Problem, allowed: Sequence[str], action: str) -> None:
    if problem.status not in allowed:
        raise ServiceError(
            _("This problem is %(status)s: it cannot be %(action)s now.")
            % {"status": problem.get_status_display(), "action": action})


def _text(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(_("Write the %(what)s.") % {"what": what}, field=field)
    return value


def unit_users(unit_id: int) -> list[User]:
    return list(User.objects.filter(organization_id=unit_id, role=Role.UNIT_STAFF,
                                    is_active=True))


def office_users(problem: Problem) -> list[User]:
    """The office accounts of the project's division and above."""
    division = problem.project.division
    return [u for u in User.objects.filter(role=Role.OFFICE_ADMIN, is_active=True,
                                           division__isnull=False).select_related("division")
            if u.division is not None and u.division.contains(division)]


def _link(problem: Problem) -> str:
    return reverse("dispatch:problem", args=[problem.pk])


def _notify(users: Iterable[User], kind: str, problem: Problem) -> None:
    notify(users, kind, {"project": problem.project.name, "problem": str(problem),
                         "deadline": problem.deadline.isoformat()},
           link=_link(problem), topic=f"problem:{problem.pk}")


def _note(problem: Problem, kind: str, text: str, on: date, actor: Any) -> ProblemNote:
    return ProblemNote.objects.create(problem=problem, kind=kind, text=text, on=on,
                                      author=actor if getattr(actor, "pk", None) else None)


def _move(problem: Problem, status: str, actor: Any, expected_version: Any, event: str,
          *, fields: Sequence[str] = (), note: tuple[str, str, date] | None = None) -> Problem:
    before = problem.status
    problem.status = status
    save_versioned(problem, expected_version, ("status", *fields))
    if note:
        _note(problem, note[0], note[1], note[2], actor)
    record(event, problem, actor=actor, changes={"status": [before, status]})
    return problem


# --- meetings and raising problems -----------------------------------------------------------

def _check_spec(spec: ProblemSpec, row: int, today: date) -> None:
    if spec.category not in ProblemCategory.values:
        raise ServiceError(_("Problem %(row)s: choose a category.") % {"row": row},
                           field="category")
    if not (spec.description or "").strip():
        raise ServiceError(_("Problem %(row)s: describe the problem.") % {"row": row},
                           field="description")
    if spec.deadline < today:
        raise ServiceError(_("Problem %(row)s: the deadline is before the day it is raised.")
                           % {"row": row}, field="deadline")
    person = spec.responsible_person
    if person is not None and person.organization_id != spec.responsible_unit.pk:
        raise ServiceError(_("Problem %(row)s: the responsible person is not of the "
                             "responsible unit.") % {"row": row}, field="responsible_person")


def _check_task(spec: TaskSpec, row: int, day: date) -> None:
    if not (spec.description or "").strip():
        raise ServiceError(_("Task %(row)s: describe the task.") % {"row": row},
                           field="description")
    if spec.deadline < day:
        raise ServiceError(_("Task %(row)s: the deadline is before the meeting.")
                           % {"row": row}, field="deadline")


def _assign(specs: Sequence[TaskSpec], meeting: Meeting, actor: Any) -> None:
    for spec in specs:
        task = Task.objects.create(meeting=meeting, description=spec.description.strip(),
                                   responsible_unit=spec.responsible_unit,
                                   deadline=spec.deadline)
        record("task.assigned", task, actor=actor, changes={
            "description": [None, task.description],
            "responsible_unit": [None, spec.responsible_unit.name],
            "deadline": [None, spec.deadline.isoformat()]})


def _raise(spec: ProblemSpec, *, actor: Any, on: date, meeting: Meeting | None = None,
           report: MonthlyReport | None = None) -> Problem:
    problem = Problem.objects.create(
        project=spec.project, meeting=meeting, report=report, category=spec.category,
        description=spec.description.strip(), responsible_unit=spec.responsible_unit,
        responsible_person=spec.responsible_person, raised_on=on, deadline=spec.deadline)
    _note(problem, ProblemNote.Kind.ASSIGNED, "", on, actor)
    record("problem.raised", problem, actor=actor, changes={
        "project": [None, spec.project.name],
        "responsible_unit": [None, spec.responsible_unit.name],
        "deadline": [None, spec.deadline.isoformat()], "category": [None, spec.category]})
    _notify(unit_users(spec.responsible_unit.pk), "dispatch.assigned", problem)
    return problem


@transaction.atomic
def record_meeting(*, actor: Any, division: Any, kind: str, date: date, chair: Person,
                   place: str = "", title: str = "", minutes: str = "",
                   attendees: Iterable[Person] = (), units: Iterable[Organization] = (),
                   projects: Iterable[Project] = (),
                   problems: Sequence[ProblemSpec] = (),
                   tasks: Sequence[TaskSpec] = ()) -> Meeting:
    """A meeting and the problems and tasks it assigned (its 议定事项), atomically."""
    if kind not in MeetingKind.values:
        raise ServiceError(_("Choose the kind of meeting."), field="kind")
    projects = list(projects)
    for spec in problems:
        if spec.project not in projects:
            projects.append(spec.project)
    for project in projects:
        _require_office_of_project(actor, project)
    if not unattended(actor) and not acts_for_office_of(actor, division):
        raise PermissionDenied
    for row, spec in enumerate(problems, 1):
        _check_spec(spec, row, date)
    for row, task in enumerate(tasks, 1):
        _check_task(task, row, date)
    meeting = Meeting.objects.create(division=division, kind=kind, date=date, chair=chair,
                                     place=place.strip(), title=title.strip(),
                                     minutes=minutes.strip(),
                                     created_by=actor if getattr(actor, "pk", None) else None)
    meeting.attendees.set(list(attendees))
    meeting.units.set(list(units))
    meeting.projects.set(projects)
    record("meeting.recorded", meeting, actor=actor, changes={
        "kind": [None, kind], "date": [None, date.isoformat()], "chair": [None, chair.name],
        "problems": [None, len(problems)], "tasks": [None, len(tasks)]})
    for spec in problems:
        _raise(spec, actor=actor, on=date, meeting=meeting)
    _assign(tasks, meeting, actor)
    return meeting


def _names(rows: Iterable[Any]) -> list[str]:
    return sorted(str(row.name) for row in rows)


@transaction.atomic
def edit_meeting(meeting: Meeting, *, actor: Any, expected_version: Any, date: date,
                 chair: Person, place: str = "", title: str = "", minutes: str = "",
                 attendees: Iterable[Person] = (), units: Iterable[Organization] = (),
                 projects: Iterable[Project] = (), tasks: Sequence[TaskSpec] = ()) -> Meeting:
    """Correct a meeting's record (its kind stays; its problems are worked on their own
    pages) and add tasks; refused if someone saved it since `expected_version`."""
    if not Meeting.objects.restrict(actor, "change").filter(pk=meeting.pk).exists():
        raise PermissionDenied
    refuse_missing(expected_version)
    projects = list(projects)
    raised = Project.objects.filter(pk__in=meeting.problems.values("project_id"))
    for project in raised:  # a problem's project stays among the meeting's
        if project not in projects:
            projects.append(project)
    for project in projects:
        _require_office_of_project(actor, project)
    for row, task in enumerate(tasks, 1):
        _check_task(task, row, date)
    if meeting.problems.filter(deadline__lt=date).exists():
        raise ServiceError(_("The meeting's problems are raised on its day: it cannot move "
                             "past one of their deadlines."), field="date")
    attendees, units = list(attendees), list(units)
    before = {"date": meeting.date.isoformat(), "chair": meeting.chair.name,
              "place": meeting.place, "title": meeting.title, "minutes": meeting.minutes,
              "attendees": _names(meeting.attendees.all()), "units": _names(meeting.units.all()),
              "projects": _names(meeting.projects.all())}
    meeting.date, meeting.chair = date, chair
    meeting.place, meeting.title, meeting.minutes = place.strip(), title.strip(), minutes.strip()
    save_versioned(meeting, expected_version, ("date", "chair", "place", "title", "minutes"))
    meeting.attendees.set(attendees)
    meeting.units.set(units)
    meeting.projects.set(projects)
    Problem.objects.filter(meeting=meeting).update(raised_on=date)  # raised on its day
    after = {"date": date.isoformat(), "chair": chair.name, "place": meeting.place,
             "title": meeting.title, "minutes": meeting.minutes, "attendees": _names(attendees),
             "units": _names(units), "projects": _names(projects)}
    changes: dict[str, Any] = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if tasks:
        changes["tasks"] = [None, len(tasks)]
    record("meeting.edited", meeting, actor=actor, changes=changes)
    _assign(tasks, meeting, actor)
    return meeting


@transaction.atomic
def complete_task(task: Task, *, actor: Any, expected_version: Any,
                  today: date | None = None) -> Task:
    """The responsible unit (or the office) marks a task done."""
    if actor is not None and not Task.objects.restrict(actor, WORK).filter(pk=task.pk).exists():
        raise PermissionDenied
    if actor is None and not unattended(actor):
        raise PermissionDenied
    if task.status == Task.Status.DONE:
        raise ServiceError(_("This task is done already."))
    task.status, task.done_on = Task.Status.DONE, _today(today)
    save_versioned(task, expected_version, ("status", "done_on"))
    record("task.done", task, actor=actor, changes={
        "status": [Task.Status.OPEN, Task.Status.DONE],
        "done_on": [None, task.done_on.isoformat()]})
    return task


MAX_MEETING_PHOTOS = 12


@transaction.atomic
def add_meeting_photo(meeting: Meeting, upload: Any, *, actor: Any,
                      caption: str = "") -> MeetingPhoto:
    """A site photo of an on-site dispatch, checked as a report's (a real image of a sane
    size) with its thumbnail."""
    if not Meeting.objects.restrict(actor, "change").filter(pk=meeting.pk).exists():
        raise PermissionDenied
    if meeting.kind != MeetingKind.ON_SITE:
        raise ServiceError(_("Photos belong to on-site dispatches."), field="photo")
    if meeting.photos.count() >= MAX_MEETING_PHOTOS:
        raise ServiceError(_("A meeting holds at most %(n)d photos.")
                           % {"n": MAX_MEETING_PHOTOS}, field="photo")
    image_format = checked_image(upload)
    upload.seek(0)
    photo = MeetingPhoto(meeting=meeting, token=secrets.token_hex(16),
                         extension=image_extension(image_format), caption=caption[:200],
                         uploaded_by=actor)
    photo.image.save("photo", upload, save=False)
    thumbnail = thumbnail_of(upload, image_format)
    if thumbnail is not None:
        photo.thumbnail.save("thumb", thumbnail, save=False)
    photo.save()
    record("meeting.photo_added", meeting, actor=actor,
           changes={"photo": [None, photo.image.name]})
    return photo


@transaction.atomic
def raise_problem(spec: ProblemSpec, *, actor: Any, report: MonthlyReport | None = None,
                  today: date | None = None) -> Problem:
    """A problem outside a meeting: the office turns an owner's 存在问题 into one."""
    _require_office_of_project(actor, spec.project)
    on = _today(today)
    _check_spec(spec, 1, on)
    if report is not None and report.project_id != spec.project.pk:
        raise ServiceError(_("The report is not of this project."))
    return _raise(spec, actor=actor, on=on, report=report)


# --- the unit's steps ------------------------------------------------------------------------

@transaction.atomic
def accept(problem: Problem, *, actor: Any, expected_version: Any,
           today: date | None = None) -> Problem:
    _require(actor, problem, WORK)
    _refuse(problem, (S.OPEN,), _("accepted"))
    return _move(problem, S.IN_PROGRESS, actor, expected_version, "problem.accepted",
                 note=(ProblemNote.Kind.ACCEPTED, "", _today(today)))


@transaction.atomic
def report_progress(problem: Problem, text: str, *, actor: Any,
                    today: date | None = None) -> ProblemNote:
    """A progress note; it leaves the status as it is."""
    _require(actor, problem, WORK)
    _refuse(problem, (S.IN_PROGRESS, S.ESCALATED), _("reported on"))
    note = _note(problem, ProblemNote.Kind.PROGRESS, _text(text, "text", _("progress")),
                 _today(today), actor)
    record("problem.progress", problem, actor=actor, changes={"note": [None, note.text]})
    return note


@transaction.atomic
def propose_resolution(problem: Problem, resolution: str, *, actor: Any, expected_version: Any,
                       today: date | None = None) -> Problem:
    _require(actor, problem, WORK)
    _refuse(problem, (S.IN_PROGRESS, S.ESCALATED), _("proposed as resolved"))
    problem.resolution = _text(resolution, "resolution", _("resolution"))
    moved = _move(problem, S.PROPOSED, actor, expected_version, "problem.proposed",
                  fields=("resolution",),
                  note=(ProblemNote.Kind.PROPOSED, problem.resolution, _today(today)))
    _notify(office_users(problem), "dispatch.proposed", problem)
    return moved


@transaction.atomic
def submit_plan(problem: Problem, plan: str, *, actor: Any, today: date | None = None
                ) -> Supervision:
    """The unit's rectification plan answering the 督办单."""
    _require(actor, problem, WORK)
    supervision = Supervision.objects.filter(problem=problem).first()
    if supervision is None or supervision.closed_on:
        raise ServiceError(_("This problem has no open supervision order."))
    on = _today(today)
    supervision.plan = _text(plan, "plan", _("rectification plan"))
    supervision.plan_submitted_on = on
    supervision.save(update_fields=["plan", "plan_submitted_on"])
    _note(problem, ProblemNote.Kind.PLAN, supervision.plan, on, actor)
    record("problem.plan_submitted", problem, actor=actor,
           changes={"plan": [None, supervision.plan]})
    return supervision


# --- the office's steps ----------------------------------------------------------------------

@transaction.atomic
def confirm_resolution(problem: Problem, *, actor: Any, expected_version: Any,
                       today: date | None = None) -> Problem:
    _require(actor, problem, "change")
    _refuse(problem, (S.PROPOSED,), _("confirmed as resolved"))
    on = _today(today)
    problem.resolved_on = on
    moved = _move(problem, S.RESOLVED, actor, expected_version, "problem.resolved",
                  fields=("resolved_on",), note=(ProblemNote.Kind.RESOLVED, "", on))
    Supervision.objects.filter(problem=problem, closed_on=None).update(closed_on=on)
    _notify(unit_users(problem.responsible_unit_id), "dispatch.resolved", problem)
    return moved


@transaction.atomic
def send_back(problem: Problem, reason: str, *, actor: Any, expected_version: Any,
              today: date | None = None) -> Problem:
    """Not resolved yet: back to the unit (escalated again if it was under a 督办单)."""
    _require(actor, problem, "change")
    _refuse(problem, (S.PROPOSED,), _("sent back"))
    reason = _text(reason, "reason", _("reason"))
    supervised = Supervision.objects.filter(problem=problem, closed_on=None).exists()
    moved = _move(problem, S.ESCALATED if supervised else S.IN_PROGRESS, actor,
                  expected_version, "problem.sent_back",
                  note=(ProblemNote.Kind.SENT_BACK, reason, _today(today)))
    _notify(unit_users(problem.responsible_unit_id), "dispatch.sent_back", problem)
    return moved


def escalate(problem: Problem, *, actor: Any, today: date | None = None) -> Supervision:
    """The 督办单 of an overdue problem (the tick, or the office by hand)."""
    _require(actor, problem, "change")
    on = _today(today)
    _refuse(problem, (S.OPEN, S.IN_PROGRESS), _("escalated"))
    if problem.deadline >= on:
        raise ServiceError(_("The problem is not past its deadline."))
    with transaction.atomic():
        _move(problem, S.ESCALATED, actor, problem.version, "problem.escalated",
              note=(ProblemNote.Kind.ESCALATED, "", on))
        supervision = Supervision.objects.create(
            problem=problem, number=f"督办〔{on.year}〕{problem.pk}号", issued_on=on,
            plan_deadline=add_working_days(on, PLAN_DAYS))
        _notify(unit_users(problem.responsible_unit_id) + office_users(problem),
                "dispatch.overdue", problem)
    return supervision


@dataclass
class TickResult:
    reminded: int = 0
    escalated: int = 0


def tick(*, today: date | None = None) -> TickResult:
    """Daily: remind the units of problems due within NEAR_DAYS working days (once), and
    escalate those past their deadline. Acts as the machine (`acting("command")`)."""
    on = _today(today)
    result = TickResult()
    near = Problem.objects.filter(status__in=(S.OPEN, S.IN_PROGRESS), reminded_near=False,
                                  deadline__gte=on, deadline__lte=add_working_days(on, NEAR_DAYS))
    for problem in near.select_related("project"):
        with transaction.atomic():
            Problem.objects.filter(pk=problem.pk).update(reminded_near=True)
            _notify(unit_users(problem.responsible_unit_id), "dispatch.near", problem)
        result.reminded += 1
    overdue = Problem.objects.filter(status__in=(S.OPEN, S.IN_PROGRESS), deadline__lt=on)
    for problem in overdue.select_related("project"):
        escalate(problem, actor=None, today=on)
        result.escalated += 1
    return result


