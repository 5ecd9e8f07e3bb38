"""``import_ledger``: the one entry point for the command and the web upload."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from os import PathLike
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.scope import acts_for_office
from taizhang.core.context import acting, current
from taizhang.core.periods import PARSE_YEARS, Period
from taizhang.core.sheets import SheetFormatError, SheetLimitError
from taizhang.ledger.importing.apply import apply_ops, finish, import_reason
from taizhang.ledger.importing.parse import ParsedLedger, RowRecord, parse_ledger, period_of
from taizhang.ledger.importing.plan import Planner
from taizhang.ledger.importing.result import ImportResult, RowError
from taizhang.ledger.importing.source import open_sheets


def format_reason(exc: SheetFormatError) -> str:
    """The translated sentence for a file that cannot be read or is over a limit."""
    if isinstance(exc, SheetLimitError):
        return _limit_reason(exc)
    reasons = {
        "unsupported_type": _("Unsupported file type; upload an .xlsx, .xls or .csv file."),
        "empty": _("The file is empty."),
        "corrupt": _("The file is not a readable spreadsheet."),
        "encrypted": _("The workbook is password-protected; remove the password and upload it "
                       "again."),
        "html_disguised": _("This file is a web page saved with an Excel extension; open it in "
                            "Excel or WPS and save it as .xlsx."),
        "encoding": _("The CSV file is neither UTF-8 nor GBK text; save it again as CSV "
                      "(UTF-8)."),
        "missing_columns": _("Required columns are missing."),
        "xml_dtd": _("The workbook declares an XML document type (DTD) or entities, which a "
                     "spreadsheet never needs and which could exhaust the server; the file is "
                     "refused. Open it in Excel or WPS and save it again as .xlsx."),
        "xml_encoding": _("The workbook holds XML in an encoding spreadsheets do not use; the "
                          "file is refused. Open it in Excel or WPS and save it again as .xlsx."),
    }
    return reasons.get(exc.code, exc.reason)


def _limit_reason(exc: SheetLimitError) -> str:
    limit = exc.limit
    reasons = {
        "too_large": lambda: _(
            "The file is larger than %(limit)s, the most an import accepts (setting "
            "TAIZHANG_MAX_IMPORT_BYTES).") % {"limit": filesizeformat(limit)},
        "too_many_rows": lambda: _(
            "The file has more than %(limit)d rows, the most an import accepts (setting "
            "TAIZHANG_IMPORT_MAX_ROWS); split it into smaller files.") % {"limit": limit},
        "too_many_cells": lambda: _(
            "A sheet has more than %(limit)d cells (rows × columns), the most an import "
            "accepts (setting TAIZHANG_IMPORT_MAX_CELLS); delete the empty rows and columns "
            "or split the sheet.") % {"limit": limit},
        "too_many_strings": lambda: _(
            "The workbook holds more than %(limit)d shared strings, more than a sheet may have "
            "cells (setting TAIZHANG_IMPORT_MAX_CELLS); the file is refused. Open it in Excel "
            "or WPS and save it again as .xlsx.") % {"limit": limit},
        "too_many_merged": lambda: _(
            "A sheet has more than %(limit)d merged cell ranges, the most an import accepts "
            "(setting TAIZHANG_IMPORT_MAX_MERGED); unmerge the cells and upload it again.")
        % {"limit": limit},
        "unzipped_too_large": lambda: _(
            "The workbook unzips to more than %(limit)s, the most an import accepts (setting "
            "TAIZHANG_IMPORT_MAX_UNZIPPED_BYTES).") % {"limit": filesizeformat(limit)},
        "zip_ratio": lambda: _(
            "The workbook is compressed more than %(limit)d times, which a real spreadsheet "
            "never is (setting TAIZHANG_IMPORT_MAX_ZIP_RATIO); the file is refused.")
        % {"limit": limit},
    }
    return reasons[exc.code]() if exc.code in reasons else exc.reason


def _resolve_period(
    period: Period | None, parsed: ParsedLedger, result: ImportResult, filename: str
) -> Period | None:
    year, month = period_of(parsed.detected)
    if (month is not None and not 1 <= month <= 12) or (
        year is not None and year not in PARSE_YEARS
    ):
        if year is not None and month is not None:
            shown = f"{year}-{month:02d}"
        else:
            shown = str(year) if month is None else _("month %(m)d") % {"m": month}
        result.errors.append(RowError(filename, None, "", "", "", _(
            "The sheet names %(sheet)s, which is not a valid period (a month 1–12 of a year "
            "2000–2099); correct the sheet's title or headers.") % {"sheet": shown}))
        return None
    if period is not None:
        if month is not None and (month != period.month or (year and year != period.year)):
            shown = f"{year}-{month:02d}" if year else _("month %(m)d") % {"m": month}
            result.errors.append(RowError(filename, None, "", "", "", _(
                "The sheet is for %(sheet)s but the import period is %(period)s.")
                % {"sheet": shown, "period": period}))
            return None
        return period
    if year and month:
        return Period(year, month)
    result.errors.append(RowError(filename, None, "", "", "", _(
        "The report period cannot be read from the sheet (a title such as “2022年1-7月” or a "
        "column such as “1-7月累计完成投资”); give it explicitly.")))
    return None


def _sort_errors(result: ImportResult) -> None:
    order = {sheet.sheet: i for i, sheet in enumerate(result.totals.sheets)}

    def key(error: RowError) -> tuple[Any, ...]:
        letter = error.column_letter
        return (order.get(error.sheet, -1), error.row or 0, len(letter), letter)

    result.errors.sort(key=key)
    result.warnings.sort(key=key)


#: Rows planned and written together: enough to batch the queries, few enough that memory
#: stays flat whatever the size of the sheet.
CHUNK = 2000


def _chunks(records: Iterator[RowRecord]) -> Iterator[list[RowRecord]]:
    while chunk := list(itertools.islice(records, CHUNK)):
        yield chunk


def import_ledger(
    source: str | PathLike[str] | bytes | BinaryIO,
    filename: str,
    *,
    actor: Any,
    period: Period | None = None,
    dry_run: bool = False,
    expect_digest: str | None = None,
    preview: bool | None = None,
    confirm_approved_changes: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a ledger sheet (xlsx/xls/csv) for ``period`` (or the period the sheet names).

    Only an office user may import (PermissionDenied otherwise).  With ``dry_run`` nothing is
    written.  If the result has errors nothing was written either, whatever ``dry_run`` says.
    ``expect_digest`` (the digest of a dry run shown to the user) refuses the real run if what
    it would change is no longer what was previewed.  ``preview`` (default: ``dry_run``) fills
    ``result.changes`` with what each row changes.  A row that changes an approved report is
    listed in ``result.approved_changes``; a real run writes it only with
    ``confirm_approved_changes`` (else each is an error and nothing is written).
    ``progress(rows)`` is called after each chunk with the rows planned (and written) so far.
    """
    if not acts_for_office(actor):
        raise PermissionDenied  # an office not placed in a division would reach every project
    try:
        return _import(source, filename, actor=actor, period=period, dry_run=dry_run,
                       expect_digest=expect_digest, preview=preview,
                       confirm_approved_changes=confirm_approved_changes, progress=progress)
    except SheetFormatError as exc:  # some are found only as the rows are read
        # Raised out of the transaction, which rolled back whatever the import had written.
        result = ImportResult(period=period, dry_run=dry_run)
        result.errors.append(RowError(filename, None, "", "", "", format_reason(exc)))
        return result


