"""Writing user text into spreadsheet cells so that it stays inert text.

openpyxl writes a string starting with "=" as a formula, and Excel/WPS also evaluate text that
starts with +, - or @ once someone edits the cell (CSV/DDE injection: "=cmd|' /C calc'!A0").
Control characters are illegal in xlsx and would make openpyxl refuse the whole file.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def put_value(cell: Any, value: Any) -> None:
    """Set `cell` to `value`; text is stored as a string cell, quote-prefixed when a
    spreadsheet could take it for a formula, with the characters xlsx forbids removed."""
    if not isinstance(value, str):
        cell.value = value
        return
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"
    if is_formula_like(cell.value):
        cell.quotePrefix = True  # Excel's own "this is text" flag, kept when the cell is edited
