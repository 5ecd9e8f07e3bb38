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


def test_a_month_has_begun_from_its_first_local_day():
    from datetime import date

    july = Period(2022, 7)
    assert not july.has_begun(date(2022, 6, 30))
    assert july.has_begun(date(2022, 7, 1))
    assert july.has_begun(date(2022, 8, 15))


def test_a_month_that_has_not_begun_is_refused_naming_it(settings):
    from django.utils import timezone

    from taizhang.core.services import ServiceError, refuse_unbegun

    this_month = Period.of(timezone.localdate())
    refuse_unbegun(this_month)  # begun: nothing to say
    with pytest.raises(ServiceError) as refused:
        refuse_unbegun(this_month.next(), field="month")
    assert refused.value.field == "month"
    assert str(this_month.next()) in str(refused.value)
