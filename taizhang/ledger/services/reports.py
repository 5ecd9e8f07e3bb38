"""The monthly report workflow: draft → submitted → approved, or returned with a reason."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from taizhang.accounts.models import OfficeSettings
from taizhang.core.audit.service import diff, record, snapshot
from taizhang.core.limits import first_too_long
from taizhang.core.periods import Period
from taizhang.core.services import (
    ConcurrentEdit,
    ServiceError,
    check_version,
    refuse_unbegun,
    save_versioned,
)
from taizhang.figures.plausibility import check_report, check_reports, codes_text
from taizhang.ledger.choices import NO_REPORT_STAGES, ReportStatus
from taizhang.ledger.models import MonthlyReport, Project, ReportPhoto
from taizhang.ledger.services import notifying
from taizhang.ledger.services.common import require_project, validate_field

CONTENT_FIELDS = (
    "completed", "image_progress", "behind_schedule", "behind_reason", "problems", "next_steps",
)
_EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _check_content(data: dict[str, Any]) -> None:
    over = first_too_long(MonthlyReport, data)
    if over:
        raise ServiceError(over[1], field=over[0])
    completed = data.get("completed")
    if completed is None:
        raise ServiceError(_("Enter the investment completed this month."), field="completed")
    if not isinstance(completed, Decimal) or not completed.is_finite():
        raise ServiceError(_("Enter an amount in 10k yuan."), field="completed")
    validate_field(MonthlyReport, "completed", completed)
    if data.get("behind_schedule") and not str(data.get("behind_reason", "")).strip():
        raise ServiceError(
            _("Say why the project is behind schedule."), field="behind_reason"
        )


def _locked(report: MonthlyReport) -> MonthlyReport:
    return (
        MonthlyReport.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=report.pk)
    )




def _check_reason(reason: str) -> None:
    over = first_too_long(MonthlyReport, {"return_reason": reason.strip()})
    if over:
        raise ServiceError(over[1], field="reason")


def reporting_window(actor: Any, project: Project) -> tuple[Period, Period] | None:
    """Months an owner may report: January to the office's open month. None: no limit.

    Earlier years are closed (their totals sit in the opening balance), and the office,
    which corrects history, is not limited.
    """
    if actor.is_office:
        return None
    current = OfficeSettings.for_division(project.division).current_reporting_period()
    return Period(current.year, 1), current


@transaction.atomic
def save_report(
    project: Project,
    period: Period,
    *,
    actor: Any,
    data: dict[str, Any],
    expected_version: Any,
) -> MonthlyReport:
    """Create or change the draft of a month's report (owner or office).

    `expected_version`: the version the form was opened at, 0 if there was no report then (a
    first save by someone else in between wins, this one is refused).
    """
    require_project(actor, project, "report")
    unknown = set(data) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"not report fields: {sorted(unknown)}")
    refuse_unbegun(period)
    if project.stage in NO_REPORT_STAGES:
        raise ServiceError(_("The project is cancelled; it takes no more reports."))
    report = MonthlyReport.objects.filter(project=project, period=period.first_day).first()
    window = reporting_window(actor, project)
    returned = report is not None and report.status == ReportStatus.RETURNED
    if window and not window[0] <= period <= window[1] and not returned:
        raise ServiceError(
            _("Reports can be filled for %(first)s to %(last)s; ask the office about other "
              "months.") % {"first": window[0], "last": window[1]},
            field="period",
        )
    _check_content(data)
    if report is None:
        check_version(expected_version, None)
        try:
            with transaction.atomic():  # a savepoint: two first saves at once → one wins
                report = MonthlyReport.objects.create(
                    project=project, period=period.first_day, **data
                )
        except IntegrityError as exc:
            raise ConcurrentEdit() from exc
        record("report.created", report, actor=actor, changes=snapshot(report, CONTENT_FIELDS))
        return report
    report = _locked(report)
    check_version(expected_version, report.version)
    if report.status not in _EDITABLE:
        raise ServiceError(
            _("This report is %(status)s and can no longer be changed.")
            % {"status": report.get_status_display()}
        )
    before = snapshot(report, CONTENT_FIELDS)
    for name, value in data.items():
        setattr(report, name, value)
    changed = diff(before, snapshot(report, CONTENT_FIELDS))
    if changed:
        save_versioned(report, report.version, list(data))
        record("report.updated", report, actor=actor, changes=changed)
    return report


def _transition(
    report: MonthlyReport,
    *,
    actor: Any,
    allowed_from: tuple[str, ...],
    to: str,
    event: str,
    reason: str = "",
    extra: dict[str, Any] | Callable[[MonthlyReport], dict[str, Any]] | None = None,
    detail: dict[str, Any] | None = None,
    expected_version: Any,
) -> MonthlyReport:
    report = _locked(report)
    check_version(expected_version, report.version)
    if report.status not in allowed_from:
        raise ServiceError(
            _("This report is %(status)s; that action is not possible now.")
            % {"status": report.get_status_display()}
        )
    before = report.status
    report.status = to
    fields = ["status"]
    if callable(extra):
        extra = extra(report)
    for name, value in (extra or {}).items():
        setattr(report, name, value)
        fields.append(name)
    save_versioned(report, report.version, fields)
    changes: dict[str, Any] = {"status": [before, to]}
    for name, value in (detail or {}).items():
        changes[name] = [None, value]
    record(event, report, actor=actor, reason=reason, changes=changes)
    return report


@transaction.atomic
def submit_report(
    report: MonthlyReport, *, actor: Any, expected_version: Any, note: str | None = None
) -> MonthlyReport:
    """Send a draft or returned report for review, with the plausibility warnings it has now
    (figures/plausibility.py) kept on it and in the audit event.

    `note`: what the person submitting says about the warnings. A person at the form passes
    it (maybe empty), and a report with warnings is then refused without one; callers that
    cannot write one (the scenario loader, commands) pass None: the warnings are kept anyway.
    """
    require_project(actor, report.project, "report")
    report = _locked(report)
    found = check_report(report)
    note_text = (note or "").strip() if found else ""
    if found and note is not None and not note_text:
        raise ServiceError(
            _("The report has warnings; explain them in a note before submitting."),
            field="warning_note",
        )
    over = first_too_long(MonthlyReport, {"warning_note": note_text})
    if over:
        raise ServiceError(over[1], field="warning_note")
    submitted = _transition(
        report, actor=actor, allowed_from=_EDITABLE, to=ReportStatus.SUBMITTED,
        event="report.submitted", expected_version=expected_version, reason=note_text,
        extra=lambda locked: {**_submission(locked, actor), "warning_codes": codes_text(found),
                              "warning_note": note_text},
        detail={"warnings": "\n".join(w.message for w in found)} if found else None,
    )
    return submitted


def _submission(report: MonthlyReport, actor: Any) -> dict[str, Any]:
    """The fields a submission sets; the first one also records its time against the
    deadline then in force (punctuality is scored on it, not on resubmissions)."""
    now = timezone.now()
    fields: dict[str, Any] = {"submitted_at": now, "submitted_by": actor, "return_reason": ""}
    if report.first_submitted_at is None:
        office = OfficeSettings.for_division(report.project.division)
        fields["first_submitted_at"] = now
        fields["due_at"] = office.report_deadline(Period.of(report.period))
    return fields


@transaction.atomic
def approve_report(
    report: MonthlyReport, *, actor: Any, expected_version: Any
) -> MonthlyReport:
    require_project(actor, report.project, "review")
    report = _transition(
        report, actor=actor, allowed_from=(ReportStatus.SUBMITTED,), to=ReportStatus.APPROVED,
        event="report.approved", expected_version=expected_version,
        extra={"reviewed_at": timezone.now(), "reviewed_by": actor},
    )
    notifying.report_reviewed(report)
    return report


def approve_clean_reports(
    items: list[tuple[MonthlyReport, Any]], *, actor: Any
) -> tuple[list[MonthlyReport], list[tuple[MonthlyReport, str]]]:
    """Approve in bulk the reports (each with the version the reviewer saw) that have no
    plausibility warning now; each is its own `approve_report` call and transaction, so one
    refusal leaves the others approved. Returns (approved, [(report, why not)])."""
    approved: list[MonthlyReport] = []
    refused: list[tuple[MonthlyReport, str]] = []
    warnings = check_reports(report for report, _seen in items)
    for report, seen in items:
        if warnings.get(report.pk):
            refused.append((report, str(_("It has warnings: %(kinds)s.") % {
                "kinds": "; ".join(w.label for w in warnings[report.pk])})))
            continue
        try:
            with transaction.atomic():
                # Checked again under the row lock: a photo or plan changed since the page
                # was read must not let a report with a warning through.
                if check_report(_locked(report)):
                    raise ServiceError(_("It has warnings now."))
                approved.append(approve_report(report, actor=actor, expected_version=seen))
        except (ServiceError, PermissionDenied) as exc:
            refused.append((report, str(exc) or str(_("You may not review it."))))
    return approved, refused


@transaction.atomic
def return_report(
    report: MonthlyReport, *, actor: Any, reason: str, expected_version: Any
) -> MonthlyReport:
    require_project(actor, report.project, "review")
    if not reason.strip():
        raise ServiceError(_("Say why the report is returned."), field="reason")
    _check_reason(reason)
    report = _transition(
        report, actor=actor, allowed_from=(ReportStatus.SUBMITTED,), to=ReportStatus.RETURNED,
        event="report.returned", reason=reason.strip(), expected_version=expected_version,
        extra={"reviewed_at": timezone.now(), "reviewed_by": actor,
               "return_reason": reason.strip()},
    )
    notifying.report_reviewed(report)
    return report


@transaction.atomic
def reopen_report(
    report: MonthlyReport, *, actor: Any, reason: str, expected_version: Any
) -> MonthlyReport:
    """Unlock an approved report (an office action, always with a reason); refused if the
    report changed since the page showed it (a stale page must not reopen a newer approval)."""
    require_project(actor, report.project, "review")
    if not reason.strip():
        raise ServiceError(_("Say why the approved report is reopened."), field="reason")
    _check_reason(reason)
    report = _transition(
        report, actor=actor, allowed_from=(ReportStatus.APPROVED,), to=ReportStatus.RETURNED,
        event="report.reopened", reason=reason.strip(),
        extra={"return_reason": reason.strip()},
        expected_version=expected_version,
    )
    notifying.report_reviewed(report)
    return report


THUMBNAIL_PIXELS = 320


def _thumbnail(upload: UploadedFile, image_format: str) -> ContentFile | None:
    """A copy at most THUMBNAIL_PIXELS on its longer side, upright, in the upload's format;
    None if Pillow cannot make one (the list then scales the photo itself)."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            small = ImageOps.exif_transpose(image)
            small.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            buffer = io.BytesIO()
            small.save(buffer, format=image_format)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
    return ContentFile(buffer.getvalue())


