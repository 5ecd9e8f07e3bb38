"""One synthetic project as plain data: card, stage history, plans, lists and monthly figures.

Each project draws from its own RNG (seeded with the run's seed and its index), so what a
project looks like does not depend on how the run is chunked. Money is integer cents (1/100 万元)
until it becomes a Decimal; dates never pass the last day of the window (nor today).
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from taizhang.core.periods import Period
from taizhang.ledger.choices import Stage
from taizhang.scenarios.common.catalogue import TEMPLATES
from taizhang.scenarios.common.fitting import WAN
from taizhang.scenarios.common.templates import PHASES, Template, fill_values
from taizhang.scenarios.qianan import data as D
from taizhang.scenarios.qianan.reports import PROBLEMS
from taizhang.scenarios.synthetic.world import QIANAN, World

TZ = ZoneInfo("Asia/Shanghai")
MIN_TOTAL, MAX_TOTAL = 500 * WAN, 500_000 * WAN
# planned totals: log-normal, median 1 亿元, cut to [500, 500,000] 万元
TOTAL_MU, TOTAL_SIGMA = math.log(10_000), 1.3
# the ledger's stage mix at the end of the window (percent)
STAGE_SHARES = {
    Stage.PLANNING: 8, Stage.PRELIMINARY: 17, Stage.UNDER_CONSTRUCTION: 48,
    Stage.COMPLETED: 17, Stage.ON_HOLD: 6, Stage.CANCELLED: 4,
}
# building slows down in the northern winter
SEASON = {1: 0.55, 2: 0.45, 3: 0.9, 4: 1.1, 5: 1.2, 6: 1.2, 7: 1.15, 8: 1.15, 9: 1.2,
          10: 1.15, 11: 1.0, 12: 0.7}
HOLD_REASONS = ["规划调整，项目选址需重新论证，暂缓推进",
                "受市场行情影响，企业资金链紧张，暂缓建设，待融资落实后复工",
                "环评批复条件调整，按要求暂停建设"]
CANCEL_REASONS = ["企业投资方向调整，项目终止", "项目选址与国土空间规划冲突，不再实施",
                  "资金无法落实，经研究取消"]
ORDINAL_PHASES = "二三四五"
# key lists: (level, kind) → (month, day) applied and decided each year
LIST_DATES = {
    ("county", "key"): ((1, 6), (2, 18)),
    ("province", "key"): ((1, 10), (2, 25)),
    ("prefecture", "key"): ((1, 14), (3, 2)),
    ("province", "prestage"): ((1, 12), (3, 8)),
}
GOV_TT, RATIFIED_TT, FILED_TT = "01", "02", "03"
CODE_STRIDE = 7919  # prime to 100,000: serials run through every value, in a scattered order


def wan_cents(value: float) -> int:
    return int(value * WAN)


def months_between(a: date, b: date) -> int:
    """Whole calendar months from a's month to b's month (0 when the same month)."""
    return (b.year - a.year) * 12 + b.month - a.month


@dataclass
class Window:
    end: Period
    months: int
    today: date

    def __post_init__(self) -> None:
        first = self.end
        for _ in range(self.months - 1):
            first = first.previous()
        self.first = first
        self.periods = [first]
        while self.periods[-1] != self.end:
            self.periods.append(self.periods[-1].next())
        self.calendar = [(p, p.first_day, p.next()) for p in self.periods]
        self.start_day = first.first_day
        self.horizon = min(self.end.last_day, self.today)  # no date after this
        self.years = list(range(first.year, self.end.year + 1))


@dataclass
class ReportRow:
    period: date
    cents: int
    progress: str
    problems: str
    behind: bool
    next_steps: str
    sent: datetime
    reviewed: datetime


@dataclass
class ProjectSpec:
    index: int
    owner_id: int
    nature: str
    industry: str
    ptype: str
    division_id: int
    works: str
    total: int  # cents
    funding: dict[str, int | None]
    leader_id: int
    unit_id: int
    contact: tuple[str, str]
    lat: float | None
    lon: float | None
    stage: str
    name: str = ""
    code: str | None = None
    scale: str = ""
    address: str = ""
    planned_start: date = date.min
    planned_completion: date = date.min
    actual_start: date | None = None
    actual_completion: date | None = None
    entry: date = date.min  # first seen in the ledger
    until: date = date.max  # completed or cancelled on
    opening: int = 0  # completed_before, cents
    moves: list[tuple[str, str, date, str]] = field(default_factory=list)
    plans: list[tuple[int, int, str, bool]] = field(default_factory=list)  # year, cents, ...
    lists: list[tuple[tuple[str, str, int], str, date, date | None]] = field(default_factory=list)
    reports: list[ReportRow] = field(default_factory=list)


class TemplatePicker:
    """Templates weighted by their count, among those whose total range suits the amount."""

    BUCKETS = 24

    def __init__(self, templates: list[Template]) -> None:
        lo, hi = math.log(MIN_TOTAL / WAN), math.log(MAX_TOTAL / WAN)
        self.lo, self.width = lo, (hi - lo) / self.BUCKETS
        self.buckets: list[tuple[list[Template], list[float]]] = []
        for b in range(self.BUCKETS):
            mid = lo + (b + 0.5) * self.width
            fit = [t for t in templates
                   if math.log(t.total[0] / 2.5) <= mid <= math.log(t.total[1] * 2.5)]
            if not fit:  # the very small and the very large: the nearest ranges
                fit = sorted(templates, key=lambda t: min(abs(mid - math.log(t.total[0])),
                                                          abs(mid - math.log(t.total[1]))))[:12]
            self.buckets.append((fit, list(accumulate(t.count for t in fit))))

    def pick(self, rng: random.Random, total: int) -> Template:
        b = int((math.log(total / WAN) - self.lo) / self.width)
        fit, cum = self.buckets[min(max(b, 0), self.BUCKETS - 1)]
        return fit[bisect.bisect(cum, rng.random() * cum[-1])]


def stage_quota(n: int, rng: random.Random) -> list[str]:
    """Exactly the stage mix, every stage at least once when n ≥ 6, in random order."""
    total = sum(STAGE_SHARES.values())
    counts = {s: n * share // total for s, share in STAGE_SHARES.items()}
    if n >= len(STAGE_SHARES):
        counts = {s: max(c, 1) for s, c in counts.items()}
    counts[Stage.UNDER_CONSTRUCTION] += n - sum(counts.values())
    stages: list[str] = [s for s, c in counts.items() for _ in range(c)]
    rng.shuffle(stages)
    return stages


class NameBook:
    """Project names that never repeat: a template that gives a name again gets 二期, 三期…, then
    a number (a repeated name without a code could not be told apart on an import)."""

    def __init__(self) -> None:
        self.repeats: dict[str, int] = {}
        self.given: set[str] = set()

    def unique(self, name: str) -> str:
        seen = self.repeats.get(name, 0)
        while True:
            if seen == 0:
                candidate = name
            elif seen <= len(ORDINAL_PHASES):
                candidate = f"{name}（{ORDINAL_PHASES[seen - 1]}期）"
            else:
                candidate = f"{name}（{seen + 1}）"
            seen += 1
            if candidate not in self.given:
                break
        self.repeats[name] = seen
        self.given.add(candidate)
        return candidate


class ProjectFactory:
    """Makes ProjectSpecs one after another; the code counters and names carry across."""

    def __init__(self, world: World, window: Window, seed: int, taken_codes: set[str]) -> None:
        self.world = world
        self.window = window
        self.seed = seed
        self.taken_codes = taken_codes
        self.code_rng = random.Random(f"taizhang-codes/{seed}")
        self.code_next: dict[str, int] = {}
        self.code_offset: dict[str, int] = {}
        self.names = NameBook()
        self.picker = TemplatePicker([t for t in TEMPLATES if "{" in t.name])
        self.now = datetime.now(TZ)
        self.townships = {t.unit_id for t in world.townships}
        self.government = set(world.departments.values()) | self.townships
        self.platforms = set(world.platforms.values())

    # --- the card ------------------------------------------------------------------------
    def make(self, index: int, stage: str) -> ProjectSpec:
        rng = random.Random(f"taizhang-project/{self.seed}/{index}")
        w = self.world
        total = self.total(rng)
        tpl = self.picker.pick(rng, total)
        town = w.townships[rng.choice(w.places.get(tpl.place, w.places["any"]))]
        owner_id, brand = self.owner(rng, tpl, town.unit_id)
        # planned construction time: 10 months for the smallest, about 3 years for the biggest
        months = max(6, min(60, round((10 + 8 * math.log10(total / MIN_TOTAL))
                                      * rng.uniform(0.7, 1.3))))
        unit = rng.choice(tpl.units)
        unit_id = town.unit_id
        if unit != "township":
            unit_id = w.departments.get(unit.removeprefix(QIANAN), town.unit_id)
        top = w.leaders[:3] if total >= 200_000 * WAN else w.leaders
        lat = lon = None
        if town.centre is not None:
            lat = town.centre[0] + rng.uniform(-0.02, 0.02)
            lon = town.centre[1] + rng.uniform(-0.02, 0.02)
        p = ProjectSpec(
            index=index, owner_id=owner_id, nature=tpl.nature, industry=tpl.industry,
            ptype=tpl.ptype, division_id=town.id, works=tpl.works, total=total,
            funding=self.funding(rng, total, owner_id), leader_id=rng.choice(top),
            unit_id=unit_id, contact=w.contacts.get(owner_id, ("", "")), lat=lat, lon=lon,
            stage=stage,
        )
        self.timeline(rng, p, months)
        values = self.values(rng, tpl, town.name, brand)
        values["y"] = (p.actual_start or p.planned_start).year
        p.name = self.unique_name(w.localise(tpl.name.format(**values)))
        p.scale = w.localise(tpl.scale.format(**values))
        p.address = self.address(rng, tpl, town.name, values)
        p.code = self.code(rng, p, tpl, stage)
        self.plans_and_reports(rng, p, months)
        self.key_lists(rng, p)
        return p

    def total(self, rng: random.Random) -> int:
        while True:
            wan = math.exp(rng.gauss(TOTAL_MU, TOTAL_SIGMA))
            if MIN_TOTAL / WAN <= wan <= MAX_TOTAL / WAN:
                break
        if rng.random() < 0.15:  # an exact budget figure
            return wan_cents(wan)
        step = 10 if wan < 5_000 else 100 if wan < 50_000 else 1_000
        return max(MIN_TOTAL, round(wan / step) * step * WAN)

    def owner(self, rng: random.Random, tpl: Template, town_unit: int) -> tuple[int, str]:
        w = self.world
        if tpl.owner.startswith("platform:"):
            return w.platforms[tpl.owner[9:]], ""
        if tpl.owner.startswith("dept:"):
            return w.departments.get(tpl.owner[5:].removeprefix(QIANAN), town_unit), ""
        if tpl.owner == "township":
            return town_unit, ""
        pool = w.by_suffix.get(tpl.owner)
        e = w.enterprises[rng.choice(pool)] if pool else rng.choice(w.enterprises)
        keep = e.suffix not in tpl.name and len(e.suffix) <= 2
        return e.id, e.brand + (e.suffix if keep else "")

    def values(self, rng: random.Random, tpl: Template, town: str, brand: str) -> dict[str, Any]:
        others = [t.name for t in self.world.townships if t.name != town] or [town]
        values = fill_values(rng, tpl, town, others)
        values["b"] = brand or self.world.name[:-1]
        return values

    def address(self, rng: random.Random, tpl: Template, town: str, values: dict) -> str:
        county = self.world.name
        d1, d2 = rng.choice("东西"), rng.choice("南北")
        if tpl.works == "linear" and "{r}" in tpl.name:
            return f"{county}{values['r']}"
        if town.endswith("开发区"):
            return f"{town}{rng.choice(D.ROADS)}以{d1}、{rng.choice(D.ROADS)}以{d2}"
        if town.endswith("街道"):
            r1, r2 = rng.sample(D.ROADS, 2)
            return f"{county}{town}{r1}以{d1}、{r2}以{d2}"
        return f"{county}{town}{rng.choice(D.VILLAGES)}村{d1}侧"

    def funding(self, rng: random.Random, total: int, owner_id: int) -> dict[str, int | None]:
        names = ("fund_central_provincial", "fund_city_county", "fund_enterprise",
                 "fund_bank_loans", "fund_other")
        split: dict[str, int | None] = dict.fromkeys(names)
        if rng.random() < 0.3:  # the sheet left the split empty
            return split
        if owner_id in self.government or owner_id in self.platforms:
            upper = round(total * rng.choice([0, 0, 0.1, 0.2, 0.3, 0.5]))
            loans = round((total - upper) * rng.choice([0, 0, 0.3, 0.5]))
            split.update(fund_central_provincial=upper, fund_bank_loans=loans,
                         fund_city_county=total - upper - loans)
        else:
            loans = round(total * rng.choice([0, 0.2, 0.3, 0.4, 0.5, 0.6]))
            other = round(total * rng.choice([0, 0, 0, 0.05, 0.1]))
            split.update(fund_bank_loans=loans, fund_other=other,
                         fund_enterprise=total - loans - other)
        return split

    def unique_name(self, name: str) -> str:
        return self.names.unique(name)

    def code(self, rng: random.Random, p: ProjectSpec, tpl: Template, stage: str) -> str | None:
        """YYYY-AAAAAA-DD-TT-RRRRRC: the serial counts up from a seed-chosen offset."""
        if stage in (Stage.PLANNING, Stage.CANCELLED) and rng.random() < 0.35:
            return None  # not yet registered
        year = p.moves[0][2].year if p.moves else p.planned_start.year - 1
        year = min(year, self.window.horizon.year)
        w = self.world
        if p.owner_id in self.government or p.owner_id in self.platforms:
            tt = GOV_TT
        elif p.total >= 100_000 * WAN or tpl.industry == "D" and p.total >= 20_000 * WAN:
            tt = RATIFIED_TT
        else:
            tt = FILED_TT
        prefix = f"{year}-{w.county.code}-{tpl.division}-{tt}-"
        if prefix not in self.code_offset:
            self.code_offset[prefix] = self.code_rng.randrange(100_000)
        for _ in range(100_000):
            n = self.code_next.get(prefix, 0)
            self.code_next[prefix] = n + 1
            serial = f"{(self.code_offset[prefix] + n * CODE_STRIDE) % 100_000:05d}"
            check = sum((i + 1) * int(c) for i, c in enumerate(serial + w.county.code)) % 10
            code = f"{prefix}{serial}{check}"
            if code not in self.taken_codes:
                self.taken_codes.add(code)
                return code
        raise RuntimeError(f"no project code left under {prefix}")

    # --- dates ---------------------------------------------------------------------------
    def timeline(self, rng: random.Random, p: ProjectSpec, months: int) -> None:
        """Stage moves and actual dates that lead to `p.stage` by the horizon."""
        h, win = self.window.horizon, self.window
        span = round(months * 30.4)
        window_days = (h - win.start_day).days

        def back(lo: float, hi: float) -> date:
            return h - timedelta(days=round(rng.uniform(lo, hi)))

        def between(a: date, b: date, lo: float, hi: float) -> date:
            return a + timedelta(days=max(1, round((b - a).days * rng.uniform(lo, hi))))

        def prelim_before(start: date) -> date:
            return start - timedelta(days=rng.randint(45, 400))

        P, PR, UC, DONE, HOLD, CAN = (Stage.PLANNING, Stage.PRELIMINARY,
                                      Stage.UNDER_CONSTRUCTION, Stage.COMPLETED, Stage.ON_HOLD,
                                      Stage.CANCELLED)
        moves = p.moves
        stage = p.stage
        start = done = None
        if stage == PR:
            moves.append((P, PR, back(10, 700), ""))
        elif stage == UC:
            start = back(5, max(30, span * 0.97))
            moves += [(P, PR, prelim_before(start), ""), (PR, UC, start, "")]
        elif stage == DONE:
            done = back(0, window_days + 180)
            start = done - timedelta(days=max(60, round(span * rng.uniform(0.8, 1.3))))
            moves += [(P, PR, prelim_before(start), ""), (PR, UC, start, ""),
                      (UC, DONE, done, "")]
        elif stage == HOLD and rng.random() < 0.6:  # stopped while building
            start = back(60, max(90, span * 1.2))
            moves += [(P, PR, prelim_before(start), ""), (PR, UC, start, ""),
                      (UC, HOLD, between(start, h, 0.3, 0.95), rng.choice(HOLD_REASONS))]
        elif stage == HOLD:
            d0 = back(90, 900)
            moves += [(P, PR, d0, ""),
                      (PR, HOLD, between(d0, h, 0.3, 0.9), rng.choice(HOLD_REASONS[:1]))]
        elif stage == CAN and rng.random() < 0.5:
            moves.append((P, CAN, back(10, 500), rng.choice(CANCEL_REASONS)))
        elif stage == CAN:
            d0 = back(120, 900)
            moves += [(P, PR, d0, ""),
                      (PR, CAN, between(d0, h, 0.3, 0.95), rng.choice(CANCEL_REASONS))]
        p.actual_start, p.actual_completion = start, done
        if start is not None:
            p.planned_start = start + timedelta(days=rng.randint(-60, 30))
            p.planned_completion = p.planned_start + timedelta(days=round(span *
                                                                          rng.uniform(0.9, 1.1)))
            if done is not None:
                p.planned_completion = max(p.planned_start + timedelta(days=60),
                                           done + timedelta(days=rng.randint(-90, 45)))
        else:
            p.planned_start = h + timedelta(days=rng.randint(30, 540))
            p.planned_completion = p.planned_start + timedelta(days=span)

    # --- money ---------------------------------------------------------------------------
    def plans_and_reports(self, rng: random.Random, p: ProjectSpec, months: int) -> None:
        win = self.window
        h = win.horizon
        span = round(months * 30.4)
        entry = p.moves[0][2] if p.moves else h - timedelta(days=rng.randint(0, 500))
        if p.moves and p.moves[0][1] == Stage.CANCELLED:
            entry = p.moves[0][2] - timedelta(days=rng.randint(30, 400))
        p.entry = entry
        last = p.moves[-1] if p.moves else None
        stop: date | None = None  # the last day building
        if p.actual_start is not None:
            if p.stage == Stage.COMPLETED:
                stop = p.actual_completion
            elif p.stage == Stage.ON_HOLD and last is not None:
                stop = last[2]
            else:
                stop = h
        until = last[2] if last and last[1] in (Stage.COMPLETED, Stage.CANCELLED) else h
        p.until = until
        start = p.actual_start
        phases = PHASES[p.works]
        # the schedule: spending spread evenly from the start to the (planned) end
        rates: dict[int, float] = {}
        sched_months, sched_end = months, h
        if start is not None:
            assert stop is not None
            if p.stage == Stage.COMPLETED:
                sched_end = stop
            elif p.stage == Stage.ON_HOLD:
                sched_end = start + timedelta(days=span)
            else:  # still building: the rest is planned after the horizon
                sched_end = max(start + timedelta(days=span), h + timedelta(days=60))
            sched_months = months_between(start, sched_end) + 1
            # opening balance: what was spent before the first month of the window
            if start < win.start_day:
                before = months_between(start, min(sched_end, win.start_day)) + 0.5
                share = before / sched_months * rng.uniform(0.8, 1.05)
                if p.stage == Stage.COMPLETED and stop < win.start_day:
                    share = rng.uniform(0.92, 1.0)
                p.opening = _round(p.total * min(0.97, share))
        # annual plans
        for year in win.years:
            if not (entry.year <= year <= until.year):
                continue
            y0, y1 = date(year, 1, 1), date(year, 12, 31)
            new_start = False
            if start is not None and start <= y1 and sched_end >= y0 and (
                    p.stage != Stage.ON_HOLD or stop is None or stop.year >= year):
                in_year = months_between(max(start, y0), min(sched_end, y1)) + 1
                cents = _round(p.total * in_year / sched_months * rng.uniform(0.85, 1.2))
                rates[year] = cents / in_year
                new_start = start.year == year and rng.random() < 0.9
                share = (months_between(start, min(sched_end, y1)) + 1) / sched_months
                target = ("竣工投产" if share >= 1 else
                          f"完成{phases[min(len(phases) - 1, int(share * len(phases)))]}")
            elif start is None and p.planned_start.year == year:
                left = 12 - p.planned_start.month + 1
                cents = _round(p.total * left / months * rng.uniform(0.3, 0.8))
                new_start, target = True, "完成前期手续，力争开工建设"
            else:
                cents = 0 if rng.random() < 0.5 else _round(p.total * rng.uniform(0.005, 0.03))
                target = "推进项目前期工作" if start is None else "暂缓建设"
            p.plans.append((year, min(cents, p.total), target, new_start))
        # monthly reports while building, inside the window
        if start is None or stop is None:
            return
        done = p.opening
        fallback = p.total / sched_months
        now = self.now
        begin = date(start.year, start.month, 1)
        for period, first, nxt in win.calendar:
            if first < begin or first > stop:
                continue
            rate = rates.get(period.year, fallback)
            cents = 0 if rng.random() < 0.04 else int(rate * SEASON[period.month]
                                                      * rng.uniform(0.45, 1.55))
            if cents >= 50 * WAN:
                cents -= cents % WAN
            cents = max(0, min(cents, p.total - done))
            done += cents
            share = done / p.total
            percent = max(1, min(100, round(share * 100)))
            index = min(len(phases) - 1, int(share * len(phases) * 1.1))
            finished = p.stage == Stage.COMPLETED and Period.of(stop) == period
            if finished:
                progress, steps = "项目已竣工验收，正式投产运行", "做好竣工决算及达产达效工作"
            elif cents == 0:
                progress = f"受季节及管控影响暂停施工，累计完成投资占总投资的{percent}%"
                steps = "具备条件后尽快复工"
            else:
                progress = f"{phases[index]}，累计完成投资占总投资的{percent}%"
                steps = f"加快推进{phases[min(len(phases) - 1, index + 1)]}，确保完成年度投资计划"
            problems = rng.choice(PROBLEMS) if rng.random() < 0.05 else ""
            behind = bool(problems) and rng.random() < 0.4
            r = rng.random()
            sent = datetime(nxt.year, nxt.month, 1 + int(r * 6), 8 + int(r * 97) % 10,
                            int(r * 6007) % 60, tzinfo=TZ)
            reviewed = sent + timedelta(hours=20 + int(rng.random() * 60))
            p.reports.append(ReportRow(first, cents, progress, problems, behind, steps,
                                       min(sent, now), min(reviewed, now)))

    # --- key lists -----------------------------------------------------------------------
    def key_lists(self, rng: random.Random, p: ProjectSpec) -> None:
        h = self.window.horizon
        entry, until = p.entry, p.until
        wan = p.total / WAN
        big = 0.5 if wan >= 150_000 else 0.2 if wan >= 50_000 else 0.04 if wan >= 15_000 \
            else 0.005
        u_province, u_prefecture, u_county = rng.random(), rng.random(), rng.random()

        def member(level: str, kind: str, year: int, status: str) -> None:
            (am, ad), (dm, dd) = LIST_DATES[level, kind]
            applied = date(year, am, ad)
            if entry > applied:
                applied = entry + timedelta(days=rng.randint(3, 20))
            decided = max(date(year, dm, dd), applied + timedelta(days=rng.randint(15, 45)))
            if applied > h or applied.year != year:
                return
            if decided > h:
                status, decided_on = "applied", None
            else:
                decided_on = None if status == "applied" else decided
            p.lists.append(((level, kind, year), status, applied, decided_on))

        for year in self.window.years:
            if not (entry.year <= year <= until.year):
                continue
            county = "approved" if u_county < 0.93 else "rejected" \
                if u_county < 0.97 or year < h.year else "applied"
            member("county", "key", year, county)
            building = p.actual_start is not None and p.actual_start.year <= year
            if building or p.stage == Stage.PRELIMINARY:
                for level, u, share in (("province", u_province, big),
                                        ("prefecture", u_prefecture, min(1.0, big * 1.6))):
                    if u < share:
                        member(level, "key", year, "approved")
                    elif u < share * 1.15:
                        member(level, "key", year,
                               "applied" if year == h.year else "rejected")
        if p.stage in (Stage.PLANNING, Stage.PRELIMINARY) and until.year >= h.year:
            share = 0.5 if wan >= 50_000 else 0.25 if wan >= 10_000 else 0.1
            if rng.random() < share:
                member("province", "prestage", h.year, "approved")


def _round(cents: float) -> int:
    """Plans and balances in whole 万元 (10 万元 for the big ones), as offices write them."""
    step = 10 * WAN if cents >= 10_000 * WAN else WAN
    return int(cents) // step * step
