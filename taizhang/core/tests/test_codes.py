import pytest
from django.core.exceptions import ValidationError

from taizhang.core.codes import (
    is_valid_uscc,
    uscc_check_char,
    validate_division_code,
    validate_project_code,
)


def test_uscc_check_character_catches_a_typo():
    body = "91130283MA0DEKXK4"
    good = body + uscc_check_char(body)
    assert is_valid_uscc(good)
    wrong = "0" if good[-1] != "0" else "1"
    assert not is_valid_uscc(body + wrong)
    assert not is_valid_uscc(good[:-2] + "I" + good[-1])  # I is not in the alphabet
    assert not is_valid_uscc(good[:10])


def test_known_published_code_is_valid():
    assert is_valid_uscc("91110000600037341L")


@pytest.mark.parametrize("code,ok", [
    ("2022-130283-31-03-012345", True),
    ("2022-130283-31-03-01234", False),
    ("22-130283-31-03-012345", False),
    ("2022/130283/31/03/012345", False),
])
def test_project_code_shape(code, ok):
    if ok:
        validate_project_code(code)
    else:
        with pytest.raises(ValidationError):
            validate_project_code(code)


def test_division_codes():
    validate_division_code("130283")
    validate_division_code("130283100")
    with pytest.raises(ValidationError):
        validate_division_code("13028")