def checked_image(upload: UploadedFile) -> str:
    """The upload's format if it is a real JPEG, PNG or WebP image of a sane size (bytes and
    pixels), else a ServiceError on the field "photo". Also dispatch's meeting photos."""
    if upload.size is None or upload.size > settings.TAIZHANG_MAX_PHOTO_BYTES:
        raise ServiceError(
            _("The photo is larger than %(mb)d MB.")
            % {"mb": settings.TAIZHANG_MAX_PHOTO_BYTES // (1024 * 1024)},
            field="photo",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError) as exc:
        raise ServiceError(_("The file is not a JPEG, PNG or WebP image."), field="photo") from exc
    if image_format not in _IMAGE_FORMATS:
        raise ServiceError(_("The file is not a JPEG, PNG or WebP image."), field="photo")
    if width * height > settings.TAIZHANG_MAX_PHOTO_PIXELS:
        # A small file can still decode to gigabytes (a "decompression bomb").
        raise ServiceError(
            _("The photo has more than %(mp)d million pixels.")
            % {"mp": settings.TAIZHANG_MAX_PHOTO_PIXELS // 1_000_000},
            field="photo",
        )
    return image_format


def image_extension(image_format: str) -> str:
    return _IMAGE_FORMATS[image_format]


thumbnail_of = _thumbnail  # a small copy for lists (dispatch's meeting photos too)


@transaction.atomic
def add_photo(
    report: MonthlyReport, upload: UploadedFile, *, actor: Any, caption: str = ""
) -> ReportPhoto:
    """Attach a site photo after checking it is a real image of a sane size."""
    require_project(actor, report.project, "report")
    report = _locked(report)
    if report.status not in _EDITABLE:
        raise ServiceError(_("Photos can only be added while the report is being edited."))
    if report.photos.count() >= settings.TAIZHANG_MAX_PHOTOS:
        raise ServiceError(
            _("A report holds at most %(n)d photos.") % {"n": settings.TAIZHANG_MAX_PHOTOS},
            field="photo",
        )
    image_format = checked_image(upload)
    upload.seek(0)
    photo = ReportPhoto(
        report=report, token=secrets.token_hex(16), extension=image_extension(image_format),
        caption=caption[:200], uploaded_by=actor,
    )
    photo.image.save("photo", upload, save=False)
    thumbnail = _thumbnail(upload, image_format)
    if thumbnail is not None:
        photo.thumbnail.save("thumb", thumbnail, save=False)
    photo.save()
    record("report.photo_added", report, actor=actor, changes={"photo": [None, photo.image.name]})
    return photo


@transaction.atomic
def delete_photo(photo: ReportPhoto, *, actor: Any) -> None:
    require_project(actor, photo.report.project, "report")
    report = _locked(photo.report)
    if report.status not in _EDITABLE:
        raise PermissionDenied
    names = [n for n in (photo.image.name, photo.thumbnail.name) if n]
    photo.delete()
    transaction.on_commit(lambda: [photo.image.storage.delete(n) for n in names])
    name = photo.image.name or ""
    record("report.photo_removed", report, actor=actor, changes={"photo": [name, None]})
