"""Checks on an xlsx package (a zip of XML parts) before any reader parses a part of it.

A part that declares a DTD can define entities that expand to gigabytes ("billion laughs");
the standard library's parser, which openpyxl uses without defusedxml, allows an expansion
that grows with the size of the input.  So every part of the package, whatever its name
(a workbook's relationships may point a reader at any part), is scanned for ``<!DOCTYPE`` and
``<!ENTITY``, in pieces, in the encodings an XML parser detects by itself; a part that declares
another encoding that is not a superset of ASCII is refused.  The zip is bounded too: its
parts' total unzipped size and each large part's compression ratio.

The same scan measures each sheet's extent from its ``<row>`` and ``<c>`` elements, known by
their local name whatever their prefix, cells outside any row too: calamine holds a sheet as a
dense grid from A1 to its last cell, so two cells, A1 and CV1000000, in a 7 KB file would make
it allocate 3 GB (and abort the process when it cannot).  An XML part with text before its
first tag is refused (calamine reads it, the measure would not).  The shared strings
(``<si>``), which every reader loads whole, are counted against the limit on cells.
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
    ``rows[0]`` counts the rows of the parts measured so far (None: not measured; the shared
    strings are counted all the same, every reader loads them whole)."""
    marker_tail = tag_tail = b""
    first, xml, started = True, True, False
    extent = Extent(cells=rows is not None)
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
                    _check_encoding(info.filename, piece)
                if not started:  # nothing but white space so far
                    head = (piece.removeprefix(codecs.BOM_UTF8) if first else piece
                            ).lstrip(b" \t\r\n")
                    started = bool(head)
                    xml = _is_xml(info.filename, head) if started else xml
                first = False
                tag_tail = extent.read(tag_tail + piece, info.filename, strict=xml)
                extent.check(limits, rows)
            extent.read(tag_tail, info.filename, strict=xml)
            extent.check(limits, rows)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError,
            ValueError, zipfile.LargeZipFile) as exc:  # damaged, encrypted, unknown method
        raise SheetFormatError(f"The part {info.filename} cannot be unzipped ({exc}).",
                               code="corrupt") from exc
    if rows is not None:
        rows[0] += extent.height
    return unzipped


_XML_NAMES = (".xml", ".rels", ".vml")


def _is_xml(name: str, start: bytes) -> bool:
    """Whether a part is XML, from its first bytes after a BOM and white space: it starts with
    "<", or its name says XML, and then nothing else may come before its first "<" (calamine
    reads a sheet that starts "x<?xml").  Any other part (an image…) is measured all the same
    (calamine reads a sheet by whatever name the workbook gives it, "x<?xml" first or not),
    only a "<" in it may stay open longer (see ``Extent.read``)."""
    if start.startswith(b"<"):
        return True
    if not name.lower().endswith(_XML_NAMES):
        return False
    raise SheetFormatError(f"The part {name} of the workbook does not start as XML does.",
                           code="corrupt")


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


#: Tags by their local name, whatever their prefix (calamine ignores it): no length cap.
_PREFIX = rb"(?:[^\s<>/:]+:)?"
_ROW = re.compile(rb"<" + _PREFIX + rb"row[\s>/]")
_CELL = re.compile(rb"<" + _PREFIX + rb"c[\s>/]")
_PREFIXED = re.compile(rb"<[^\s<>/:]+:(?:c|row)[\s>/]")
#: The r attribute of a row or a cell: r="12" (a row), r="AB12" (a cell); letters and digits
#: of any length (a reference past the sheet's last column is refused, not cut short).
_REFERENCE = re.compile(rb"<" + _PREFIX + rb"(?:c|row)[\s/][^<>]*?(?<=\s)r\s*=\s*[\"']"
                        rb"\$?([A-Za-z]*)\$?(\d*)")
