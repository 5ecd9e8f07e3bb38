"""Checks on an xlsx package (a zip of XML parts) before any reader parses a part of it.

A part that declares a DTD can define entities that expand to gigabytes ("billion laughs");
the standard library's parser, which openpyxl uses without defusedxml, allows an expansion
that grows with the size of the input.  So every part of the package, whatever its name
(a workbook's relationships may point a reader at any part), is scanned for ``<!DOCTYPE`` and
``<!ENTITY``, in pieces, in the encodings an XML parser detects by itself; a part that declares
another encoding that is not a superset of ASCII is refused.  The zip is bounded too: its
parts' total unzipped size and each large part's compression ratio.

The same scan measures each sheet's extent from its ``<row>`` and ``<c>`` elements: calamine
holds a sheet as a dense grid from A1 to its last cell, so two cells, A1 and CV1000000, in a
7 KB file would make it allocate 3 GB (and abort the process when it cannot).
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

from .errors import SheetFormatError, SheetLimitError
from .limits import SheetLimits, too_many_cells, too_many_rows

_PIECE = 1 << 20
_RATIO_FLOOR = 1 << 20  # a part smaller than this unzipped is small whatever its ratio
_OVERLAP = 64  # longest marker (8 characters × 4 bytes in UTF-32) and then some
_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_UTF8 = re.compile(r"utf[-_]?8", re.IGNORECASE)
_DECLARED = re.compile(rb"<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_PROBE = "<!DOCTYPE <!ENTITY <?xml"


def _marker(encoding: str) -> re.Pattern[bytes]:
    """ "<!" then DOCTYPE or ENTITY in any case, in one encoding (a literal prefix: fast)."""
    def any_case(word: str) -> bytes:
        return b"".join(
            b"[" + b"".join(re.escape(c.encode(encoding)) for c in {char.lower(), char.upper()})
            + b"]" if len(char.encode(encoding)) == 1 else
            b"(?:" + b"|".join(re.escape(c.encode(encoding))
                               for c in sorted({char.lower(), char.upper()})) + b")"
            for char in word)
    return re.compile(re.escape("<!".encode(encoding))
                      + b"(?:" + any_case("DOCTYPE") + b"|" + any_case("ENTITY") + b")")


#: In UTF-8 (and so every superset of ASCII), UTF-16 and UTF-32.
_MARKERS = tuple(_marker(encoding) for encoding in _ENCODINGS)


def refused_dtd(part: str) -> SheetFormatError:
    return SheetFormatError(
        f"The part {part} of the workbook declares a DTD or XML entities, which a spreadsheet "
        "never needs; the file is refused.", code="xml_dtd")


def check_package(data: bytes, limits: SheetLimits, *, measure: bool = True) -> None:
    """Refuse (SheetFormatError) a zip whose parts declare a DTD or entities, or that unzips
    to more than the limits allow; with ``measure``, one whose sheets reach further than the
    limits on rows and cells (for calamine, which allocates the whole extent; a reader that
    streams counts the rows it reads instead).  Data that is not a zip is left to the reader
    (an .xls or an encrypted workbook has no XML parts)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        if b"PK\x05\x06" in data:  # a zip after all, one the checks cannot read: refused
            raise SheetFormatError(f"The file is a damaged zip ({exc}).", code="corrupt") from exc
        return
    with archive:
        members = archive.infolist()
        _check_sizes(members, limits)
        unzipped, rows = 0, [0]
        for info in members:
            unzipped = _scan_part(archive, info, unzipped, limits, rows if measure else None)


def _check_sizes(members: list[zipfile.ZipInfo], limits: SheetLimits) -> None:
    if sum(info.file_size for info in members) > limits.max_unzipped:
        raise unzipped_too_large(limits)
    for info in members:
        if (info.file_size > _RATIO_FLOOR
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise SheetLimitError(
                f"The part {info.filename} is compressed more than {limits.max_ratio} times.",
                code="zip_ratio", limit=limits.max_ratio)


def unzipped_too_large(limits: SheetLimits) -> SheetLimitError:
    return SheetLimitError(f"The workbook unzips to more than {limits.max_unzipped} bytes.",
                           code="unzipped_too_large", limit=limits.max_unzipped)


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, unzipped: int,
               limits: SheetLimits, rows: list[int] | None) -> int:
    """Scan one part in pieces (memory stays at one piece); return the bytes unzipped so far.
    ``rows[0]`` counts the rows of the parts measured so far (None: not measured)."""
    marker_tail = tag_tail = b""
    first, measured = True, rows is not None
    extent = Extent()
    try:
        with archive.open(info) as part:
            while piece := part.read(_PIECE):
                unzipped += len(piece)
                if unzipped > limits.max_unzipped:  # the sizes the zip declares may lie
                    raise unzipped_too_large(limits)
                text = marker_tail + piece
                if any(marker.search(text) for marker in _MARKERS):
                    raise refused_dtd(info.filename)
                marker_tail = text[-_OVERLAP:]
                if first:
                    first = False
                    _check_encoding(info.filename, piece)
                    # A part that is not XML (an image…) has no rows: not measured.
                    measured &= piece.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"<")
                if measured:
                    tag_tail = extent.read(tag_tail + piece, info.filename)
                    extent.check(limits, rows[0])  # type: ignore[index]
            if measured:
                extent.read(tag_tail, info.filename)
                extent.check(limits, rows[0])  # type: ignore[index]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError,
            ValueError, zipfile.LargeZipFile) as exc:  # damaged, encrypted, unknown method
        raise SheetFormatError(f"The part {info.filename} cannot be unzipped ({exc}).",
                               code="corrupt") from exc
    if measured:
        rows[0] += extent.height  # type: ignore[index]
    return unzipped


