"""Stages, dates, national project codes and key-list memberships of the Qian'an 2022 demo."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from taizhang.scenarios.qianan import data as D

if TYPE_CHECKING:
    from taizhang.scenarios.qianan.plan import ProjectSpec, _Builder

PRELIM, UC, DONE, HOLD = "preliminary", "under_construction", "completed", "on_hold"
HOLD_REASONS = {
    "hold_prelim": "规划调整，项目选址需重新论证，暂缓推进",
    "hold_uc": "受市场行情影响，企业资金链紧张，暂缓建设，待融资落实后复工",
}
# (kind of the named project) → (preliminary from, construction from)
NAMED_DATES = {
    D.XINDA: (date(2021, 9, 28), None),
    D.ZHONGRONG: (date(2021, 12, 8), None),
    D.SHOUGANG: (date(2020, 10, 12), date(2021, 3, 18)),
    D.YANYANG: (date(2021, 1, 20), date(2021, 5, 26)),
    "燕阳年产30万吨彩涂板项目": (date(2021, 11, 15), date(2022, 5, 16)),
    "燕阳冷轧板带厂房屋顶分布式光伏发电项目": (date(2022, 4, 11), None),
}
PROVINCE_COUNT, BOTH_COUNT, GROUP_COUNT, PRESTAGE_COUNT = 20, 12, 44, 11


def _day(b: _Builder, start: date, end: date) -> date:
    return start + timedelta(days=b.rng.randint(0, (end - start).days))


def _years(day: date, years: float) -> date:
    return day + timedelta(days=round(365.25 * years))


def assign_stages(b: _Builder, projects: list[ProjectSpec], counts: dict[str, int]) -> None:
    rng = b.rng
    free = [p for p in projects if not p.kind]
    rng.shuffle(free)
    fits = {
        "completed": lambda p: p.raw_total < 40000,
        "hold_uc": lambda p: p.ptype == "industry" and p.raw_total < 30000,
        "hold_prelim": lambda p: p.ptype in ("industry", "services") and p.raw_total < 30000,
        "planning": lambda p: p.ptype != "real_estate",
        "prelim": lambda p: p.ptype != "real_estate",
    }
    for kind, n in counts.items():
        chosen = [p for p in free if fits.get(kind, lambda _p: True)(p)][:n]
        if len(chosen) != n:
            raise RuntimeError(f"not enough projects for {kind}")
        for p in chosen:
            p.kind = kind
            free.remove(p)
    assert not free, "stage counts must cover every project"
    for p in projects:
        _dates(b, p)
        _code(b, p)
    _lists(b, projects)


def _dates(b: _Builder, p: ProjectSpec) -> None:
    rng = b.rng
    kind = p.kind
    if p.name in NAMED_DATES:
        d0, ds = NAMED_DATES[p.name]
        p.moves.append((PRELIM, d0, ""))
        if ds:
            p.moves.append((UC, ds, ""))
    elif kind == "prelim":
        p.moves.append((PRELIM, _day(b, date(2021, 3, 1), date(2022, 6, 30)), ""))
    elif kind == "new":
        month = rng.choices(range(1, 8), [3, 1, 18, 14, 24, 22, 18])[0]
        p.moves.append((PRELIM, _day(b, date(2021, 2, 1), date(2021, 12, 20)), ""))
        p.moves.append((UC, date(2022, month, rng.randint(1, 28)), ""))
    elif kind in ("continuing", "completed", "hold_uc"):
        if kind == "continuing":
            year = rng.choices([2019, 2020, 2021], [20, 35, 45])[0]
            start = _day(b, date(year, 3, 1), date(year, 11, 30))
        elif kind == "completed":
            start = _day(b, date(2020, 3, 1), date(2021, 8, 31))
        else:
            start = _day(b, date(2020, 6, 1), date(2020, 9, 30))
        p.moves.append((PRELIM, start - timedelta(days=rng.randint(60, 300)), ""))
        p.moves.append((UC, start, ""))
        if kind == "completed":
            month = rng.choices([3, 4, 5, 6, 7], [1, 1, 2, 3, 3])[0]
            p.moves.append((DONE, date(2022, month, rng.randint(5, 28)), ""))
        if kind == "hold_uc":
            p.moves.append((HOLD, _day(b, date(2021, 12, 1), date(2021, 12, 24)),
                            HOLD_REASONS[kind]))
    elif kind == "hold_prelim":
        p.moves.append((PRELIM, _day(b, date(2021, 3, 1), date(2021, 3, 31)), ""))
        p.moves.append((HOLD, _day(b, date(2021, 11, 1), date(2021, 11, 30)), HOLD_REASONS[kind]))
    # planned dates
    started = p.start
    if kind == "planning":
        p.planned_start = _day(b, date(2022, 10, 1), date(2023, 6, 30))
    elif kind in ("prelim", "hold_prelim"):
        p.planned_new_start = kind == "prelim" and rng.random() < 0.45
        if p.planned_new_start:
            p.planned_start = _day(b, date(2022, 8, 1), date(2022, 12, 20))
        else:
            p.planned_start = _day(b, date(2023, 3, 1), date(2023, 10, 31))
    else:
        assert started is not None
        p.planned_start = started + timedelta(days=rng.randint(-45, 20))
        p.planned_new_start = kind == "new"
    if kind == "completed":
        done = p.moves[-1][1]
        p.planned_completion = done + timedelta(days=rng.randint(-60, 20))
    elif kind == "continuing":
        assert started is not None
        p.planned_completion = max(_day(b, date(2022, 9, 30), date(2024, 12, 31)),
                                   _years(started, 1.2))
    else:
        p.planned_completion = _years(p.planned_start, rng.uniform(1.0, 3.0))


def _code(b: _Builder, p: ProjectSpec) -> None:
    rng = b.rng
    if p.kind == "planning" and rng.random() < 0.35:
        return
    if p.kind == "continuing" and rng.random() < 0.01:
        return  # a real gap: an old project never given a national code
    year = p.moves[0][1].year if p.moves else 2022
    owner = b.orgs[p.owner]
    if owner.kind in ("department", "township") or owner.name in D.PLATFORMS.values():
        kind = "01"  # approved (government investment)
    elif p.industry == "D" and p.raw_total > 20000 or p.name == D.XINDA:
        kind = "02"  # ratified
    else:
        kind = "03"  # filed
    while True:
        code = f"{year}-{D.COUNTY[0]}-{p.gb_division}-{kind}-{rng.randint(0, 999999):06d}"
        if code not in b.codes:
            b.codes.add(code)
            p.code = code
            return


def _ranked(b: _Builder, candidates: list[ProjectSpec], spread: float) -> list[ProjectSpec]:
    keyed = [(p.raw_total * b.rng.uniform(1.0, spread), i, p) for i, p in enumerate(candidates)]
    return [p for _k, _i, p in sorted(keyed, reverse=True)]


def _lists(b: _Builder, projects: list[ProjectSpec]) -> None:
    by_name = {p.name: p for p in projects}
    for p in projects:
        p.lists.append(("county", "key", "approved"))
    # provincial pre-stage: the two named ones and nine more in planning or preliminary work
    pool = [p for p in projects if p.kind in ("planning", "prelim") and p.name not in NAMED_DATES
            and p.ptype in ("industry", "services", "infrastructure")]
    prestage = [by_name[D.XINDA], by_name[D.ZHONGRONG]] + _ranked(b, pool, 1.6)[:9]
    for p in prestage:
        p.lists.append(("province", "prestage", "approved"))
    # provincial and Tangshan key lists: 44 distinct projects
    pool = [p for p in projects if p.kind in ("continuing", "new", "completed")
            and p.name not in (D.SHOUGANG, D.YANYANG)]
    prelims = [p for p in projects if p.kind == "prelim" and p not in prestage
               and p.name not in NAMED_DATES]
    group = [by_name[D.SHOUGANG], by_name[D.YANYANG]]
    group += _ranked(b, pool, 1.8)[:GROUP_COUNT - 4] + _ranked(b, prelims, 1.5)[:2]
    big = sorted((p for p in group if p.name != D.YANYANG), key=lambda p: -p.raw_total)
    province = [p for p in big if p.name == D.SHOUGANG]
    province += [p for p in big if p.name != D.SHOUGANG][:PROVINCE_COUNT - 1]
    both = province[:BOTH_COUNT]
    for p in group:
        if p in province:
            p.lists.append(("province", "key", "approved"))
        if p in both or p not in province:
            p.lists.append(("prefecture", "key", "approved"))
    # pending and refused applications, which must not count
    outside = [p for p in projects if p not in group and p not in prestage]
    _ranked(b, [p for p in outside if p.kind == "new"], 1.2)[0].lists.append(
        ("province", "key", "applied"))
    _ranked(b, [p for p in outside if p.kind == "prelim"], 1.2)[0].lists.append(
        ("prefecture", "prestage", "applied"))
    _ranked(b, [p for p in outside if p.kind == "planning"], 1.2)[0].lists.append(
        ("province", "prestage", "rejected"))


def august_owners(b: _Builder, projects: list[ProjectSpec]) -> list[str]:
    """首钢智新 and two other enterprises with projects under way: they submitted for 2022-08."""
    building: dict[str, int] = {}
    for p in projects:
        org = b.orgs[p.owner]
        if (p.kind in ("new", "continuing") and org.kind == "enterprise"
                and org.name not in D.PLATFORMS.values()
                and org.name not in (D.YANYANG_OWNER, D.SHOUGANG_OWNER)):
            building[org.name] = building.get(org.name, 0) + 1
    ranked = sorted(building, key=lambda name: (-building[name], name))
    return [D.SHOUGANG_OWNER, *ranked[:2]]
