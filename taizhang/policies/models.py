"""Policies (惠企政策清单): the catalogue with structured eligibility, enterprise profiles
(size and tags, which the ledger does not keep), pushes to the enterprises that qualify and
the batch runs that made them.

Scoping (`scope_q`): the catalogue, the profiles and the runs are an office's, of its division
and below (the superuser all); a push is seen by that office and by the owner accounts of the
pushed enterprise, inside their own division; banks, units, leaders and viewers see nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.choices import Role
from taizhang.accounts.models import Division, Organization
from taizhang.accounts.scope import acts_for_office, office_rows_q
from taizhang.core.money import money_field
from taizhang.core.scoping import NOTHING, ScopedQuerySet
from taizhang.policies.choices import EnterpriseSize, KeyLevel, PolicyLevel


class Policy(models.Model):
    """One policy of the catalogue. Every eligibility criterion left empty admits anyone."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+")
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=PolicyLevel.choices)
    benefit = models.TextField(_("what it gives"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    how_to_apply = models.TextField(_("how to apply"), blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    grant_without_application = models.BooleanField(
        _("granted without application (免申即享)"), default=False)
    # Eligibility: a set per criterion; empty = any.
    industries = models.JSONField(_("industry sections"), default=list, blank=True)
    sizes = models.JSONField(_("enterprise sizes"), default=list, blank=True)
    townships = models.ManyToManyField(Division, verbose_name=_("townships"), blank=True,
                                       related_name="+")
    stages = models.JSONField(_("project stages"), default=list, blank=True)
    min_investment = money_field(_("minimum planned investment (10k yuan)"), null=True,
                                 blank=True)
    key_level = models.PositiveSmallIntegerField(_("key list"), choices=KeyLevel.choices,
                                                 null=True, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:policy", args=[self.pk])

    @staticmethod
    def scope_q(user: Any, action: str) -> Q:
        return office_rows_q(user)


class EnterpriseProfile(models.Model):
    """What matching needs of an enterprise that the ledger does not keep: its size and tags
    (高新技术企业, 专精特新, …). An enterprise without one has no size and no tags: only
    policies that ask for neither can match it on those."""

    organization = models.OneToOneField(Organization, verbose_name=_("enterprise"),
                                        on_delete=models.CASCADE, related_name="policy_profile")
    size = models.CharField(_("enterprise size"), max_length=8, choices=EnterpriseSize.choices,
                            blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise profile")
        verbose_name_plural = _("enterprise profiles")

    def __str__(self) -> str:
        return str(self.organization)

    @staticmethod
    def scope_q(user: Any, action: str) -> Q:
        """The office where the enterprise is placed or owns a project."""
        if user.is_superuser or not acts_for_office(user):
            return office_rows_q(user, "organization__")
        return Q(organization__in=Organization.objects.filter(
            office_rows_q(user) | office_rows_q(user, "projects__")).values("pk"))


class MatchRun(models.Model):
    """A batch run: every enterprise of a division against every policy of its catalogue."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    enterprises = models.PositiveIntegerField(_("enterprises"), default=0)
    policies = models.PositiveIntegerField(_("policies"), default=0)
    matches = models.PositiveIntegerField(_("matches"), default=0)
    pushed = models.PositiveIntegerField(_("new pushes"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.division} {self.started_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def scope_q(user: Any, action: str) -> Q:
        return office_rows_q(user)


class Push(models.Model):
    """A policy pushed to an enterprise that qualifies (政策找企), with the reasons, and what
    became of it: read, applied, granted. One per policy and enterprise."""

    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.CASCADE,
                               related_name="pushes")
    enterprise = models.ForeignKey(Organization, verbose_name=_("enterprise"),
                                   on_delete=models.CASCADE, related_name="policy_pushes")
    run = models.ForeignKey(MatchRun, verbose_name=_("matching run"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="pushes")
    reasons = models.JSONField(_("reasons"), default=list)
    pushed_at = models.DateTimeField(_("pushed at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    granted_at = models.DateTimeField(_("granted at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy push")
        verbose_name_plural = _("policy pushes")
        ordering = ["-pushed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["policy", "enterprise"],
                                               name="policy_push_unique")]
        indexes = [models.Index(fields=["enterprise", "pushed_at"])]

    def __str__(self) -> str:
        return f"{self.policy} → {self.enterprise}"

    @staticmethod
    def scope_q(user: Any, action: str) -> Q:
        """The policy's office; the owner accounts of the enterprise, inside their division
        (the policy's division is theirs or above it, as the county's catalogue is a
        township's too)."""
        if user.is_superuser or acts_for_office(user):
            return office_rows_q(user, "policy__")
        if user.role != Role.OWNER or not user.organization_id or user.division is None:
            return NOTHING
        division = user.division
        return Q(enterprise_id=user.organization_id) & (
            Q(policy__division__code__in=division.lineage_codes())
            | division.subtree_q("policy__division__"))
