"""Exported cells never start a formula from user text, whatever the user typed.

Checked three ways: openpyxl reading the cell type back, python-calamine (the reader the
importer uses) reading the value, and the sheet XML holding no <f> element at all.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
from hypothesis import given
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from python_calamine import CalamineWorkbook

from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.exporting import write_ledger_xlsx
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.services.projects import update_project
from taizhang.ledger.services.reports import save_report

from .strategies import DB, FORMULAS, MARKUP, hostile_text

TEXT_FIELDS = ["name", "address", "scale_content", "contact_name", "contact_phone"]


def _export(projects) -> bytes:
    out = io.BytesIO()
    write_ledger_xlsx(projects, Period(2022, 7), out)
    return out.getvalue()


def _assert_no_formulas(content: bytes) -> tuple[list[list[object]], list[list[object]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        for name in sheets:
            assert not re.search(rb"<f[ >]", archive.read(name)), "a formula was written"
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [[c for c in row] for row in ws.iter_rows()]
    for row in cells:
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                assert cell.quotePrefix, cell.coordinate
    values = [[c.value for c in row] for row in cells]
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return values, calamine.to_python()


def _set_text(world, project, texts: dict[str, str]) -> Project:
    project = Project.objects.get(pk=project.pk)
    return update_project(project, actor=world.office, expected_version=UNCHECKED, changes=texts)


def test_the_classic_injections_come_back_as_the_same_text(world):
    project = world.alice_project
    for payload in FORMULAS + MARKUP:
        name = f"{payload}"[:100] or "x"
        _set_text(world, project, {"address": payload, "contact_phone": payload[:30],
                                   "name": name})
        save_report(project, Period(2022, 7), actor=world.alice, data={
            "completed": Decimal("1"), "image_progress": payload, "problems": payload,
            "next_steps": payload}, expected_version=UNCHECKED)
        openpyxl_values, calamine_values = _assert_no_formulas(
            _export(Project.objects.filter(pk=project.pk)))
        row = openpyxl_values[4]
        assert payload.strip() in {str(v).strip() for v in row if v is not None}
        assert any(str(v).strip() == payload.strip()
                   for v in calamine_values[4] if v not in (None, ""))


@DB
@given(texts=hostile_text, progress=hostile_text)
def test_any_user_text_is_exported_as_text(world, texts, progress):
    project = world.bob_project
    values = {"address": texts[:200], "scale_content": texts, "contact_name": texts[:50]}
    try:
        _set_text(world, project, values)
    except Exception as exc:  # refused by model validation: nothing to export
        assert type(exc).__name__ in ("ServiceError",), exc
        return
    MonthlyReport.objects.filter(project=project).delete()
    save_report(project, Period(2022, 7), actor=world.bob, data={
        "completed": Decimal("2"), "image_progress": progress, "problems": "", "next_steps": ""},
                expected_version=UNCHECKED)
    openpyxl_values, calamine_values = _assert_no_formulas(
        _export(Project.objects.filter(pk=project.pk)))
    expected = ILLEGAL_CHARACTERS_RE.sub("", Project.objects.get(pk=project.pk).address)
    # XML turns every line end into \n when it is read (Excel too): compare them that way.
    expected = expected.replace("\r\n", "\n").replace("\r", "\n")
    if expected:
        assert expected in [v for v in openpyxl_values[4] if isinstance(v, str)]


def test_amounts_and_dates_stay_typed_values(world):
    """Only text is guarded: numbers and dates are still numbers and dates for Excel's sums."""
    values, _ = _assert_no_formulas(_export(Project.objects.filter(pk=world.alice_project.pk)))
    assert values[4][12] == 50000  # 总投资
    assert values[4][22] is not None and values[4][22].date() == date(2022, 3, 15)  # 实际开工
