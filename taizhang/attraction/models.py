"""Investment attraction (招商引资): a lead (线索) from the first contact through negotiation,
signing and landing to the ledger project it becomes, and the steps of that way.

A lead belongs to a division (the office's county or one of its townships); the office of that
division does everything with it (`Lead.scope_q`); nobody else reads leads (the figures reach
the cockpit and the bulletin through the statistics section, a converted project's signing
date its page through `registry.project_facts`). Every write goes through `services.py`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Division, Organization
from taizhang.accounts.scope import office_rows_q
from taizhang.attraction.choices import Channel, LeadStage
from taizhang.core.money import money_field
from taizhang.core.scoping import NOTHING, ScopedQuerySet
from taizhang.ledger.choices import Industry
from taizhang.ledger.models import Project

__all__ = ["Lead", "LeadStep"]


class LeadQuerySet(ScopedQuerySet["Lead"]):
    def with_current_stage(self) -> LeadQuerySet:
        """`current_stage`: "started" once the lead's project has an actual start, else the
        stored stage (choices.LeadStage: the rule that "started" is derived)."""
        return self.annotate(current_stage=Case(
            When(project__actual_start__isnull=False, then=Value(LeadStage.STARTED.value)),
            default=F("stage"), output_field=models.CharField()))


class Lead(models.Model):
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+")
    name = models.CharField(_("project name"), max_length=200)
    investor = models.CharField(_("investor"), max_length=200)
    enterprise = models.ForeignKey(Organization, verbose_name=_("investing enterprise"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    channel = models.CharField(_("source channel"), max_length=20, choices=Channel.choices)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices,
                                blank=True)
    intended_investment = money_field(_("intended investment (10k yuan)"))
    stage = models.CharField(_("stage"), max_length=16, choices=LeadStage.choices,
                             default=LeadStage.LEAD, db_index=True)
    registered_on = models.DateField(_("registered on"))
    negotiating_on = models.DateField(_("negotiation began on"), null=True, blank=True)
    signed_on = models.DateField(_("signing date"), null=True, blank=True, db_index=True)
    contract_amount = money_field(_("contract amount (10k yuan)"), null=True, blank=True)
    landed_on = models.DateField(_("landing date"), null=True, blank=True, db_index=True)
    project = models.OneToOneField(Project, verbose_name=_("ledger project"), null=True,
                                   blank=True, on_delete=models.SET_NULL,
                                   related_name="attraction_lead")
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("investment lead")
        verbose_name_plural = _("investment leads")
        ordering = ["-registered_on", "-id"]
        indexes = [models.Index(fields=["division", "stage"], name="attraction_lead_div_stage")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("attraction:lead", args=[self.pk])

    @property
    def started_on(self) -> Any:
        """The actual start of its project (the derived "started" stage), or None."""
        return self.project.actual_start if self.project_id and self.project else None

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        """The office of the lead's division (and above) does everything; nobody else."""
        return office_rows_q(user)


class LeadStep(models.Model):
    """One step of a lead's way: the stage it entered, on which day, who recorded it."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(_("stage"), max_length=16, choices=LeadStage.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                               related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("step of a lead")
        verbose_name_plural = _("steps of leads")
        ordering = ["on", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.on}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        q = Lead.scope_q(user, action)
        return NOTHING if q == NOTHING else models.Q(lead__in=Lead.objects.filter(q))
