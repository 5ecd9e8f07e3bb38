"""Procedures (手续办理): the kinds of item, each project's items and nodes, and campaigns.

Scoping (`scope_q`): an item, node or campaign target is seen by whoever sees its project
(`ledger.models.scope.project_scope_q`) and, for an item, by the department it is assigned to
(a unit's login); changed by the office of the project's division, the project's owner
(`report` on the project: the owner's own projects) and, for an item, its department.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.choices import Role
from taizhang.accounts.models import Division, Organization
from taizhang.accounts.scope import acts_for_office, office_rows_q
from taizhang.core.scoping import NOTHING, ScopedQuerySet
from taizhang.ledger.models import Project
from taizhang.ledger.models.scope import REPORT, VIEW, project_scope_q
from taizhang.procedures.choices import ItemStatus, StandardKind

CHANGE = "change"


def project_part_q(user: Any, action: str, prefix: str = "project__") -> Q:
    """Who sees (`view`) or changes (`change`) a node or item of a project: its office and
    its owner change; whoever sees the project sees."""
    if action == VIEW:
        return project_scope_q(user, VIEW, prefix)
    q = office_rows_q(user, prefix)
    if user.role == Role.OWNER:
        q |= project_scope_q(user, REPORT, prefix)
    return q


class ProcedureKind(models.Model):
    """A kind of procedure item: the standard ones (``standard`` code, no division, created
    by migration) and those an office adds for its division (and below)."""

    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(_("code"), max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (working days)"),
        null=True,
        blank=True,
        help_text=_("Working days from acceptance the department has by rule, if stated."),
    )
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure kind")
        verbose_name_plural = _("procedure kinds")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="procedure_kind_code_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> Any:
        """A standard kind in the reader's language; an office's kind as the office named it."""
        return StandardKind(self.code).label if self.code in StandardKind.values else self.name

    @staticmethod
    def scope_q(user: Any, action: str) -> Q:
        """Everyone sees the standard kinds and their division's (and above); the office
        changes its own division's."""
        if user.is_superuser and acts_for_office(user):
            return Q()
        if user.division is None:
            return NOTHING
        if action == VIEW:
            return Q(division__isnull=True) | Q(division__code__in=user.division.lineage_codes())
        return office_rows_q(user)


class ProcedureItem(models.Model):
    """One project's item of a kind: status, department, deadline, completion date."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="procedure_items"
    )
    kind = models.ForeignKey(
        ProcedureKind, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="items"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    department = models.ForeignKey(
        Organization,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedure_items",
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    done_on = models.DateField(_("completed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure item")
        verbose_name_plural = _("procedure items")
        ordering = ["project", "kind__order", "kind_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"], name="procedure_item_project_kind_unique"
            )
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["department", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.kind}"

    @staticmethod
    def scope_q(user: Any, action: str) -> Q:
        q = project_part_q(user, action)
        if user.role == Role.UNIT_STAFF and user.organization_id and user.division_id:
            q |= Q(department_id=user.organization_id) & user.division.subtree_q(
                "project__division__"
            )
        return q


class Node(models.Model):
    """A node of a project's plan (节点计划): what, by when, done when."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="procedure_nodes"
    )
    name = models.CharField(_("node"), max_length=100)
    planned_date = models.DateField(_("planned date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("node")
        verbose_name_plural = _("nodes")
        ordering = ["project", "planned_date", "id"]
        indexes = [models.Index(fields=["done_on", "planned_date"])]

    def __str__(self) -> str:
        return f"{self.project}: {self.name}"

    @staticmethod
    def scope_q(user: Any, action: str) -> Q:
        return project_part_q(user, action)


class Campaign(models.Model):
    """A time-boxed procedure campaign (手续办理季) of a division with its target items."""

    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    targets = models.ManyToManyField(
        ProcedureItem, verbose_name=_("target items"), blank=True, related_name="campaigns"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure campaign")
        verbose_name_plural = _("procedure campaigns")
        ordering = ["-start", "id"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_q(user: Any, action: str) -> Q:
        """The office of its division changes it; anyone placed in or below it sees it."""
        if user.is_superuser and acts_for_office(user):
            return Q()
        if user.division is None:
            return NOTHING
        office = office_rows_q(user)
        if action == VIEW:
            return Q(division__code__in=user.division.lineage_codes()) | office
        return office
