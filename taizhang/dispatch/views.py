"""Dispatch pages: the office's meetings (list, record with problems, detail, minutes as
docx) and problems (list with filters, detail with its steps, one from an owner's report);
a unit's problems by deadline; a leader's projects with lamps, open problems and coming
meetings. Who sees what is the models' `scope_q`; every write goes through services.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Q, When
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.accounts.choices import Role
from taizhang.accounts.scope import acts_for_office
from taizhang.core.forms import attempt
from taizhang.core.periods import Period
from taizhang.core.scoping import get_for_user
from taizhang.core.services import ServiceError
from taizhang.dispatch import forms, services
from taizhang.dispatch.choices import UNRESOLVED, MeetingKind, ProblemStatus
from taizhang.dispatch.minutes import minutes_docx
from taizhang.dispatch.models import WORK, Meeting, MeetingPhoto, Problem, Task
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.views.reports import _CONTENT_TYPES as CONTENT_TYPES
from taizhang.warnings.lamps import LAMP_RANK, with_lamp
from taizhang.warnings.views import office_page  # an office placed in a division

PAGE_SIZE = 50
RECENT_DAYS = 30  # the leader's page shows problems solved this recently
ROWS = 5  # problem rows on the meeting form
TASKS = 3  # task rows on the meeting forms
# absolute_max: a posted TOTAL_FORMS above the rows shown is refused, not built (Django's
# default builds up to a thousand more forms for one request, seconds of work).
RowFormSet = django_forms.formset_factory(forms.ProblemRowForm, extra=ROWS, max_num=ROWS,
                                          absolute_max=ROWS, validate_max=True)
TaskFormSet = django_forms.formset_factory(forms.TaskRowForm, extra=TASKS, max_num=TASKS,
                                           absolute_max=TASKS, validate_max=True)


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _problems(user: Any) -> Any:
    return (Problem.objects.restrict(user, "view")
            .select_related("project", "responsible_unit", "responsible_person", "meeting"))


# --- meetings ----------------------------------------------------------------------------------

@office_page
def meetings(request: HttpRequest) -> HttpResponse:
    rows = Meeting.objects.restrict(request.user, "view").select_related("chair")
    return render(request, "dispatch/meetings.html", {"page": _page(request, rows)})


def _task_rows(data: Any, user: Any) -> Any:
    """The task rows; a post without them (a client of the form before tasks) has none."""
    sent = data if data is not None and "t-TOTAL_FORMS" in data else None
    return TaskFormSet(sent, prefix="t", form_kwargs={"user": user})


def _tasks_valid(rows: Any) -> bool:
    return not rows.is_bound or rows.is_valid()


def _tasks(rows: Any) -> list[services.TaskSpec]:
    if not rows.is_bound:
        return []
    return [services.TaskSpec(r["description"], r["responsible_unit"], r["deadline"])
            for r in rows.cleaned_data if r.get("description")]


def _record(form: Any) -> dict[str, Any]:
    """What both meeting forms pass to their service."""
    data = form.cleaned_data
    return {key: data[key] for key in ("date", "chair", "place", "title", "minutes", "units",
                                       "attendees", "projects")}


@office_page
def meeting_new(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = forms.MeetingForm(data, user=request.user)
    rows = RowFormSet(data, prefix="p", form_kwargs={"user": request.user})
    tasks = _task_rows(data, request.user)
    if data is not None and form.is_valid() and rows.is_valid() and _tasks_valid(tasks):
        specs = [services.ProblemSpec(
            r["project"], r["category"], r["description"], r["responsible_unit"], r["deadline"],
            r["responsible_person"]) for r in rows.cleaned_data if r.get("project")]
        meeting = attempt(form, lambda: services.record_meeting(
            actor=request.user, division=request.user.division, kind=form.cleaned_data["kind"],
            problems=specs, tasks=_tasks(tasks), **_record(form)))
        if meeting is not None:
            messages.success(request, _("The meeting was recorded with %(n)s problem(s).")
                             % {"n": len(specs)})
            return redirect("dispatch:meeting", meeting.pk)
    return render(request, "dispatch/meeting_form.html",
                  {"form": form, "rows": rows, "tasks": tasks})


@office_page
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Meeting.objects.select_related("chair"), request.user, pk=pk,
                         action="change")
    data = request.POST if request.method == "POST" else None
    form = forms.MeetingEditForm(data, user=request.user, initial={
        "date": found.date, "chair": found.chair_id, "place": found.place,
        "title": found.title, "minutes": found.minutes, "version": found.version,
        "units": [u.pk for u in found.units.all()],
        "attendees": [p.pk for p in found.attendees.all()],
        "projects": "\n".join(p.name for p in found.projects.order_by("name"))})
    tasks = _task_rows(data, request.user)
    if data is not None and form.is_valid() and _tasks_valid(tasks):
        edited = attempt(form, lambda: services.edit_meeting(
            found, actor=request.user, expected_version=form.cleaned_data["version"],
            tasks=_tasks(tasks), **_record(form)))
        if edited is not None:
            messages.success(request, _("Saved."))
            return redirect("dispatch:meeting", found.pk)
    return render(request, "dispatch/meeting_form.html",
                  {"form": form, "tasks": tasks, "meeting": found})


@login_required  # first: an anonymous visitor is sent to log in, whatever the method
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The responsible unit (or the office) marks a task done (POST, at the version shown)."""
    found = get_for_user(Task.objects.all(), request.user, pk=pk, action=WORK)
    form = forms.TaskDoneForm(request.POST)
    if form.is_valid():
        try:
            services.complete_task(found, actor=request.user,
                                   expected_version=form.cleaned_data["version"])
            messages.success(request, _("The task is marked done."))
        except ServiceError as exc:
            messages.error(request, str(exc))
    if request.user.role == Role.UNIT_STAFF:
        return redirect("dispatch:unit")
    return redirect("dispatch:meeting", found.meeting_id)


