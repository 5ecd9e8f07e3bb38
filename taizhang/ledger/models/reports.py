from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.core.money import money_field
from taizhang.core.periods import Period
from taizhang.core.scoping import ScopedQuerySet
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.models.project import Project
from taizhang.ledger.models.scope import project_scope_q


class MonthlyReport(models.Model):
    """One project's report for one month. `period` is the first day of the month."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    period = models.DateField(_("period"))
    completed = money_field(_("completed this month (10k yuan)"), default=Decimal("0.00"))
    covers_from = models.DateField(
        _("covers from"), null=True, blank=True,
        help_text=_("Set when an imported sheet gave only a cumulative figure: this row then "
                    "holds the sum of the months from this date to the period."),
    )
    image_progress = models.TextField(_("image progress"), blank=True)
    behind_schedule = models.BooleanField(_("behind schedule"), default=False)
    behind_reason = models.TextField(_("why behind schedule"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT,
        db_index=True,
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    # Kept at submission (figures/plausibility.py): the kinds of warning the report was
    # submitted past (",spike,no_photos,", "" when clean) and the owner's note on them. The
    # queue filters on the kinds and shows the note; it shows the warnings as they are now.
    # (A database default too: rows written in SQL, by bulk loaders, need not name them.)
    warning_codes = models.CharField(_("warnings at submission"), max_length=200, blank=True,
                                     default="", db_default="")
    warning_note = models.TextField(_("note on the warnings"), blank=True, default="",
                                    db_default="")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # Punctuality (scored by the assessment): when the report was first submitted, and the
    # deadline in force then (the office may move its deadline day later; a report's lateness
    # does not move with it). Late: first_submitted_at >= due_at (`figures.reporting`).
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due by"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()
    #: An import records this object's changes inside its project's event (AuditEvent.about).
    audit_part_of = "project"

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["project", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period"], name="report_project_period_unique"
            ),
        ]
        # (project, period) is covered by the unique constraint; this one serves per-project
        # sums filtered by status, and the review queue by (status, period).
        indexes = [
            models.Index(fields=["project", "status", "period"]),
            models.Index(fields=["status", "period"]),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period_label}"

    @property
    def period_label(self) -> str:
        return str(Period.of(self.period))

    @property
    def is_locked(self) -> bool:
        return self.status in (ReportStatus.APPROVED, ReportStatus.SUBMITTED)

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return project_scope_q(user, action, prefix="project__")


def photo_path(instance: ReportPhoto, filename: str) -> str:
    # The stored name never comes from the user: no path tricks, no executable extensions.
    report = instance.report
    # The thumbnail is saved under the name "thumb" (services/reports.py add_photo).
    kind = ".thumb" if filename.startswith("thumb") else ""
    name = f"{instance.token}{kind}.{instance.extension}"
    return f"reports/{report.project_id}/{report.period:%Y-%m}/{name}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos"
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    image = models.ImageField(_("photo"), upload_to=photo_path, max_length=200)
    # A small copy for lists (the review queue), made at upload; empty for older photos.
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path, max_length=200,
                                  blank=True, default="", db_default="")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name or ""

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return project_scope_q(user, action, prefix="report__project__")
