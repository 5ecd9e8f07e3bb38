"""Checks on an xlsx package (a zip of XML parts) before any reader parses a part of it.

A part that declares a DTD can define entities that expand to gigabytes ("billion laughs");
the standard library's parser, which openpyxl uses without defusedxml, allows an expansion
that grows with the size of the input.  So every part of the package, whatever its name
(a workbook's relationships may point a reader at any part), is scanned for ``<!DOCTYPE`` and
``<!ENTITY``, in pieces, in the encodings an XML parser detects by itself; a part that declares
another encoding that is not a superset of ASCII is refused.  The zip is bounded too: its
parts' total unzipped size and each large part's compression ratio.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

from .errors import SheetFormatError, SheetLimitError
from .limits import SheetLimits

_PIECE = 1 << 20
_RATIO_FLOOR = 1 << 20  # a part smaller than this unzipped is small whatever its ratio
_OVERLAP = 64  # longest marker (8 characters × 4 bytes in UTF-32) and then some
_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_UNICODE = re.compile(r"utf[-_]?(8|16|32)(?:[-_]?[lb]e)?$", re.IGNORECASE)
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


def check_package(data: bytes, limits: SheetLimits) -> None:
    """Refuse (SheetFormatError) a zip whose parts declare a DTD or entities, or that unzips
    to more than the limits allow.  Data that is not a zip is left to the reader (an .xls or
    an encrypted workbook has no XML parts)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        if b"PK\x05\x06" in data:  # a zip after all, one the checks cannot read: refused
            raise SheetFormatError(f"The file is a damaged zip ({exc}).", code="corrupt") from exc
        return
    with archive:
        members = archive.infolist()
        _check_sizes(members, limits)
        unzipped = 0
        for info in members:
            unzipped = _scan_part(archive, info, unzipped, limits)


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
               limits: SheetLimits) -> int:
    """Scan one part in pieces (memory stays at one piece); return the bytes unzipped so far."""
    tail = b""
    first = True
    try:
        with archive.open(info) as part:
            while piece := part.read(_PIECE):
                unzipped += len(piece)
                if unzipped > limits.max_unzipped:  # the sizes the zip declares may lie
                    raise unzipped_too_large(limits)
                if first:
                    _check_encoding(info.filename, piece)
                    first = False
                text = tail + piece
                if any(marker.search(text) for marker in _MARKERS):
                    raise refused_dtd(info.filename)
                tail = text[-_OVERLAP:]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError,
            ValueError, zipfile.LargeZipFile) as exc:  # damaged, encrypted, unknown method
        raise SheetFormatError(f"The part {info.filename} cannot be unzipped ({exc}).",
                               code="corrupt") from exc
    return unzipped


def _check_encoding(name: str, head: bytes) -> None:
    """A part that declares an encoding the scan cannot see through is refused."""
    match = _DECLARED.match(head.lstrip(codecs.BOM_UTF8 + b" \t\r\n"))
    if not match:
        return  # no declaration: UTF-8 or UTF-16/32 by its first bytes, all scanned
    encoding = match[1].decode("ascii")
    if _UNICODE.match(encoding):
        return
    try:
        ascii_superset = _PROBE.encode(encoding) == _PROBE.encode("ascii")
    except (LookupError, UnicodeError):
        ascii_superset = False
    if not ascii_superset:
        raise SheetFormatError(
            f"The part {name} of the workbook is in the encoding {encoding!r}, which a "
            "spreadsheet does not use; the file is refused.", code="xml_encoding")
