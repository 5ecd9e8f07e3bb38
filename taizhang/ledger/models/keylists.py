from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.core.scoping import ScopedQuerySet
from taizhang.ledger.choices import ListKind, ListLevel, MembershipStatus
from taizhang.ledger.models.project import Project
from taizhang.ledger.models.scope import project_scope_q


def list_code(level: str, kind: str) -> str:
    """`county` for the county key list, `province-prestage` for the provincial pre-stage."""
    return level if kind == ListKind.KEY else f"{level}-{kind}"


def parse_list_code(code: str) -> tuple[str, str]:
    level, _sep, kind = code.strip().partition("-")
    kind = kind or ListKind.KEY
    if level not in ListLevel.values or kind not in ListKind.values:
        raise ValueError(code)
    return level, kind


class KeyList(models.Model):
    level = models.CharField(_("level"), max_length=16, choices=ListLevel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=ListKind.choices, default="key")
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("key list")
        verbose_name_plural = _("key lists")
        ordering = ["year", "level", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["level", "kind", "year"], name="keylist_unique")
        ]

    def __str__(self) -> str:
        return self.name or f"{self.year} {self.get_level_display()} {self.get_kind_display()}"

    @property
    def code(self) -> str:
        return list_code(self.level, self.kind)


class KeyListMembership(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="memberships"
    )
    key_list = models.ForeignKey(
        KeyList, verbose_name=_("key list"), on_delete=models.PROTECT, related_name="memberships"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MembershipStatus.choices,
        default=MembershipStatus.APPLIED,
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    #: An import records this object's changes inside its project's event (AuditEvent.about).
    audit_part_of = "project"

    class Meta:
        verbose_name = _("key list membership")
        verbose_name_plural = _("key list memberships")
        constraints = [
            models.UniqueConstraint(fields=["project", "key_list"], name="membership_unique")
        ]
        indexes = [models.Index(fields=["key_list", "status", "project"])]

    def __str__(self) -> str:
        return f"{self.project} ∈ {self.key_list}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return project_scope_q(user, action, prefix="project__")
