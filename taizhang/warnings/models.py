"""Warnings (红黄绿灯): the rules of a year, the evaluations of a period, their lamps, and the
consequences recorded against a lamp.

A lamp is stored when its period is evaluated (`services.evaluate_period`), so history shows
when a project turned red and back; publishing an evaluation freezes its lamps. Each lamp
keeps the reasons it was lit (every non-green rule, and the progress values even when green)
with the values and the threshold used, so its explanation is rebuilt in the reader's
language (`explanation`) and never changes when a rule is edited later.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Division
from taizhang.accounts.scope import acts_for_office, office_rows_q
from taizhang.core.fields import WrittenJSONField
from taizhang.core.periods import Period
from taizhang.core.scoping import ScopedQuerySet
from taizhang.ledger.models import Project
from taizhang.ledger.models.scope import project_scope_q
from taizhang.warnings.choices import ConsequenceKind, LampColor

__all__ = ["Consequence", "ConsequenceKind", "Evaluation", "Lamp", "LampColor", "WarningRule"]


def lamp_scope_q(user: Any, action: str, prefix: str = "") -> models.Q:
    """Lamps (through `prefix`) of the projects `user` may see; outside the office, only
    published ones (a draft evaluation is the office's work in progress)."""
    projects = project_scope_q(user, action, prefix=f"{prefix}project__")
    if acts_for_office(user):
        return projects
    return projects & models.Q(**{f"{prefix}evaluation__published_at__isnull": False})


class WarningRule(models.Model):
    """One rule of a division's year, by its code in the registry (`rules.py`), with the
    office's thresholds. Edits move `version`; evaluations keep a snapshot of the params."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("rule"), max_length=40)
    enabled = models.BooleanField(_("enabled"), default=True)
    params = models.JSONField(_("thresholds"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["division", "year", "id"]
        constraints = [models.UniqueConstraint(fields=["division", "year", "code"],
                                               name="warning_rule_unique")]

    def __str__(self) -> str:
        return f"{self.division} {self.year} {self.code}"

    @property
    def rule(self) -> Any:
        """The registered rule class (None when its app is gone)."""
        from taizhang.warnings.rules import get_rule
        return get_rule(self.code)

    @property
    def title(self) -> str:
        rule = self.rule
        return str(rule.title) if rule else self.code

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return office_rows_q(user)


class Evaluation(models.Model):
    """The lamps of a division (and below) for one month, as evaluated, then published."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    evaluated_at = models.DateTimeField(_("evaluated at"))
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("evaluated by"),
                                     null=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    #: {code: params} of the rules enabled when it was evaluated.
    rules = models.JSONField(_("rules used"), default=dict)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-year", "-month", "division"]
        constraints = [models.UniqueConstraint(fields=["division", "year", "month"],
                                               name="warning_evaluation_unique")]

    def __str__(self) -> str:
        return f"{self.division} {self.period}"

    @property
    def period(self) -> Period:
        return Period(self.year, self.month)

    @property
    def published(self) -> bool:
        return self.published_at is not None

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return office_rows_q(user)


class Lamp(models.Model):
    """A project's lamp for a month: the worst colour of the enabled rules, with why."""

    evaluation = models.ForeignKey(Evaluation, verbose_name=_("evaluation"),
                                   on_delete=models.CASCADE, related_name="lamps")
    # No index of its own: the unique (project, year, month) index starts with it, and one
    # index fewer is a tenth less work for each of an evaluation's 100,000 inserts.
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="lamps", db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    color = models.CharField(_("lamp"), max_length=8, choices=LampColor.choices)
    #: The code of the rule that set the colour ("" for green).
    rule = models.CharField(_("rule"), max_length=40, blank=True)
    #: [{rule, color, values, threshold}]: enough to rebuild the explanation. Written with
    #: the evaluation and read whole: PostgreSQL keeps it as ``json`` (core/fields.py).
    reasons = WrittenJSONField(_("reasons"), default=list)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("lamp")
        verbose_name_plural = _("lamps")
        ordering = ["-year", "-month", "project"]
        # Lamps are read by project (the unique index: a list's colours, a project's
        # history) or by evaluation (its page, its counts). No index on the colour: every
        # filter on it goes through the projects' lamp, and keeping one cost a third of
        # storing a period's lamps (100,000 rows of three keys).
        constraints = [models.UniqueConstraint(fields=["project", "year", "month"],
                                               name="warning_lamp_unique")]

    def __str__(self) -> str:
        return f"{self.project} {self.period} {self.get_color_display()}"

    @property
    def period(self) -> Period:
        return Period(self.year, self.month)

    @property
    def explanations(self) -> list[str]:
        """One translated line per reason (rules.explain)."""
        from taizhang.warnings.rules import explain
        return [explain(reason) for reason in self.reasons]

    @property
    def explanation(self) -> str:
        """The reasons in one line, e.g. "完成率 31.2%，时间进度 58.3%，慢 27.1 个百分点 → 黄灯"."""
        from django.utils.translation import gettext
        return gettext("; ").join(self.explanations)

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return lamp_scope_q(user, action)


class Consequence(models.Model):
    """A consequence of a lamp: a summoned talk (约谈) or a supervision letter (督办函)."""

    lamp = models.ForeignKey(Lamp, verbose_name=_("lamp"), on_delete=models.PROTECT,
                             related_name="consequences")
    kind = models.CharField(_("kind"), max_length=8, choices=ConsequenceKind.choices)
    date = models.DateField(_("date"))
    held_by = models.CharField(_("held by"), max_length=200)
    outcome = models.TextField(_("outcome"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("consequence")
        verbose_name_plural = _("consequences")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return lamp_scope_q(user, action, prefix="lamp__")
