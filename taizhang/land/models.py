"""Land (用地): a division's yearly land-use quota (用地指标, in 亩), its allocation to
projects (requested, allocated, supplied; key projects first, rules.py), and the records of
land consolidation (土地整治) and idle land revitalised (盘活存量用地).

The office of the quota's division does everything; a project's owner reads its own
projects' allocations. Every write goes through `services.py`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.choices import Role
from taizhang.accounts.models import Division
from taizhang.accounts.scope import office_rows_q
from taizhang.core.scoping import NOTHING, ScopedQuerySet
from taizhang.land.choices import AllocationStatus, ConsolidationKind, ConsolidationStatus
from taizhang.ledger.models import Project
from taizhang.ledger.models.scope import project_scope_q

__all__ = ["Allocation", "ConsolidationRecord", "LandQuota"]

ZERO = Decimal("0.00")
NOT_NEGATIVE = [MinValueValidator(ZERO)]


def _area(label: Any, **kwargs: Any) -> Any:
    return models.DecimalField(label, max_digits=12, decimal_places=2,
                               validators=NOT_NEGATIVE, **kwargs)


class LandQuota(models.Model):
    """The land-use quota of a division for a year (one per division and year)."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    quota = _area(_("quota (亩)"))
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("land-use quota")
        verbose_name_plural = _("land-use quotas")
        ordering = ["-year", "division"]
        constraints = [models.UniqueConstraint(fields=["division", "year"],
                                               name="land_quota_division_year")]

    def __str__(self) -> str:
        return f"{self.division} {self.year}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        """The office of the division (and above) only."""
        return office_rows_q(user)


class Allocation(models.Model):
    """A project's share of a quota: requested, then allocated, then supplied (亩)."""

    quota = models.ForeignKey(LandQuota, verbose_name=_("land-use quota"),
                              on_delete=models.CASCADE, related_name="allocations")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="+")
    requested = _area(_("requested (亩)"))
    allocated = _area(_("allocated (亩)"), default=ZERO)
    supplied = _area(_("supplied (亩)"), default=ZERO)
    requested_on = models.DateField(_("requested on"))
    allocated_on = models.DateField(_("allocated on"), null=True, blank=True)
    supplied_on = models.DateField(_("supplied on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AllocationStatus.choices,
                              default=AllocationStatus.REQUESTED, db_index=True)
    override_reason = models.TextField(_("override reason"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("land allocation")
        verbose_name_plural = _("land allocations")
        ordering = ["requested_on", "id"]
        constraints = [models.UniqueConstraint(fields=["quota", "project"],
                                               name="land_allocation_quota_project")]

    def __str__(self) -> str:
        return f"{self.project} ({self.quota.year})"

    @property
    def waiting(self) -> bool:
        """Still waiting for land: asked for more than it got, nothing supplied yet."""
        return self.requested > self.allocated and self.status != AllocationStatus.SUPPLIED

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        """The office of the quota's division does everything; an owner reads its own
        projects' allocations."""
        if action == "view" and getattr(user, "role", None) == Role.OWNER:
            q = project_scope_q(user, "view", "project__")
            if q != NOTHING:
                return q
        return office_rows_q(user, "quota__")


def waiting_q(prefix: str = "") -> models.Q:
    """The allocations still waiting (Allocation.waiting), as a filter."""
    return (models.Q(**{f"{prefix}requested__gt": models.F(f"{prefix}allocated")})
            & ~models.Q(**{f"{prefix}status": AllocationStatus.SUPPLIED}))


class ConsolidationRecord(models.Model):
    """Land consolidated (土地整治) or idle land revitalised (盘活存量) and the projects it
    served."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=ConsolidationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    area = _area(_("area (亩)"))
    status = models.CharField(_("status"), max_length=16, choices=ConsolidationStatus.choices,
                              default=ConsolidationStatus.PLANNED)
    date = models.DateField(_("date"), db_index=True)
    projects = models.ManyToManyField(Project, verbose_name=_("projects served"), blank=True,
                                      related_name="+")
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("land consolidation record")
        verbose_name_plural = _("land consolidation records")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return office_rows_q(user)
