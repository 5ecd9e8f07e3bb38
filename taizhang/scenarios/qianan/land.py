"""Land (用地) in the Qian'an 2022 demo: the year's land-use quota of 迁安市, its allocation
with key projects first, and a few records of land consolidation and idle land revitalised.

Plausible, not published figures (DOMAIN.md: only the article's are). Ten of the year's new
starts and pre-stage projects request land in February and March: eight on the year's
provincial or prefectural key lists (key for the county's quota: land/rules.py), two on the
county's list only. The key projects are allocated first (March–May) and most of them supplied by
July; one key project requests late (June) and still waits at the end of July, so the one
non-key project allocated in June carries an override reason; the other non-key project
waits. Through the services, as the office, in a seeded random stream of its own.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from taizhang.accounts.models import Division
from taizhang.core.services import UNCHECKED
from taizhang.land import services
from taizhang.land.choices import ConsolidationKind, ConsolidationStatus
from taizhang.land.models import ConsolidationRecord, LandQuota
from taizhang.land.rules import key_projects_q
from taizhang.ledger.models import Project
from taizhang.scenarios.qianan import data as D

SEED = 20220101
QUOTA = Decimal("2600.00")  # 亩
KEY = 8  # key projects that request land
OTHERS = 2  # projects not on a key list that request land
OVERRIDE = "该项目为京津产业转移承接项目，签约时承诺当年投产，经市政府专题会研究同意优先保障用地"
RECORDS = [
    (ConsolidationKind.CONSOLIDATION, "杨店子镇高标准农田土地整治", "杨店子镇", "1280.00",
     ConsolidationStatus.COMPLETED, date(2022, 5, 20)),
    (ConsolidationKind.CONSOLIDATION, "野鸡坨镇工矿废弃地复垦", "野鸡坨镇", "436.50",
     ConsolidationStatus.IN_PROGRESS, date(2022, 6, 15)),
    (ConsolidationKind.IDLE, "原迁安焦化厂闲置厂区盘活", "迁安经济开发区", "218.30",
     ConsolidationStatus.COMPLETED, date(2022, 4, 8)),
    (ConsolidationKind.IDLE, "夏官营镇批而未供土地处置", "夏官营镇", "96.80",
     ConsolidationStatus.IN_PROGRESS, date(2022, 7, 12)),
]


def _area(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 2, high * 2)) / 2  # whole or half 亩


def load(county: Division, specs: list[Any], projects: dict[str, Project], office: Any) -> None:
    rng = random.Random(SEED)
    quota = services.set_quota(county, D.YEAR, QUOTA, actor=office,
                               note="唐山市下达迁安市2022年度新增建设用地计划指标")
    candidates = [projects[p.name] for p in specs if p.kind in ("new", "prelim")]
    key_ids = set(Project.objects.filter(key_projects_q(quota),
                                         pk__in=[p.pk for p in candidates])
                  .values_list("pk", flat=True))
    key = [p for p in candidates if p.pk in key_ids][:KEY]
    others = [p for p in candidates if p.pk not in key_ids][:OTHERS]
    asked = date(2022, 2, 10)
    # The key projects, first come first served: all but the last allocated by May.
    for n, project in enumerate(key):
        late = n == len(key) - 1
        on = date(2022, 6, 8) if late else asked + timedelta(days=4 * n)
        row = services.request_land(quota, project, _area(rng, 40, 320), actor=office, on=on)
        if late:
            continue  # still waiting at the end of July
        row = services.allocate(row, row.requested, actor=office,
                                on=date(2022, 3, 15) + timedelta(days=7 * n),
                                expected_version=UNCHECKED)
        if n % 3 != 2:  # two in three supplied, most in full
            part = row.allocated if n % 2 == 0 else (row.allocated * 3 / 5).quantize(Decimal("0.5"))
            services.record_supply(row, part, actor=office,
                                   on=date(2022, 4, 20) + timedelta(days=9 * n),
                                   expected_version=UNCHECKED)
    # The projects not on a key list: one allocated while the late key project waits (with
    # the override's reason), the other still waiting.
    for n, project in enumerate(others):
        row = services.request_land(quota, project, _area(rng, 30, 120), actor=office,
                                    on=asked + timedelta(days=20 + n))
        if n == 0:
            services.allocate(row, row.requested, actor=office, on=date(2022, 6, 20),
                              expected_version=UNCHECKED, override_reason=OVERRIDE)
    # The projects each record served (by its place in RECORDS).
    served = {0: key[:1], 2: others[:1], 3: key[1:2]}
    for n, (kind, name, location, area, status, on) in enumerate(RECORDS):
        services.save_consolidation(
            actor=office, division=county, kind=kind, name=name, location=location,
            area=Decimal(area), status=status, date=on, projects=served.get(n, []))


def reset(county_code: str) -> None:
    """Delete the demo's quota (its allocations with it) and records before its divisions."""
    ConsolidationRecord.objects.filter(division__code=county_code).delete()
    LandQuota.objects.filter(division__code=county_code).delete()
