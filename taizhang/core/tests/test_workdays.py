"""Working days across the 2022 and 2023 Spring Festivals and their make-up working days."""

import logging
from datetime import date, timedelta

import pytest

from taizhang.core import workdays
from taizhang.core.workdays import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2022-01-28", True),  # Friday before the festival
        ("2022-01-29", True),  # make-up Saturday (调休上班)
        ("2022-01-30", True),  # make-up Sunday
        ("2022-01-31", False),  # Spring Festival's eve, a Monday off
        ("2022-02-04", False),
        ("2022-02-06", False),
        ("2022-02-07", True),
        ("2023-01-20", True),
        ("2023-01-21", False),  # a Saturday, and the festival
        ("2023-01-27", False),  # a Friday off
        ("2023-01-28", True),  # make-up Saturday
        ("2023-01-29", True),  # make-up Sunday
        ("2022-10-01", False),  # National Day
        ("2022-07-13", True),
    ],
)
def test_the_package_decides_holidays_and_make_up_days(day, working):
    assert is_working_day(date.fromisoformat(day)) is working


def test_twenty_working_days_of_acceptance_skip_the_2022_festival():
    # Accepted on Thursday 2022-01-27: the 28th, 29th (Sat, make-up) and 30th (Sun, make-up)
    # are working days 1–3; 31 Jan – 6 Feb are off; 7 Feb is the 4th.
    accepted = date(2022, 1, 27)
    assert add_working_days(accepted, 3) == date(2022, 1, 30)
    assert add_working_days(accepted, 4) == date(2022, 2, 7)
    deadline = add_working_days(accepted, 20)
    assert deadline == date(2022, 3, 1)
    assert working_days_between(accepted, deadline) == 20
    # Plain Monday–Friday counting would have said 2022-02-24.
    assert deadline - accepted > timedelta(days=28)


def test_2023_festival_and_its_make_up_weekend():
    assert add_working_days(date(2023, 1, 20), 1) == date(2023, 1, 28)
    assert working_days_between(date(2023, 1, 20), date(2023, 1, 30)) == 3
    assert add_working_days(date(2023, 1, 28), -1) == date(2023, 1, 20)


def test_counting_is_symmetric_and_zero_is_the_day_itself():
    day = date(2022, 9, 30)  # the National Day week follows
    assert add_working_days(day, 0) == day
    for n in (1, 5, 12, -7):
        assert working_days_between(day, add_working_days(day, n)) == n
    assert working_days_between(date(2022, 3, 1), date(2022, 1, 27)) == -20


def test_a_year_the_package_lacks_falls_back_to_monday_to_friday(caplog):
    year = workdays.COVERED_YEARS.stop + 3
    workdays._warned_years.discard(year)
    monday = date(year, 1, 1)
    while monday.weekday():
        monday += timedelta(days=1)
    with caplog.at_level(logging.WARNING, logger="taizhang.core.workdays"):
        assert is_working_day(monday)
        assert not is_working_day(monday + timedelta(days=5))
        assert add_working_days(monday, 5) == monday + timedelta(days=7)
    assert "counting Monday to Friday" in caplog.text
    assert workdays.covers(2022) and not workdays.covers(year)
