"""What an import reports back: errors, the preview of changes, the sheet's totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _

from taizhang.core.money import ZERO
from taizhang.core.periods import Period


@dataclass(frozen=True)
class RowError:
    """One problem, located like a spreadsheet user would look for it.

    ``row`` is the 1-based Excel row (None for a problem with the whole file or sheet);
    ``column`` is the header text and ``column_letter`` its letter ("" when not about a cell).
    ``reason`` is already translated into the active language.
    """

    sheet: str
    row: int | None
    column: str
    column_letter: str
    value: str
    reason: str

    @property
    def cell(self) -> str:
        """"D7", or "" when the error is not about one cell."""
        if self.row is None:
            return ""
        return f"{self.column_letter}{self.row}" if self.column_letter else str(self.row)

    def __str__(self) -> str:
        where = self.sheet or "?"
        if self.cell:
            where += f"!{self.cell}"
        if self.column:
            where += f" (column {self.column})"
        if self.value:
            where += f" value {self.value!r}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class FieldChange:
    """One value that changes: ``field`` is a model field or a figure key (``report:2022-07``).

    ``before``/``after`` are display strings (None = empty).
    """

    field: str
    label: str
    before: str | None
    after: str | None


@dataclass
class ProjectChange:
    """What the import does to one project (for the preview and the command's summary)."""

    sheet: str
    row: int
    action: Literal["create", "update"]
    name: str
    code: str | None
    owner: str
    project_id: int | None  # None for a project still to be created (dry run)
    fields: list[FieldChange] = field(default_factory=list)
    figures: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True)
class ApprovedChange:
    """A row that changes a monthly report the office already approved: the import says so,
    with who approved it, and writes it only when the office confirms."""

    sheet: str
    row: int
    project: str
    period: str
    approved_by: str
    approved_at: str

    def __str__(self) -> str:
        return _("%(sheet)s row %(row)d, %(project)s: the report of %(period)s approved by "
                 "%(user)s on %(date)s") % {
            "sheet": self.sheet, "row": self.row, "project": self.project,
            "period": self.period, "user": self.approved_by or "?",
            "date": self.approved_at or "?"}


@dataclass
class SheetTotals:
    """The sheet's own column sums (万元) and the values in its 合计 row, if it has one."""

    sheet: str
    projects: int = 0
    sums: dict[str, Decimal] = field(default_factory=dict)
    total_row: int | None = None
    total_row_values: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class ImportTotals:
    """All sheets together: project rows and the column sums in 万元.

    ``sums`` keys: planned_total, before_year, annual_plan, ytd, month, since_start (only the
    columns the file has).
    """

    projects: int = 0
    sums: dict[str, Decimal] = field(default_factory=dict)
    sheets: list[SheetTotals] = field(default_factory=list)

    def add(self, sheet: SheetTotals) -> None:
        self.sheets.append(sheet)
        self.projects += sheet.projects
        for name, value in sheet.sums.items():
            self.sums[name] = self.sums.get(name, ZERO) + value


@dataclass
class ImportResult:
    """The outcome of ``import_ledger``.

    When ``errors`` is non-empty nothing was written (``applied`` is False).  A dry run fills
    ``changes`` and the counts exactly as a real run would, and writes nothing.
    ``digest`` identifies the planned changes: pass it back as ``expect_digest`` to refuse the
    real run if the database changed since the preview (a real run without ``expect_digest``
    leaves it empty: nothing would read it).
    """

    period: Period | None
    dry_run: bool
    applied: bool = False
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[ProjectChange] = field(default_factory=list)
    totals: ImportTotals = field(default_factory=ImportTotals)
    new_owners: list[str] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    new_leaders: list[str] = field(default_factory=list)
    project_ids: list[int] = field(default_factory=list)  # every project of the sheet (applied)
    approved_changes: list[ApprovedChange] = field(default_factory=list)
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors
