"""Key projects first: which projects count as key for a quota, and which key projects of a
quota are still waiting for land.

"Key" is the ledger's rule, read through figures.counts.on_lists: an approved membership of
one of the quota's year's key lists (the pre-stage lists are not key lists) of a level above
the quota's division: a county's ledger is its own key-project list (every project in it is
on the county list), so a county's quota goes first to the provincial and prefectural key
projects (省市重点项目优先保障用地), a township's also to the county's. A province's quota,
with no level above it, to its own list's."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from taizhang.accounts.choices import DivisionLevel
from taizhang.core.periods import Period
from taizhang.figures.counts import on_lists
from taizhang.land.models import Allocation, LandQuota, waiting_q
from taizhang.ledger.choices import ListKind, ListLevel
from taizhang.ledger.models import Project
from taizhang.ledger.models.keylists import list_code

# The division levels, top down; the key lists' levels are the first three.
LEVELS = (DivisionLevel.PROVINCE, DivisionLevel.PREFECTURE, DivisionLevel.COUNTY,
          DivisionLevel.TOWNSHIP)


def key_lists_for(level: str) -> tuple[str, ...]:
    """The codes of the key lists whose projects go first for a quota of a division at
    `level`: those above it (a province's: its own)."""
    above = LEVELS[:LEVELS.index(level)] if level in LEVELS else ()
    levels = [str(lv) for lv in above if lv in ListLevel.values] or [ListLevel.PROVINCE.value]
    return tuple(list_code(lv, ListKind.KEY) for lv in levels)


def key_projects_q(quota: LandQuota, prefix: str = "") -> Q:
    """Projects (through `prefix`, e.g. "project__") that are key for `quota`."""
    on = on_lists(Period(quota.year, 12), key_lists_for(quota.division.level))
    if not prefix:
        return on
    return Q(**{f"{prefix}in": Project.objects.filter(on).values("pk")})


def is_key(project_id: int, quota: LandQuota) -> bool:
    return Project.objects.filter(key_projects_q(quota), pk=project_id).exists()


def waiting_key(quota: LandQuota, *, besides: int | None = None) -> QuerySet[Allocation]:
    """The quota's allocations of key projects still waiting (all but `besides`)."""
    found = quota.allocations.filter(waiting_q(), key_projects_q(quota, "project__"))
    return found.exclude(pk=besides) if besides is not None else found