@office_page
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Meeting.objects.select_related("chair"), request.user, pk=pk)
    upload = None
    if found.kind == MeetingKind.ON_SITE:
        upload = forms.PhotoForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and upload.is_valid():
            done = attempt(upload, lambda: services.add_meeting_photo(
                found, upload.cleaned_data["photo"], actor=request.user,
                caption=upload.cleaned_data["caption"]))
            if done is not None:
                messages.success(request, _("Saved."))
                return redirect("dispatch:meeting", found.pk)
    return render(request, "dispatch/meeting.html", {
        "meeting": found, "upload": upload, "photos": found.photos.all(),
        "attendees": found.attendees.select_related("organization").order_by("name"),
        "tasks": found.tasks.select_related("responsible_unit"), "today": timezone.localdate(),
        "problems": found.problems.select_related("project", "responsible_unit")})


@office_page  # type: ignore[arg-type]  # a file, not an HttpResponse: the same guard
def meeting_photo(request: HttpRequest, token: str) -> HttpResponseBase:
    """Served through the scope check, with the report photos' headers."""
    found = get_for_user(MeetingPhoto.objects.all(), request.user, token=token)
    field = found.thumbnail if request.GET.get("thumb") and found.thumbnail else found.image
    response = FileResponse(field.open("rb"), content_type=CONTENT_TYPES[found.extension])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@office_page
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Meeting.objects.select_related("chair"), request.user, pk=pk)
    response = HttpResponse(minutes_docx(found), content_type=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    response["Content-Disposition"] = f'attachment; filename="minutes-{found.pk}.docx"'
    return response


# --- problems ----------------------------------------------------------------------------------

@office_page
def problems(request: HttpRequest) -> HttpResponse:
    flt = forms.ProblemFilter(request.GET or None, user=request.user)
    rows = _problems(request.user)
    if flt.is_valid():
        data = flt.cleaned_data
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["category"]:
            rows = rows.filter(category=data["category"])
        if data["unit"]:
            rows = rows.filter(responsible_unit=data["unit"])
        if data["overdue"]:
            rows = rows.filter(status__in=UNRESOLVED, deadline__lt=timezone.localdate())
    return render(request, "dispatch/problems.html", {
        "filter": flt, "page": _page(request, rows), "today": timezone.localdate()})


def sees_person(user: Any, problem: Problem) -> bool:
    """The responsible person's name and phone (personal data): the office and those who
    work the problem with them, its unit and the project's leader; not its owner, a viewer
    or a bank (docs/permissions.md, "Personal data")."""
    if problem.responsible_person_id is None:
        return False
    if acts_for_office(user):
        return True
    if user.role == Role.UNIT_STAFF:
        return bool(user.organization_id) and user.organization_id == problem.responsible_unit_id
    if user.role == Role.LEADER:
        return bool(user.person_id) and user.person_id == problem.project.leader_id
    return False


def _steps(user: Any, problem: Problem) -> list[str]:
    """The steps this user may take on this problem now (the services check again)."""
    s = ProblemStatus
    if Problem.objects.restrict(user, "change").filter(pk=problem.pk).exists():
        steps: list[str] = {str(s.PROPOSED): ["confirm", "send_back"]}.get(problem.status, [])
        if problem.status in (s.OPEN, s.IN_PROGRESS) and problem.deadline < timezone.localdate():
            steps.append("escalate")
        return steps
    if Problem.objects.restrict(user, WORK).filter(pk=problem.pk).exists():
        by_status: dict[str, list[str]] = {
            s.OPEN: ["accept"], s.IN_PROGRESS: ["progress", "propose"],
            s.ESCALATED: ["progress", "propose"]}
        steps = list(by_status.get(problem.status, []))
        supervision = getattr(problem, "supervision", None)
        if supervision is not None and not supervision.closed_on:
            steps.append("plan")
        return steps
    return []


def _take(step: str, problem: Problem, text: str, user: Any, version: Any) -> Any:
    if step == "accept":
        return services.accept(problem, actor=user, expected_version=version)
    if step == "progress":
        return services.report_progress(problem, text, actor=user)
    if step == "propose":
        return services.propose_resolution(problem, text, actor=user, expected_version=version)
    if step == "plan":
        return services.submit_plan(problem, text, actor=user)
    if step == "confirm":
        return services.confirm_resolution(problem, actor=user, expected_version=version)
    if step == "send_back":
        return services.send_back(problem, text, actor=user, expected_version=version)
    return services.escalate(problem, actor=user)


@login_required
def problem(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(_problems(request.user), request.user, pk=pk)
    steps = _steps(request.user, found)
    form = forms.StepForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        step = form.cleaned_data["step"]
        if step not in steps:
            raise PermissionDenied
        done = attempt(form, lambda: _take(step, found, form.cleaned_data["text"], request.user,
                                           form.cleaned_data["version"]))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("dispatch:problem", found.pk)
    return render(request, "dispatch/problem.html", {
        "problem": found, "steps": steps, "form": form,
        "person": found.responsible_person if sees_person(request.user, found) else None,
        "notes": found.notes.select_related("author"),
        "supervision": getattr(found, "supervision", None)})


@office_page
def from_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The office turns an owner's 存在问题 into a problem, in one step."""
    report = get_for_user(MonthlyReport.objects.select_related("project"), request.user, pk=pk)
    project = report.project
    form = forms.FromReportForm(request.POST if request.method == "POST" else None,
                                user=request.user, initial={
        "description": report.problems, "responsible_unit": project.responsible_unit_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spec = services.ProblemSpec(project, data["category"], data["description"],
                                    data["responsible_unit"], data["deadline"])
        created = attempt(form, lambda: services.raise_problem(spec, actor=request.user,
                                                               report=report))
        if created is not None:
            messages.success(request, _("The problem was raised and assigned."))
            return redirect("dispatch:problem", created.pk)
    return render(request, "dispatch/from_report.html", {"form": form, "report": report})


# --- a unit's and a leader's pages ------------------------------------------------------------

@login_required
def unit(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role != Role.UNIT_STAFF or not user.organization_id:
        raise PermissionDenied
    rows = _problems(user).filter(responsible_unit_id=user.organization_id)
    tasks = (Task.objects.restrict(user, WORK).filter(responsible_unit_id=user.organization_id)
             .select_related("meeting"))
    return render(request, "dispatch/unit.html", {
        "open": rows.filter(status__in=UNRESOLVED).order_by("deadline", "pk")[:200],
        "resolved": rows.filter(status=ProblemStatus.RESOLVED).order_by("-resolved_on")[:50],
        "tasks": tasks.order_by(Case(When(status=Task.Status.DONE, then=1), default=0),
                                "deadline", "pk")[:200],
        "today": timezone.localdate()})


@login_required
def leader(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role != Role.LEADER or not user.person_id:
        raise PermissionDenied
    today = timezone.localdate()
    projects = Project.objects.restrict(user, "view").filter(leader_id=user.person_id)
    period = Period.of(today).previous()
    lit = (with_lamp(projects, period, published_only=True).select_related("division")
           .order_by(f"-{LAMP_RANK}", "name")[:200])
    # Open ones by deadline, then those solved in the last RECENT_DAYS.
    recent = Q(status=ProblemStatus.RESOLVED, resolved_on__gte=today - timedelta(RECENT_DAYS))
    open_problems = (_problems(user).filter(Q(status__in=UNRESOLVED) | recent,
                                            project__leader_id=user.person_id)
                     .order_by(Case(When(status=ProblemStatus.RESOLVED, then=1), default=0),
                               "deadline", "pk"))
    coming = (Meeting.objects.restrict(user, "view").filter(date__gte=today)
              .filter(Q(chair_id=user.person_id) | Q(projects__leader_id=user.person_id))
              .distinct().order_by("date")[:20])
    return render(request, "dispatch/leader.html", {
        "projects": lit, "period": period, "problems": open_problems[:200], "meetings": coming,
        "today": today})

