"""A published ranking: the computed rows frozen as they were (assessment/results.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Division
from taizhang.accounts.scope import office_rows_q
from taizhang.assessment.choices import Level
from taizhang.core.scoping import ScopedQuerySet


class Result(models.Model):
    """Rows of one division, month and level as published: subjects, indicators with their
    figures and points, totals, ranks and marks, and the scheme they were scored by. Nothing
    recomputes them: editing the scheme or the ledger later leaves them as they are."""

    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="assessment_results")
    month = models.CharField(_("month"), max_length=7)  # YYYY-MM
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    scheme_name = models.CharField(_("scheme"), max_length=128)
    scheme_version = models.PositiveIntegerField(_("scheme version"))
    rows = models.JSONField(_("rows"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"),
                                     null=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        ordering = ["-month", "level"]
        constraints = [models.UniqueConstraint(fields=["division", "month", "level"],
                                               name="assessment_result_unique")]

    def __str__(self) -> str:
        return f"{self.month} {self.get_level_display()}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return office_rows_q(user)
