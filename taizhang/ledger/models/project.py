from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Division, Organization, Person
from taizhang.core.codes import validate_project_code
from taizhang.core.money import money_field
from taizhang.core.scoping import ScopedQuerySet
from taizhang.ledger.choices import Industry, Nature, ProjectType, Stage
from taizhang.ledger.models.scope import project_scope_q

FUNDING_FIELDS = (
    "fund_central_provincial",
    "fund_city_county",
    "fund_enterprise",
    "fund_bank_loans",
    "fund_other",
)


class Project(models.Model):
    code = models.CharField(
        _("project code"), max_length=24, null=True, blank=True, unique=True,
        validators=[validate_project_code],
    )
    name = models.CharField(_("project name"), max_length=200, db_index=True)
    owner = models.ForeignKey(
        Organization, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="projects",
        # Unknown in some published lists (a 前期 project's owner is 待定, or the list has no
        # owner column): such a project is known by its name and responsible unit.
        null=True, blank=True,
    )
    nature = models.CharField(
        _("nature"), max_length=16, choices=Nature.choices, default=Nature.NEW
    )
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    project_type = models.CharField(
        _("project type"), max_length=16, choices=ProjectType.choices, default=ProjectType.INDUSTRY
    )
    division = models.ForeignKey(
        Division, verbose_name=_("township / division"), on_delete=models.PROTECT,
        related_name="projects",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    scale_content = models.TextField(_("scale and main content"), blank=True)
    planned_total = money_field(_("planned total investment (10k yuan)"))
    fund_central_provincial = money_field(
        _("central and provincial funds"), null=True, blank=True
    )
    fund_city_county = money_field(_("city and county funds"), null=True, blank=True)
    fund_enterprise = money_field(_("enterprise own funds"), null=True, blank=True)
    fund_bank_loans = money_field(_("bank loans"), null=True, blank=True)
    fund_other = money_field(_("other funds"), null=True, blank=True)
    completed_before = money_field(
        _("completed before the first monthly report (10k yuan)"), default=Decimal("0.00"),
        help_text=_("Opening balance for projects started before the ledger was kept here."),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True, db_index=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    actual_completion = models.DateField(_("actual completion"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PLANNING, db_index=True
    )
    leader = models.ForeignKey(
        Person, verbose_name=_("leader in charge"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="led_projects",
    )
    responsible_unit = models.ForeignKey(
        Organization, verbose_name=_("responsible unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="unit_projects",
    )
    contact_name = models.CharField(_("contact"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent project"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["owner", "name"]),
            models.Index(fields=["responsible_unit"]),
            models.Index(fields=["leader"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("ledger:project-detail", args=[self.pk])

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return project_scope_q(user, action)

    def funding_split(self) -> dict[str, Decimal | None]:
        return {name: getattr(self, name) for name in FUNDING_FIELDS}

    def clean(self) -> None:
        super().clean()
        parts = [v for v in self.funding_split().values() if v is not None]
        if parts and self.planned_total is not None and sum(parts) != self.planned_total:
            raise ValidationError(
                _("The funding sources add up to %(sum)s, not to the planned total %(total)s.")
                % {"sum": sum(parts), "total": self.planned_total}
            )
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A project cannot be its own parent.")})


class StageChange(models.Model):
    """Every stage move, with who, when and why."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    effective_date = models.DateField(_("effective date"))
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True,
        on_delete=models.PROTECT, related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["changed_at", "id"]
        # The changes after a period's end (figures/aggregate.py, the stage as of a
        # period): a short range for a recent period, not a scan of the whole history.
        indexes = [models.Index(fields=["effective_date"], name="ledger_stage_effective")]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_stage} → {self.to_stage}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return project_scope_q(user, action, prefix="project__")
