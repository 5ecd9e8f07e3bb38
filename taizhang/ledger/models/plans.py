from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.core.money import money_field
from taizhang.core.scoping import ScopedQuerySet
from taizhang.ledger.models.project import Project
from taizhang.ledger.models.scope import project_scope_q


class AnnualPlan(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    planned_investment = money_field(_("annual planned investment (10k yuan)"))
    image_target = models.CharField(_("image-progress target"), max_length=200, blank=True)
    planned_new_start = models.BooleanField(_("planned new start this year"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()
    #: An import records this object's changes inside its project's event (AuditEvent.about).
    audit_part_of = "project"

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="plan_project_year_unique")
        ]
        indexes = [models.Index(fields=["year", "project"])]

    def __str__(self) -> str:
        return f"{self.project} {self.year}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return project_scope_q(user, action, prefix="project__")
