"""Financing (银企对接): a project's financing needs, published by the office to banks; the
matchmaking events (银企对接会) with the banks and firms invited; loan intentions (意向); the
loans signed and their disbursements.

Every row carries its division (a need's and its project's; an intention's, a loan's: the
project's, else the event's, else the office's) and the scope is that division and below:

- the office (placed in a division; the superuser: all) sees and edits everything;
- a bank officer reads the needs *published* in its division and only its own bank's
  intentions, loans and disbursements, never another bank's, never a draft need;
- an owner reads its own firm's needs, intentions and loans and drafts needs for its projects;
- leaders and viewers read the rows of the projects they may view (a viewer also the
  intentions and loans of its division's firms without a project): the figures;
- anyone else, and an account without a division, nothing.

Every write goes through `services.py`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.choices import Role
from taizhang.accounts.models import Division, Organization
from taizhang.accounts.scope import acts_for_office
from taizhang.core.money import money_field
from taizhang.core.scoping import NOTHING, ScopedQuerySet
from taizhang.financing.choices import VISIBLE_TO_BANKS, NeedStatus
from taizhang.ledger.models import Project
from taizhang.ledger.models.scope import project_scope_q

__all__ = ["Disbursement", "FinancingNeed", "Loan", "LoanIntention", "MatchmakingEvent"]

VIEW = "view"
CHANGE = "change"


def _division_q(user: Any, prefix: str) -> models.Q:
    """The user's division and below (through `prefix`); nothing without a division."""
    if user.is_superuser:
        return models.Q()
    if user.division is None:
        return NOTHING
    return user.division.subtree_q(f"{prefix}division__")


def _readers_q(user: Any, action: str, prefix: str, org_field: str) -> models.Q:
    """The common rule of intentions and loans (through `prefix`): the office all; a bank or
    an owner its own organization's (`org_field`: bank or enterprise), read only; leaders and
    viewers their division's, read only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if acts_for_office(user):
        return _division_q(user, prefix)
    if action != VIEW or user.division is None:
        return NOTHING
    if user.role == Role.BANK and org_field == "bank" or user.role == Role.OWNER and (
            org_field == "enterprise"):
        if not user.organization_id:
            return NOTHING
        return (models.Q(**{f"{prefix}{org_field}_id": user.organization_id})
                & _division_q(user, prefix))
    if user.role in (Role.LEADER, Role.VIEWER):
        return _reader_projects_q(user, prefix)
    return NOTHING


def _reader_projects_q(user: Any, prefix: str) -> models.Q:
    """A leader's or viewer's rows: of the projects it may view; a viewer also those of its
    division with no project (a small firm's)."""
    found = project_scope_q(user, VIEW, prefix=f"{prefix}project__")
    if user.role == Role.VIEWER:
        found |= _division_q(user, prefix) & models.Q(**{f"{prefix}project__isnull": True})
    return found


def intention_q(user: Any, action: str, prefix: str = "") -> models.Q:
    """Intentions (through `prefix`) `user` may `action`: a bank its own, an owner its firm's."""
    if getattr(user, "role", None) == Role.OWNER:
        return _readers_q(user, action, prefix, "enterprise")
    return _readers_q(user, action, prefix, "bank")


class FinancingNeed(models.Model):
    """What a project needs from the banks: drafted by the office or its owner, published by
    the office, matched when a loan is signed against it."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="+")
    amount = money_field(_("amount (10k yuan)"))
    purpose = models.CharField(_("purpose"), max_length=200)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    deadline = models.DateField(_("needed by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=NeedStatus.choices,
                              default=NeedStatus.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True,
                                        db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("financing need")
        verbose_name_plural = _("financing needs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["division", "status"], name="financing_need_div_status")]

    def __str__(self) -> str:
        return f"{self.project.name}: {self.purpose}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        """Office: all of its division; a bank: published ones of its division, read only; an
        owner: its own projects' (changing only a draft); leaders, viewers: read."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return NOTHING
        if acts_for_office(user):
            return _division_q(user, "")
        if user.division is None:
            return NOTHING
        in_division = _division_q(user, "")
        if user.role == Role.BANK:
            if action != VIEW:
                return NOTHING
            return in_division & models.Q(status__in=VISIBLE_TO_BANKS)
        if user.role == Role.OWNER:
            if not user.organization_id or action not in (VIEW, CHANGE):
                return NOTHING
            own = in_division & models.Q(project__owner_id=user.organization_id)
            return own if action == VIEW else own & models.Q(status=NeedStatus.DRAFT)
        if user.role in (Role.LEADER, Role.VIEWER) and action == VIEW:
            return project_scope_q(user, VIEW, prefix="project__")
        return NOTHING


class MatchmakingEvent(models.Model):
    """A 银企对接会: the banks and firms the office invited."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+")
    date = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200)
    banks = models.ManyToManyField(Organization, verbose_name=_("banks invited"), blank=True,
                                   related_name="+")
    firms = models.ManyToManyField(Organization, verbose_name=_("firms invited"), blank=True,
                                   related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("matchmaking event")
        verbose_name_plural = _("matchmaking events")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        """The office runs them; a bank reads those it was invited to, an owner those its
        firm was; leaders and viewers read their division's."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return NOTHING
        if acts_for_office(user):
            return _division_q(user, "")
        if action != VIEW or user.division is None:
            return NOTHING
        in_division = _division_q(user, "")
        if user.role in (Role.BANK, Role.OWNER):
            if not user.organization_id:
                return NOTHING
            through = (MatchmakingEvent.banks if user.role == Role.BANK
                       else MatchmakingEvent.firms).through
            invited = through.objects.filter(organization_id=user.organization_id)
            return in_division & models.Q(pk__in=invited.values("matchmakingevent_id"))
        if user.role in (Role.LEADER, Role.VIEWER):
            return in_division
        return NOTHING


class Lending(models.Model):
    """What an intention and a loan share: a bank lends to an enterprise (for one of its
    projects, or not) an amount, in a division. Read by `intention_q`'s rule."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+")
    bank = models.ForeignKey(Organization, verbose_name=_("bank"), on_delete=models.PROTECT,
                             related_name="+")
    enterprise = models.ForeignKey(Organization, verbose_name=_("enterprise"),
                                   on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, verbose_name=_("project"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    amount = money_field(_("amount (10k yuan)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.bank.name} → {self.enterprise.name} {self.amount}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return intention_q(user, action)


class LoanIntention(Lending):
    """A bank's intention to lend to an enterprise (意向), at an event or against a need."""

    event = models.ForeignKey(MatchmakingEvent, verbose_name=_("matchmaking event"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="intentions")
    need = models.ForeignKey(FinancingNeed, verbose_name=_("financing need"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="intentions")
    date = models.DateField(_("date"), db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("loan intention")
        verbose_name_plural = _("loan intentions")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["division", "date"], name="financing_int_div_date")]


class Loan(Lending):
    """A signed loan (签约)."""

    intention = models.OneToOneField(LoanIntention, verbose_name=_("loan intention"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="loan")
    signed_on = models.DateField(_("signed on"), db_index=True)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-signed_on", "-id"]


class Disbursement(models.Model):
    """Money paid out on a loan (放款)."""

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.CASCADE,
                             related_name="disbursements")
    date = models.DateField(_("date"))
    amount = money_field(_("amount (10k yuan)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return intention_q(user, action, prefix="loan__")
