"""Codes of the national standards: project codes, credit codes, divisions, industries."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# National investment project code since 2020-11: YYYY-AAAAAA-DD-TT-RRRRRC. The check digit's
# algorithm is not published, so only the shape is validated.
PROJECT_CODE_RE = re.compile(r"^(19|20)\d{2}-\d{6}-\d{2}-\d{2}-\d{6}$")
# GB/T 2260 division codes: 6 digits down to county; statistical township codes add 3 digits.
DIVISION_CODE_RE = re.compile(r"^\d{6}(\d{3})?$")

# GB 32100-2015 unified social credit code: 18 characters over a 31-letter alphabet.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code for its first 17."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    code = code.strip().upper()
    return bool(USCC_RE.match(code)) and uscc_check_char(code[:17]) == code[17]


def validate_uscc(value: str) -> None:
    if not is_valid_uscc(value):
        raise ValidationError(
            _("%(value)s is not a valid unified social credit code (18 characters with a "
              "correct check character)."),
            code="invalid_uscc",
            params={"value": value},
        )


def validate_project_code(value: str) -> None:
    if not PROJECT_CODE_RE.match(value):
        raise ValidationError(
            _("%(value)s is not a national project code of the form YYYY-AAAAAA-DD-TT-RRRRRC."),
            code="invalid_project_code",
            params={"value": value},
        )


def validate_division_code(value: str) -> None:
    if not DIVISION_CODE_RE.match(value):
        raise ValidationError(
            _("%(value)s is not a GB/T 2260 division code (6 or 9 digits)."),
            code="invalid_division_code",
            params={"value": value},
        )