_REF_ROW = re.compile(rb"\sr\s*=\s*[\"']\$?[A-Za-z]*\$?\d")
_LETTERED = re.compile(rb"\sr\s*=\s*[\"']\$?[A-Za-z]")
#: Shared strings (``<si>``), which every reader loads whole before the first row.
_STRING = re.compile(rb"<" + _PREFIX + rb"si[\s>/]")
#: Excel's own bounds: a reference past them is no spreadsheet's.
SHEET_ROWS, SHEET_COLUMNS = 1_048_576, 16_384


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper()[:8]:  # past 4 letters it is refused anyway
        number = number * 26 + letter - 64
    return number


class Extent:
    """How far a sheet part reaches: at most its furthest row or cell reference plus every row
    without one, and its furthest column plus the most cells without a reference in one row
    (a row or cell without r="…" follows the previous one, as the readers place it; cells
    outside any row count as one row).  An upper bound, enough to refuse what calamine would
    allocate.  Every XML part is measured (a sheet may have any name); only the r="…" of a
    row or a cell counts (a theme's rectangles have one too)."""

    def __init__(self, *, cells: bool = True) -> None:
        self._measure = cells  # False: count the shared strings only (a streamed package)
        self._max_row = 0  # the furthest row referenced
        self._max_column = 0  # the furthest column referenced
        self._unreferenced_rows = 0
        self._row_cells = 0  # cells without a reference so far in the current row
        self._widest = 0  # the most cells without a reference in one row
        self._rows = False  # whether the part has a row
        self._cells = False  # whether the part has a cell
        self.strings = 0  # shared strings (<si>)

    @property
    def height(self) -> int:
        rows = self._max_row + self._unreferenced_rows
        return max(rows, 1) if self._cells or self._rows else rows

    @property
    def width(self) -> int:
        return self._max_column + max(self._widest, self._row_cells)

    def read(self, text: bytes, part: str, *, strict: bool = True) -> bytes:
        """Measure ``text`` up to a tag still open at its end, which is returned (to be read
        with the next piece: a tag is measured whole).  A tag open longer than a piece is
        refused; in a part that is not XML (``strict`` False: an image, where a "<" is any
        byte), only a row or a cell, any other "<" is dropped."""
        start = text.rfind(b"<")
        cut = start if start != -1 and text.find(b">", start) == -1 else len(text)
        if len(text) - cut > _PIECE:
            if strict or _ROW.match(text, cut) or _CELL.match(text, cut):
                raise SheetFormatError(f"The part {part} has a tag longer than {_PIECE} "
                                       "bytes.", code="corrupt")
            text = text[:cut]
        whole = text[:cut]
        self.strings += len(_STRING.findall(whole)) if b"si" in whole else 0
        if not self._measure:
            return text[cut:]
        if b"r" in whole:
            self._read_references(whole)
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
        self._cells = self._cells or self._rows or _CELL.search(whole) is not None
        return text[cut:]

    def _read_references(self, text: bytes) -> None:
        references = set(_REFERENCE.findall(text))  # a set first: few distinct values
        if not references:
            return
        self._cells = True
        rows = {digits for _, digits in references if digits}
        if rows:
            longest = max(rows, key=len)
            row = SHEET_ROWS + 1 if len(longest) > 8 else max(map(int, rows))
            self._max_row = max(self._max_row, row)
        columns = {letters for letters, _ in references if letters}
        if columns:
            self._max_column = max(self._max_column, max(map(_column_number, columns)))

    def check(self, limits: SheetLimits, rows: list[int] | None) -> None:
        """``rows``: a one-item list, the rows of the parts measured before (None: the sheets
        are not measured)."""
        if self.strings > limits.max_cells:
            raise too_many_strings(limits.max_cells)
        if rows is None:
            return
        rows_before = rows[0]
        if rows_before + self.height > limits.max_rows or self.height > SHEET_ROWS:
            raise too_many_rows(limits.max_rows)
        if self.height * self.width > limits.max_cells or self.width > SHEET_COLUMNS:
            raise too_many_cells(limits.max_cells)


def too_many_strings(limit: int) -> SheetLimitError:
    return SheetLimitError(f"More than {limit} shared strings.", code="too_many_strings",
                           limit=limit)


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
