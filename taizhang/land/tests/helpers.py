"""The `world` with land: Alice's project on the province's 2022 key list (approved: key
for a county's quota), Bob's not on any; a 2022 quota of 100 亩 for the county; a request
from each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from taizhang.land import services
from taizhang.ledger.services.keylists import enlist, get_or_create_list

DAY = date(2022, 3, 1)


@dataclass
class Land:
    quota: Any
    key: Any  # Alice's request (a key project)
    other: Any  # Bob's request (not key)


def make_key(world, project, year: int = 2022, level: str = "province") -> None:
    key_list = get_or_create_list(level, "key", year, actor=world.office)
    enlist(project, key_list, actor=world.office, applied_on=date(year, 1, 4),
           decided_on=date(year, 1, 20))


def land(world, *, quota: str = "100.00", key: str = "60.00", other: str = "30.00") -> Land:
    make_key(world, world.alice_project)
    found = services.set_quota(world.county, 2022, Decimal(quota), actor=world.office)
    return Land(
        quota=found,
        key=services.request_land(found, world.alice_project, Decimal(key), actor=world.office,
                                  on=DAY),
        other=services.request_land(found, world.bob_project, Decimal(other),
                                    actor=world.office, on=DAY))
