"""The money of the Qian'an 2022 demo, fitted in integer cents to the article's totals."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from taizhang.scenarios.common.fitting import WAN, fit, nice_step, split
from taizhang.scenarios.qianan import data as D

if TYPE_CHECKING:
    from taizhang.scenarios.qianan.plan import ProjectSpec, _Builder

# The article's figures, in cents.
TOTAL = 14_101_000 * WAN
ANNUAL_PLAN = 2_676_000 * WAN
YTD = 1_572_000 * WAN
GROUP_TOTAL = 5_525_000 * WAN  # the 44 projects on the provincial and Tangshan key lists
PERIOD_MONTH = 7


def in_group(p: ProjectSpec) -> bool:
    return any(level in ("province", "prefecture") and kind == "key" and status == "approved"
               for level, kind, status in p.lists)


def _plan_step(value: float) -> int:
    if value >= 10_000 * WAN:
        return 100 * WAN
    if value >= 1_000 * WAN:
        return 10 * WAN
    return WAN


def _ceil(value: float, step: int) -> int:
    return math.ceil(value / step) * step


def assign_figures(b: _Builder, projects: list[ProjectSpec], august_owners: list[str]) -> None:
    rng = b.rng
    # planned totals: the 44 and the rest, each to its published sum
    for group, target in ((True, GROUP_TOTAL), (False, TOTAL - GROUP_TOTAL)):
        members = [p for p in projects if in_group(p) == group]
        fixed = [p for p in members if p.fixed_total is not None]
        free = [p for p in members if p.fixed_total is None]
        for p in fixed:
            p.total = p.fixed_total  # type: ignore[assignment]
        # a power above 1 puts more of the published total on the big projects
        raw = [p.raw_total**1.3 for p in free]
        steps = [WAN if rng.random() < 0.3 else nice_step(round(p.raw_total * 1.6 * WAN))
                 for p in free]
        rest = target - sum(p.total for p in fixed)
        for p, value in zip(free, fit(raw, rest, steps=steps), strict=True):
            p.total = value
    # opening balances (completed before 2022) of projects started earlier
    for p in projects:
        start = p.start
        if p.kind == "continuing" and start:
            months_built = (2022 - start.year) * 12 - start.month + 1
            share = min(0.75, max(0.04, months_built / 36 * rng.uniform(0.6, 1.2)))
        elif p.kind == "completed":
            share = rng.uniform(0.6, 0.85)
        elif p.kind == "hold_uc":
            share = rng.uniform(0.15, 0.3)
        else:
            share = 0.0
        p.opening = round(p.total * share)
    # completed this year: they spent what was left
    for p in projects:
        if p.kind == "completed":
            left = p.total - p.opening
            p.ytd = round(left * rng.uniform(0.93, 1.0))
            p.plan = min(_ceil(p.ytd * rng.uniform(1.0, 1.08), 10 * WAN), left // WAN * WAN)
    # annual plans of everyone else
    others = [p for p in projects if p.kind != "completed"]
    raw = []
    for p in others:
        left = p.total - p.opening
        share = {
            "continuing": rng.uniform(0.3, 0.7) * left / p.total,
            "new": rng.uniform(0.15, 0.45),
            "prelim": rng.uniform(0.08, 0.2) if p.planned_new_start else rng.uniform(0.01, 0.04),
            "planning": rng.uniform(0.005, 0.02),
            "hold_prelim": 0.01,
            "hold_uc": rng.uniform(0.03, 0.08) * left / p.total,
        }[p.kind]
        raw.append(p.total * share)
    plans = fit(raw, ANNUAL_PLAN - sum(p.plan for p in projects if p.kind == "completed"),
                caps=[p.total - p.opening for p in others], steps=[_plan_step(r) for r in raw])
    for p, value in zip(others, plans, strict=True):
        p.plan = value
    # year-to-date of the projects under construction
    building = [p for p in projects if p.kind in ("new", "continuing")]
    raw, caps = [], []
    for p in building:
        months = _months(p)
        if p.kind == "continuing":
            raw.append(p.plan * rng.uniform(0.5, 0.95))
        else:
            start = p.start
            assert start is not None
            done = PERIOD_MONTH + 1 - start.month - start.day / 31
            ahead = 12 - start.month + 1 - start.day / 31
            raw.append(p.plan * min(1.0, done / ahead * rng.uniform(0.8, 1.5)))
        limit = p.plan if len(months) == 1 else int(p.plan * 1.2)
        caps.append(min(limit, p.total - p.opening))
    ytd_rest = YTD - sum(p.ytd for p in projects if p.kind == "completed")
    for p, value in zip(building, fit(raw, ytd_rest, caps=caps), strict=True):
        p.ytd = value
    for p in projects:
        if p.reporting:
            _monthly(b, p)
        if p.owner in august_owners and p.kind in ("new", "continuing"):
            avg = p.ytd / len(p.monthly)
            p.august = max(0, min(round(avg * rng.uniform(0.9, 1.3)),
                                  p.total - p.opening - p.ytd, p.plan))
        _funding(b, p)
        p.image_target = _target(b, p)
    _check(projects)


def _months(p: ProjectSpec) -> list[int]:
    if p.kind == "continuing":
        return list(range(1, PERIOD_MONTH + 1))
    if p.kind == "completed":
        return list(range(1, p.moves[-1][1].month + 1))
    start = p.start
    assert start is not None
    return list(range(start.month, PERIOD_MONTH + 1))


def _monthly(b: _Builder, p: ProjectSpec) -> None:
    rng = b.rng
    months = _months(p)
    weights = []
    for month in months:
        weight = D.MONTH_WEIGHTS[month]
        if month == 2 and len(months) > 2 and rng.random() < 0.35:
            weight = 0.0  # stopped for the Winter Olympics air-quality controls
        if p.kind == "new" and month == months[0]:
            start = p.start
            assert start is not None
            weight *= max(0.2, (29 - start.day) / 28)
        weights.append(weight)
    p.monthly = dict(zip(months, split(p.ytd, weights, cap=p.plan, rng=rng), strict=True))


def _funding(b: _Builder, p: ProjectSpec) -> None:
    rng = b.rng
    if rng.random() > 0.45:
        return
    total = p.total
    org = b.orgs[p.owner]
    public = org.kind != "enterprise" or org.name in D.PLATFORMS.values()

    def part(share: float) -> int:
        return round(total * share / WAN) * WAN

    if public:
        parts = {"fund_central_provincial": part(rng.uniform(0.1, 0.45))}
        if rng.random() < 0.5:
            parts["fund_other"] = part(rng.uniform(0.1, 0.35))  # special-purpose bonds
        parts["fund_city_county"] = total - sum(parts.values())
    else:
        parts = {"fund_enterprise": part(rng.uniform(0.35, 0.7))}
        if rng.random() < 0.25:
            parts["fund_central_provincial"] = part(rng.uniform(0.02, 0.08))
        parts["fund_bank_loans"] = total - sum(parts.values())
    if min(parts.values()) > 0:
        p.funding = parts


def _target(b: _Builder, p: ProjectSpec) -> str:
    rng = b.rng
    start = p.start
    if p.kind == "continuing":
        return rng.choice(["年底前主体完工", "年底前完成设备安装调试", "年内竣工投产",
                           "完成年度建设任务，2023年竣工投产", "年底前完成主体及配套工程"])
    if p.kind == "new" and start:
        return rng.choice([f"{start.month}月开工，年底前主体封顶",
                           f"{start.month}月开工，年底前完成厂房建设",
                           "上半年开工，完成年度投资计划"])
    if p.kind == "completed":
        return f"{p.moves[-1][1].month}月底前竣工投产"
    if p.kind == "prelim":
        if p.planned_new_start:
            return "完成前期手续，力争四季度开工" if rng.random() < 0.5 else "年内开工建设"
        return rng.choice(["完成可研及立项手续", "完成规划选址及用地预审"])
    if p.kind == "planning":
        return "完成项目谋划及可研编制"
    return "协调解决制约问题，力争早日复工"


def _check(projects: list[ProjectSpec]) -> None:
    assert len(projects) == 284
    assert sum(p.total for p in projects) == TOTAL
    assert sum(p.total for p in projects if in_group(p)) == GROUP_TOTAL
    assert sum(p.plan for p in projects) == ANNUAL_PLAN
    assert sum(sum(p.monthly.values()) for p in projects) == YTD
    for p in projects:
        assert sum(p.monthly.values()) == p.ytd, p.name
        assert p.opening + p.ytd + p.august <= p.total, p.name
        assert p.ytd <= p.plan * 1.2 + 1, p.name
        assert all(0 <= v <= p.plan for v in p.monthly.values()), p.name
        if p.funding:
            assert sum(p.funding.values()) == p.total, p.name
