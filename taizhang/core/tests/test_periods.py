from decimal import Decimal

import pytest

from taizhang.core.periods import Period, PeriodError


def test_periods():
    july = Period.parse("2022-07")
    assert july.time_progress == Decimal("0.5833")
    assert Period(2022, 3).time_progress == Decimal("0.2500")
    assert str(july.previous()) == "2022-06"
    assert str(Period(2022, 1).previous()) == "2021-12"
    assert july.last_day.day == 31
    for bad in ("2022-13", "2022-7x", "July"):
        with pytest.raises(PeriodError):
            Period.parse(bad)
