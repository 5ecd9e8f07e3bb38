"""Two allocations from one land quota at the same moment: the quota row is locked, so the
second sees the first's area and the total never passes the quota (PostgreSQL; SQLite
serializes writers anyway)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from taizhang.core.services import ServiceError
from taizhang.land import services
from taizhang.land.tests.helpers import land

from .test_concurrent_edits import ON_POSTGRES, _simultaneously

if ON_POSTGRES:

    @pytest.mark.django_db(transaction=True)
    @pytest.mark.parametrize("round_", range(3))
    def test_two_allocations_at_once_never_pass_the_quota(world, round_):
        found = land(world, quota="100.00", key="60.00", other="60.00")

        def allocate(row):
            return lambda: services.allocate(row, Decimal("60.00"), actor=world.office,
                                              on=date(2022, 4, 1), expected_version=row.version,
                                              override_reason="同时分配")

        results = _simultaneously(allocate(found.key), allocate(found.other))
        refused = [r for r in results if isinstance(r, ServiceError)]
        assert len(refused) == 1, results
        assert refused[0].field == "area"
        assert services.allocated_total(found.quota) == Decimal("60.00")
