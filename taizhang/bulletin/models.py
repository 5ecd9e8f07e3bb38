"""The office's masthead (issuing name, number prefix) and the bulletins it published.

A published bulletin is frozen: its files and the numbers used (``Content.to_json``) are
stored, and nothing edits them afterwards (services.py has no path that does).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Division
from taizhang.accounts.scope import office_rows_q
from taizhang.core.scoping import ScopedQuerySet


class BulletinSettings(models.Model):
    """What the office prints at the head of its bulletins (GB/T 9704's 发文机关 and 发文字号)."""

    division = models.OneToOneField(Division, verbose_name=_("division"),
                                     on_delete=models.CASCADE, related_name="bulletin_settings")
    issuing_office = models.CharField(
        _("issuing office"), max_length=64,
        help_text=_("The office's name at the head of the bulletin (迁安市重点项目建设办公室)."))
    number_prefix = models.CharField(
        _("document number prefix"), max_length=16,
        help_text=_("The office's short name in the document number, e.g. 迁重点办 for "
                    "迁重点办〔2022〕7号."))
    title = models.CharField(_("bulletin title"), max_length=64, default="重点项目建设情况通报")
    first_number = models.PositiveIntegerField(
        _("first number of the year"), default=1,
        help_text=_("The number of the year's first bulletin published here (when the office "
                    "published earlier ones on paper)."))
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bulletin settings")
        verbose_name_plural = _("bulletin settings")

    def __str__(self) -> str:
        return self.issuing_office

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return office_rows_q(user)


class Bulletin(models.Model):
    """A published bulletin of a division and period: frozen files and numbers."""

    division = models.ForeignKey(Division, verbose_name=_("division"),
                                 on_delete=models.PROTECT, related_name="bulletins")
    month = models.CharField(_("month"), max_length=7)  # YYYY-MM
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    document_number = models.CharField(_("document number"), max_length=40)
    title = models.CharField(_("title"), max_length=120)
    snapshot = models.JSONField(_("numbers used"))
    docx = models.FileField(_("Word file"), upload_to="bulletins/")
    pdf = models.FileField(_("PDF file"), upload_to="bulletins/")
    xlsx = models.FileField(_("Excel file"), upload_to="bulletins/")
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"),
                                     on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("published bulletin")
        verbose_name_plural = _("published bulletins")
        ordering = ["-month", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["division", "month"],
                                    name="bulletin_one_per_division_month"),
            models.UniqueConstraint(fields=["division", "year", "number"],
                                    name="bulletin_number_unique_in_year"),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} {self.title}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return office_rows_q(user)

    def file(self, fmt: str) -> Any:
        return {"docx": self.docx, "pdf": self.pdf, "xlsx": self.xlsx}[fmt]
