"""Sums of money stay exact at the largest size the ledger promises: a million amounts at
the cap (issue 8, finding 8), on SQLite and PostgreSQL.

The rows are real monthly reports, written by one INSERT … SELECT (a recursive CTE on SQLite,
generate_series on PostgreSQL) so the test takes seconds, not the minutes a million ORM saves
would; then they are summed by the helper directly and by the statistics service.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from taizhang.core.money import MAX_SUMMED_ROWS, MAX_TOTAL_WAN, MAX_WAN
from taizhang.core.money_sql import MoneySum, from_db
from taizhang.core.periods import Period
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.stats.service import compute

PROJECTS, MONTHS = 1000, 1000  # a thousand projects, each with 1,000 months of reports
LAST = Period(2022, 12)  # the thousandth month from 1939-09

_SQLITE = (
    "INSERT INTO ledger_monthlyreport (project_id, period, completed, covers_from, "
    "image_progress, behind_schedule, behind_reason, problems, next_steps, status, "
    "return_reason, version) "
    "WITH RECURSIVE m(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM m WHERE n < %s) "
    "SELECT p.id, date('1939-09-01', '+' || m.n || ' months'), %s, NULL, '', %s, '', '', '', "
    "%s, '', 1 FROM ledger_project p CROSS JOIN m ORDER BY p.id, m.n"
)
_POSTGRES = (
    "INSERT INTO ledger_monthlyreport (project_id, period, completed, covers_from, "
    "image_progress, behind_schedule, behind_reason, problems, next_steps, status, "
    "return_reason, version) "
    "SELECT p.id, (DATE '1939-09-01' + make_interval(months => m.n))::date, %s, NULL, '', "
    "%s, '', '', '', %s, '', 1 FROM ledger_project p CROSS JOIN generate_series(0, %s) m(n) "
    "ORDER BY p.id, m.n"
)


def test_the_total_bound_is_a_million_amounts_at_the_cap():
    assert PROJECTS * MONTHS == MAX_SUMMED_ROWS
    assert MAX_TOTAL_WAN == MAX_WAN * 1_000_000 == Decimal("99999999990000.00")
    # SQLite adds cents in 64-bit integers: the largest total leaves ample room.
    assert MAX_TOTAL_WAN * 100 * 100 < 2**63  # a hundred times the largest total in cents


@pytest.mark.django_db
def test_a_million_amounts_at_the_cap_sum_exactly(world):
    Project.objects.all().delete()
    Project.objects.bulk_create([
        Project(name=f"百万行{i}", owner=world.alice_org, division=world.town,
                planned_total=MAX_WAN) for i in range(PROJECTS)])
    approved = ReportStatus.APPROVED
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(_SQLITE, [MONTHS - 1, MAX_WAN, False, approved])
        else:
            # Exactness is tested here, not speed (benchmarks/ measure that): on a CI machine
            # running both suites side by side, writing a million rows, or summing them before
            # autovacuum has looked at the table, may outlast the pages' statement timeout.
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute(_POSTGRES, [MAX_WAN, False, approved, MONTHS - 1])
        assert cursor.rowcount == MAX_SUMMED_ROWS
        # What autovacuum does after a bulk load: the planner sees a million rows, not none.
        cursor.execute("ANALYZE ledger_monthlyreport")

    # The helper itself, in the ORM …
    summed = MonthlyReport.objects.aggregate(s=MoneySum("completed"))["s"]
    assert summed == MAX_TOTAL_WAN == Decimal("99999999990000.00")
    # … and through the statistics' one statement (raw SQL, one pass on SQLite).
    total = compute(Project.objects.all(), LAST).total
    assert total.projects == PROJECTS
    assert total.planned_total == MAX_WAN * PROJECTS
    assert total.since_start_completed == MAX_TOTAL_WAN
    assert total.ytd_completed == MAX_WAN * 12 * PROJECTS
    assert total.month_completed == MAX_WAN * PROJECTS


def test_a_float_is_never_taken_for_a_sum():
    """A double where integer cents (SQLite) or an exact NUMERIC is expected is refused,
    not rounded into a plausible amount."""
    assert from_db(1999999999980, "sqlite") == Decimal("19999999999.80")
    assert from_db(0, "sqlite") == Decimal("0.00")
    assert from_db(None, "sqlite") is None
    assert from_db(Decimal("12.3"), "postgresql") == Decimal("12.30")
    with pytest.raises(TypeError):
        from_db(1.5, "sqlite")
    with pytest.raises(TypeError):
        from_db(1.5, "postgresql")