def _import(
    source: str | PathLike[str] | bytes | BinaryIO,
    filename: str,
    *,
    actor: Any,
    period: Period | None,
    dry_run: bool,
    expect_digest: str | None,
    preview: bool | None,
    confirm_approved_changes: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    result = ImportResult(period=period, dry_run=dry_run)
    parsed = parse_ledger(open_sheets(source, filename))
    result.totals = parsed.totals
    resolved = _resolve_period(period, parsed, result, filename)
    if resolved is None:
        for _record in parsed.records():
            pass  # the rows' own errors and the totals are reported too
        result.errors += parsed.errors
        result.warnings += parsed.warnings
        _sort_errors(result)
        return result
    result.period = resolved
    # A dry run takes no write lock (SQLite's BEGIN IMMEDIATE would block other writers).
    atomic = contextlib.nullcontext() if dry_run else transaction.atomic()
    with acting("import", request_id=current().request_id or None), atomic:
        _run(parsed, result, actor=actor, filename=filename, expect_digest=expect_digest,
             preview=dry_run if preview is None else preview,
             confirmed=confirm_approved_changes, progress=progress)
        if result.errors and not dry_run:
            transaction.set_rollback(True)  # undo the chunks written before the error
    return result


def _run(parsed: ParsedLedger, result: ImportResult, *, actor: Any, filename: str,
         expect_digest: str | None, preview: bool, confirmed: bool = False,
         progress: Callable[[int], None] | None = None) -> None:
    """Plan the rows chunk by chunk and, in a real run, write each chunk while no row so far
    has an error; fill ``result``."""
    assert result.period is not None
    dry_run = result.dry_run
    # The digest is shown by a dry run and checked by a run that expects one; else unused.
    digest = dry_run or bool(expect_digest)
    planner = Planner(actor=actor, period=result.period, lock=not dry_run, preview=preview,
                      digest=digest)
    plan = planner.plan
    reason, now = import_reason(filename), timezone.now()
    counts = {"create": 0, "update": 0, "unchanged": 0}
    matched: list[int] = []  # the projects of the sheet that exist already
    ids: list[int] = []  # and the new ones, once written
    seen = 0  # rows read so far
    for rows in _chunks(parsed.records()):
        ops = planner.plan_rows(rows)
        for op in ops:
            counts[op.action] += 1
            if op.change is not None:
                result.changes.append(op.change)
            if op.project is not None:
                matched.append(op.project.pk)
        if not dry_run and not (parsed.errors or plan.errors) and (
                confirmed or not plan.approved_changes):
            written = apply_ops(plan, ops, actor=actor, reason=reason, now=now)
            planner.written_projects.update(written)
        ids += [op.project.pk for op in ops if op.project is not None and op.project.pk]
        seen += len(rows)
        if progress is not None:
            progress(seen)
    result.errors += parsed.errors + plan.errors
    result.warnings += parsed.warnings + plan.warnings
    result.created, result.updated, result.unchanged = (
        counts["create"], counts["update"], counts["unchanged"])
    result.new_owners = sorted(o.name for o in plan.new_orgs.values() if o.kind == "enterprise")
    result.new_units = sorted(o.name for o in plan.new_orgs.values() if o.kind != "enterprise")
    result.new_leaders = sorted(str(p) for p in plan.new_people.values())
    result.digest = plan.digest if digest else ""
    result.approved_changes = plan.approved_changes
    if plan.approved_changes and not confirmed and not dry_run:
        result.errors += [RowError(change.sheet, change.row, "", "", "", _(
            "This row changes the report of %(period)s approved by %(user)s on %(date)s; "
            "confirm the changes to approved reports to import it.")
            % {"period": change.period, "user": change.approved_by or "?",
               "date": change.approved_at or "?"}) for change in plan.approved_changes]
    if expect_digest and expect_digest != plan.digest and not result.errors:
        result.errors.append(RowError(filename, None, "", "", "", _(
            "The ledger changed since the preview; preview the import again.")))
    _sort_errors(result)
    if dry_run or result.errors:
        result.project_ids = matched
        return
    finish(plan, actor=actor, reason=reason, counts=counts)
    result.project_ids = ids
    result.applied = True
