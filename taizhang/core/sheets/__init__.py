"""Pure-Python reading of messy ledger (台账) spreadsheets: files → rows → header → values.

No Django imports here, so the parsing rules can be tested and reused without a database.
"""

from .errors import CellError, SheetError, SheetFormatError, SheetLimitError
from .headers import UNIT_TO_WAN, HeaderMap, Synonym, locate_header, split_unit
from .limits import SheetLimits
from .normalize import (
    BLANK_MARKERS,
    clean_text,
    header_key,
    parse_date,
    parse_decimal,
    parse_percent,
    to_halfwidth,
)
from .reader import SUPPORTED_EXTENSIONS, MergedRange, RawSheet, read_workbook
from .rows import (
    DataRow,
    RowKind,
    cell_ref,
    classify_row,
    column_letter,
    fill_merged,
    is_blank_row,
    is_total_row,
    iter_data_rows,
    section_level,
)

__all__ = [
    "BLANK_MARKERS",
    "SUPPORTED_EXTENSIONS",
    "UNIT_TO_WAN",
    "CellError",
    "DataRow",
    "HeaderMap",
    "MergedRange",
    "RawSheet",
    "RowKind",
    "SheetError",
    "SheetFormatError",
    "SheetLimitError",
    "SheetLimits",
    "Synonym",
    "cell_ref",
    "classify_row",
    "clean_text",
    "column_letter",
    "fill_merged",
    "header_key",
    "is_blank_row",
    "is_total_row",
    "iter_data_rows",
    "section_level",
    "locate_header",
    "parse_date",
    "parse_decimal",
    "parse_percent",
    "read_workbook",
    "split_unit",
    "to_halfwidth",
]
