"""Dispatch (调度): meetings, the problems they raise (or an owner's report raised), the notes
that track a problem to the end, and the 督办单 of an overdue one.

A problem belongs to a project and so to its division; the office of that division runs it,
its responsible unit works it (accepts, reports progress, proposes the resolution) and the
project's readers see it (`Problem.scope_q`). Every write goes through `services.py`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.accounts.choices import Role
from taizhang.accounts.models import Division, Organization, Person
from taizhang.accounts.scope import acts_for_office, office_rows_q
from taizhang.core.scoping import NOTHING, ScopedQuerySet
from taizhang.dispatch.choices import MeetingKind, ProblemCategory, ProblemStatus
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.models.scope import project_scope_q

__all__ = ["Meeting", "MeetingPhoto", "Problem", "ProblemNote", "Supervision", "Task"]

WORK = "work"  # the responsible unit's action on its own problems


def _unit_q(user: Any, prefix: str = "", via: str = "project__") -> models.Q:
    """A unit's own problems (or tasks: `via` the meeting), within its division."""
    if user.role != Role.UNIT_STAFF or not user.organization_id or user.division is None:
        return NOTHING
    return (models.Q(**{f"{prefix}responsible_unit_id": user.organization_id})
            & user.division.subtree_q(f"{prefix}{via}division__"))


class Meeting(models.Model):
    """A dispatch meeting; the problems it raised are its 议定事项 (`problems`)."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    date = models.DateField(_("date"), db_index=True)
    chair = models.ForeignKey(Person, verbose_name=_("chair"), on_delete=models.PROTECT,
                              related_name="+")
    place = models.CharField(_("place"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    attendees = models.ManyToManyField(Person, verbose_name=_("attendees"), blank=True,
                                       related_name="+")
    units = models.ManyToManyField(Organization, verbose_name=_("attending units"), blank=True,
                                   related_name="+")
    projects = models.ManyToManyField(Project, verbose_name=_("projects"), blank=True,
                                      related_name="+")
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispatch meeting")
        verbose_name_plural = _("dispatch meetings")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["division", "date"], name="dispatch_meeting_div_date")]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.date}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        """The office runs its meetings; the others read those of their division."""
        if acts_for_office(user):
            return office_rows_q(user)
        if action != "view" or user.division is None or user.role in (Role.BANK, Role.OWNER):
            return NOTHING
        return user.division.subtree_q("division__")


def meeting_photo_path(instance: MeetingPhoto, filename: str) -> str:
    # The stored name never comes from the user (as a report's photos: ledger photo_path).
    kind = ".thumb" if filename.startswith("thumb") else ""
    return f"dispatch/{instance.meeting_id}/{instance.token}{kind}.{instance.extension}"


class MeetingPhoto(models.Model):
    """A site photo of an on-site dispatch (现场调度), checked and thumbnailed as a report's."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    image = models.ImageField(_("photo"), upload_to=meeting_photo_path, max_length=200)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=meeting_photo_path, max_length=200,
                                  blank=True, default="")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or self.token

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        q = Meeting.scope_q(user, action)
        return NOTHING if q == NOTHING else models.Q(meeting__in=Meeting.objects.filter(q))


class Problem(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="+")
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="problems")
    report = models.ForeignKey(MonthlyReport, verbose_name=_("monthly report"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    category = models.CharField(_("category"), max_length=16, choices=ProblemCategory.choices)
    description = models.TextField(_("description"))
    responsible_unit = models.ForeignKey(Organization, verbose_name=_("responsible unit"),
                                         on_delete=models.PROTECT, related_name="+")
    responsible_person = models.ForeignKey(Person, verbose_name=_("responsible person"),
                                           null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")
    raised_on = models.DateField(_("raised on"), db_index=True)
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=ProblemStatus.choices,
                              default=ProblemStatus.OPEN, db_index=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True, db_index=True)
    # The tick's reminders, once each: near the deadline, then overdue.
    reminded_near = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["responsible_unit", "status", "deadline"],
                                name="dispatch_problem_unit")]

    def __str__(self) -> str:
        return self.description[:60]

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        """The office of the project's division does everything; the responsible unit
        works its own (`WORK`); the project's readers (owner, leader, unit) view."""
        if acts_for_office(user):
            return office_rows_q(user, "project__")
        if action == WORK:
            return _unit_q(user)
        if action != "view":
            return NOTHING
        return project_scope_q(user, "view", "project__") | _unit_q(user)


class ProblemNote(models.Model):
    """One step of a problem's life: progress, a proposed resolution, a send-back…"""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        ACCEPTED = "accepted", _("Accepted")
        PROGRESS = "progress", _("Progress")
        PROPOSED = "proposed", _("Resolution proposed")
        SENT_BACK = "sent_back", _("Sent back")
        RESOLVED = "resolved", _("Resolved")
        ESCALATED = "escalated", _("Escalated")
        PLAN = "plan", _("Rectification plan")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("note"), blank=True)
    on = models.DateField(_("date"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                               related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        q = Problem.scope_q(user, action)
        return NOTHING if q == NOTHING else models.Q(problem__in=Problem.objects.filter(q))


class Supervision(models.Model):
    """督办单: issued when a problem passes its deadline; the unit owes a rectification plan
    by `plan_deadline`; it is closed when the problem is resolved."""

    problem = models.OneToOneField(Problem, on_delete=models.CASCADE,
                                   related_name="supervision")
    number = models.CharField(_("number"), max_length=40)
    issued_on = models.DateField(_("issued on"))
    plan_deadline = models.DateField(_("rectification plan due"))
    plan = models.TextField(_("rectification plan"), blank=True)
    plan_submitted_on = models.DateField(_("plan submitted on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return self.number

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        q = Problem.scope_q(user, action)
        return NOTHING if q == NOTHING else models.Q(problem__in=Problem.objects.filter(q))


class Task(models.Model):
    """A 交办事项 of a meeting that is not a project's problem: a piece of work the meeting
    handed a unit (draft a scheme, convene the departments…), with its deadline; the unit (or
    the office) marks it done."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("task status", "Open")
        DONE = "done", _("Done")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="tasks")
    description = models.TextField(_("description"))
    responsible_unit = models.ForeignKey(Organization, verbose_name=_("responsible unit"),
                                         on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assigned task")
        verbose_name_plural = _("assigned tasks")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["responsible_unit", "status", "deadline"],
                                name="dispatch_task_unit")]

    def __str__(self) -> str:
        return self.description[:60]

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        """The office of the meeting's division does everything; the responsible unit views
        and works (marks done) its own."""
        if acts_for_office(user):
            return office_rows_q(user, "meeting__")
        if action not in ("view", WORK):
            return NOTHING
        return _unit_q(user, via="meeting__")
