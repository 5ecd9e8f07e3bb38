"""Exceptions raised while reading ledger sheets.

Both carry a short English ``reason`` plus a stable ``code`` so the web layer can translate
without this package importing Django.
"""

from __future__ import annotations


class SheetError(Exception):
    """Base class for everything this package raises on bad input."""

    def __init__(self, reason: str, *, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class CellError(SheetError, ValueError):
    """One cell's value cannot be understood.

    Codes: ``not_a_number``, ``too_large``, ``negative``, ``bad_date``, ``bad_month``.
    """

    def __init__(self, reason: str, *, code: str = "invalid", value: object = None) -> None:
        super().__init__(reason, code=code)
        self.value = value


class SheetFormatError(SheetError):
    """The file as a whole cannot be read (wrong type, corrupt, encrypted, undecodable...).

    Codes: ``unsupported_type``, ``empty``, ``corrupt``, ``encrypted``, ``html_disguised``,
    ``encoding``, ``missing_columns``, ``xml_dtd`` (an XML part declares a DTD or entities).
    """

    def __init__(self, reason: str, *, code: str = "corrupt") -> None:
        super().__init__(reason, code=code)


class SheetLimitError(SheetFormatError):
    """The file is larger than a configured limit allows; ``limit`` is that limit's value.

    Codes: ``too_many_rows``, ``too_many_merged``, ``too_many_cells``, ``too_many_strings``
    (shared strings, bounded by the limit on cells), ``unzipped_too_large``, ``zip_ratio``,
    ``too_large``.
    """

    def __init__(self, reason: str, *, code: str, limit: int) -> None:
        super().__init__(reason, code=code)
        self.limit = limit