#: How a part in UTF-16 or UTF-32 starts (a byte order mark, or "<" and NULs).
_WIDE = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"<\0", b"\0<", b"\0\0\0<", b"\0\0\xfe\xff")


def _check_encoding(name: str, head: bytes) -> None:
    """A part in an encoding the scan cannot see through is refused: one that declares an
    encoding that is not a superset of ASCII, or one in UTF-16 or UTF-32 (which Excel never
    writes, and in which the sheet's extent would not be measured)."""
    if head.startswith(_WIDE):
        raise _odd_encoding(name, "UTF-16/UTF-32")
    match = _DECLARED.match(head.lstrip(codecs.BOM_UTF8 + b" \t\r\n"))
    if not match:
        return  # no declaration: UTF-8 (UTF-16/32 were refused by their first bytes)
    encoding = match[1].decode("ascii")
    if _UTF8.fullmatch(encoding):
        return
    try:
        ascii_superset = _PROBE.encode(encoding) == _PROBE.encode("ascii")
    except (LookupError, UnicodeError):
        ascii_superset = False
    if not ascii_superset:
        raise _odd_encoding(name, encoding)


def _odd_encoding(name: str, encoding: str) -> SheetFormatError:
    return SheetFormatError(
        f"The part {name} of the workbook is in the encoding {encoding!r}, which a "
        "spreadsheet does not use; the file is refused.", code="xml_encoding")


_ROW = re.compile(rb"<(?:\w{1,20}:)?row[\s>/]")
_CELL = re.compile(rb"<(?:\w{1,20}:)?c[\s>/]")
_PREFIXED = re.compile(rb"<\w{1,20}:(?:c|row)[\s>/]")
#: The row and the column of an r attribute in any tag: r="12" (a row), r="AB12" (a cell).
_REF_ROW = re.compile(rb"\sr\s*=\s*[\"']\$?[A-Za-z]{0,4}\$?(\d+)")
_REF_COLUMN = re.compile(rb"\sr\s*=\s*[\"']\$?([A-Za-z]{1,4})")
_LETTERED = re.compile(rb"\sr\s*=\s*[\"']\$?[A-Za-z]")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


class Extent:
    """How far a sheet part reaches: at most its furthest row or cell reference plus every row
    without one, and its furthest column plus the most cells without a reference in one row
    (a row or cell without r="…" follows the previous one, as the readers place it).  An upper
    bound, enough to refuse what calamine would allocate.  Every part is measured (a sheet may
    have any name); one without a row reaches nowhere, whatever r="…" its other tags have
    (a theme's rectangles have one)."""

    def __init__(self) -> None:
        self._max_row = 0  # the furthest row referenced
        self._max_column = 0  # the furthest column referenced
        self._unreferenced_rows = 0
        self._row_cells = 0  # cells without a reference so far in the current row
        self._widest = 0  # the most cells without a reference in one row
        self._rows = False  # whether the part has a row

    @property
    def height(self) -> int:
        return self._max_row + self._unreferenced_rows if self._rows else 0

    @property
    def width(self) -> int:
        return self._max_column + max(self._widest, self._row_cells) if self._rows else 0

    def read(self, text: bytes, part: str) -> bytes:
        """Measure ``text`` up to a tag still open at its end, which is returned (to be read
        with the next piece: a tag is measured whole)."""
        start = text.rfind(b"<")
        cut = start if start != -1 and text.find(b">", start) == -1 else len(text)
        if len(text) - cut > _PIECE:
            raise SheetFormatError(f"The part {part} has a tag longer than {_PIECE} bytes.",
                                   code="corrupt")
        whole = text[:cut]
        if rows := set(_REF_ROW.findall(whole)):  # a set first: few distinct values
            self._max_row = max(self._max_row, max(map(int, rows)))
        if columns := set(_REF_COLUMN.findall(whole)):
            self._max_column = max(self._max_column, max(map(_column_number, columns)))
        count = _count_regex if _PREFIXED.search(whole) else _count_plain
        position = 0  # where the cells of the current row go on
        for match in _ROW.finditer(whole):
            self._row_cells += count(whole, position, match.start())
            self._widest = max(self._widest, self._row_cells)
            self._rows = True
            end = whole.find(b">", match.start())
            if not _REF_ROW.search(whole, match.start(), end):
                self._unreferenced_rows += 1
            self._row_cells, position = 0, end + 1
        self._row_cells += count(whole, position, len(whole))
        return text[cut:]

    def check(self, limits: SheetLimits, rows_before: int) -> None:
        if rows_before + self.height > limits.max_rows:
            raise too_many_rows(limits.max_rows)
        if self.height * self.width > limits.max_cells:
            raise too_many_cells(limits.max_cells)


def _count_plain(text: bytes, start: int, end: int) -> int:
    """Cells without a reference in ``text[start:end]`` when no tag has a prefix: ``<c`` tags
    less those starting ``<c r="`` (a cell with its r after another attribute counts as one
    without, which only widens the bound), counted fast."""
    cells = (text.count(b"<c ", start, end) + text.count(b"<c>", start, end)
             + text.count(b"<c/", start, end))
    return cells - text.count(b'<c r="', start, end) if cells else 0


def _count_regex(text: bytes, start: int, end: int) -> int:
    cells = len(_CELL.findall(text, start, end))
    return cells - len(_LETTERED.findall(text, start, end)) if cells else 0
