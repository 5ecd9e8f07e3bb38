"""The Qian'an 2022 demo as plain data: who and what exists, decided by one seeded RNG.

`build_plan()` touches no database; the same call always returns the same plan, which the
loader then writes through the service functions (and `--reset` uses to find what to wipe).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from taizhang.core.codes import USCC_ALPHABET, uscc_check_char
from taizhang.scenarios.common import names
from taizhang.scenarios.common.catalogue import TEMPLATES
from taizhang.scenarios.common.templates import Template, fill_values
from taizhang.scenarios.qianan import data as D

DIGITS = "0123456789"
STAGE_COUNTS = {  # besides the six fixed projects below
    "completed": 8, "hold_prelim": 1, "hold_uc": 1, "planning": 22, "prelim": 44, "new": 92,
    "continuing": 110,
}
TYPE_ORDER = ["industry", "services", "infrastructure", "social", "real_estate", "agriculture"]


@dataclass
class OrgSpec:
    kind: str
    name: str
    credit_code: str | None
    township: str | None = None  # division name; None = the county


@dataclass
class PersonSpec:
    name: str
    title: str
    phone: str = ""
    org: str | None = None


@dataclass
class ProjectSpec:
    name: str
    owner: str
    industry: str
    gb_division: str
    ptype: str
    nature: str
    township: str
    address: str
    scale: str
    works: str
    kind: str = ""  # stage kind: planning, prelim, new, continuing, completed, hold_*
    raw_total: float = 0.0
    fixed_total: int | None = None  # cents
    unit: str = ""
    leader: str = ""
    contact: PersonSpec | None = None
    code: str | None = None
    lat: Decimal | None = None
    lon: Decimal | None = None
    planned_start: date | None = None
    planned_completion: date | None = None
    moves: list[tuple[str, date, str]] = field(default_factory=list)
    lists: list[tuple[str, str, str]] = field(default_factory=list)  # level, kind, status
    # money, in cents (filled by qianan_figures)
    total: int = 0
    opening: int = 0
    plan: int = 0
    ytd: int = 0
    monthly: dict[int, int] = field(default_factory=dict)
    august: int = 0
    funding: dict[str, int] = field(default_factory=dict)
    planned_new_start: bool = False
    image_target: str = ""

    @property
    def start(self) -> date | None:
        return next((d for s, d, _r in self.moves if s == "under_construction"), None)

    @property
    def reporting(self) -> bool:
        return self.kind in ("new", "continuing", "completed")


@dataclass
class Plan:
    orgs: list[OrgSpec]
    leaders: list[PersonSpec]
    projects: list[ProjectSpec]
    users: dict[str, dict[str, str | None]]  # username → role, org, person, first, last


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


class _Builder:
    def __init__(self) -> None:
        self.rng = random.Random(D.SEED)
        rng = self.rng
        brands = names.brand_names()
        rng.shuffle(brands)
        self.brands = brands
        self.orgs: dict[str, OrgSpec] = {}
        self.codes: set[str] = set()
        self.by_suffix: dict[str, list[str]] = {}
        self.short: dict[str, tuple[str, str]] = {}  # enterprise → (trade name, suffix)
        self.names: set[str] = set()
        self.people: set[str] = {name for name, _title in D.LEADERS}
        self.contacts: dict[str, PersonSpec] = {}
        self.centres = {name: (39.93 + rng.random() * 0.24, 118.55 + rng.random() * 0.32)
                        for _code, name in D.TOWNSHIPS}

    # --- codes and names ---------------------------------------------------------------
    def uscc(self, head: str, area: str = "130283") -> str:
        rng = self.rng
        while True:
            if head == "91" and rng.random() < 0.55:  # registered after 2015: "MA…"
                body = "MA0" + "".join(rng.choice(USCC_ALPHABET[:18]) for _ in range(6))
            else:  # an older organisation code carried over
                body = "".join(rng.choice(DIGITS) for _ in range(8)) + rng.choice(DIGITS + "X")
            first17 = head + area + body
            code = first17 + uscc_check_char(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def person_name(self) -> str:
        return names.person_name(self.rng, self.people)

    def mobile(self) -> str:
        return self.rng.choice(names.MOBILE_PREFIXES) + "".join(
            self.rng.choice("0123456789") for _ in range(8))

    def add_org(self, kind: str, name: str, head: str | None, township: str | None = None,
                area: str = "130283") -> str:
        if name not in self.orgs:
            code = self.uscc(head, area) if head else None
            self.orgs[name] = OrgSpec(kind, name, code, township)
        return name

    def enterprise(self, suffix: str, township: str, reuse: float) -> str:
        rng = self.rng
        pool = self.by_suffix.setdefault(suffix, [])
        if pool and rng.random() < reuse:
            return rng.choice(pool)
        brand = self.brands.pop()
        prefixes, weights = zip(*D.COMPANY_PREFIX, strict=True)
        prefix = rng.choices(prefixes, weights)[0]
        form = names.company_form(rng)
        name = f"{prefix}{brand}{suffix}{form}"
        area = "130200" if prefix == "唐山" and rng.random() < 0.4 else "130283"
        self.add_org("enterprise", name, "91", township, area)
        self.short[name] = (brand, suffix)
        pool.append(name)
        return name

    # --- projects ----------------------------------------------------------------------
    def place(self, where: str) -> str:
        pools = {"industrial": D.INDUSTRIAL, "urban": D.URBAN, "rural": D.RURAL,
                 "any": [n for _c, n in D.TOWNSHIPS]}
        return self.rng.choice(pools[where])

    def address(self, tpl: Template, town: str, values: dict[str, object]) -> str:
        rng = self.rng
        d1, d2 = rng.choice(["东", "西"]), rng.choice(["南", "北"])
        if tpl.works == "linear" and "{r}" in tpl.name:
            return f"迁安市{values['r']}"
        if town == "迁安经济开发区":
            return f"迁安经济开发区{rng.choice(D.ROADS)}以{d1}、{rng.choice(D.ROADS)}以{d2}"
        if town in D.URBAN:
            r1, r2 = rng.sample(D.ROADS, 2)
            return f"迁安市{town}{r1}以{d1}、{r2}以{d2}"
        return f"迁安市{town}{rng.choice(D.VILLAGES)}村{d1}侧"

    def from_template(self, tpl: Template) -> ProjectSpec:
        rng = self.rng
        for _attempt in range(60):
            town = self.place(tpl.place)
            values = fill_values(rng, tpl, town, [n for n in D.RURAL if n != town])
            owner = self.owner_for(tpl, town)
            brand, suffix = self.short.get(owner, ("", ""))
            keep = suffix and suffix not in tpl.name and len(suffix) <= 2
            values["b"] = brand + (suffix if keep else "")
            name = tpl.name.format(**values)
            if name not in self.names:
                break
        else:  # pragma: no cover - the tables leave plenty of room
            raise RuntimeError(f"no unique name left for {tpl.name}")
        self.names.add(name)
        lo, hi = tpl.total
        position = rng.random()
        if isinstance(tpl.params.get("n"), list) and len(tpl.params["n"]) > 1:
            # a bigger capacity costs more: place the total by the capacity's rank
            choices = tpl.params["n"]
            position = choices.index(values["n"]) / (len(choices) - 1) * 0.7 + position * 0.3
        raw = math.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * position)
        return ProjectSpec(
            name=name, owner=owner, industry=tpl.industry, gb_division=tpl.division,
            ptype=tpl.ptype, nature=tpl.nature, township=town,
            address=self.address(tpl, town, values), scale=tpl.scale.format(**values),
            works=tpl.works, raw_total=raw, unit=rng.choice(tpl.units),
        )

    def owner_for(self, tpl: Template, town: str) -> str:
        if tpl.owner.startswith("platform:"):
            return self.add_org("enterprise", D.PLATFORMS[tpl.owner[9:]], "91")
        if tpl.owner.startswith("dept:"):
            return tpl.owner[5:]
        if tpl.owner == "township":
            return town
        if tpl.owner == "钢铁":
            return self.enterprise("钢铁", town, reuse=0.8)
        return self.enterprise(tpl.owner, town, reuse=0.18)

    def named(self) -> list[ProjectSpec]:
        add = self.add_org
        add("enterprise", D.XINDA_OWNER, "91")
        add("enterprise", D.ZHONGRONG_OWNER, "91", "迁安经济开发区")
        add("enterprise", D.SHOUGANG_OWNER, "91", "杨店子街道")
        add("enterprise", D.YANYANG_OWNER, "91", "木厂口镇", area="130200")
        specs = [
            (D.XINDA, D.XINDA_OWNER, "C", "31", "relocation", "迁安经济开发区", "prelim", 1_285_000,
             "按产能减量置换要求，建设2座1580立方米高炉、2座120吨转炉及配套烧结、球团、轧钢设施，"
             "同步建设超低排放和全封闭物料输送系统。"),
            (D.ZHONGRONG, D.ZHONGRONG_OWNER, "C", "26", "new", "迁安经济开发区", "prelim", 62_000,
             "利用焦炉煤气建设7500Nm³/h变压吸附制氢装置及加氢母站，配套储氢、充装设施。"),
            (D.SHOUGANG, D.SHOUGANG_OWNER, "C", "31", "expansion", "杨店子街道", "continuing",
             458_600, "新建高性能取向硅钢生产线，配套常化酸洗、冷轧、脱碳退火、高温退火及激光刻痕"
             "机组，年产高性能取向硅钢15万吨。"),
            (D.YANYANG, D.YANYANG_OWNER, "C", "31", "new", "木厂口镇", "continuing", 126_000,
             "建设1450毫米冷轧及连续热镀锌生产线各1条，年产冷轧镀锌板带100万吨。"),
            ("燕阳年产30万吨彩涂板项目", D.YANYANG_OWNER, "C", "31", "expansion", "木厂口镇", "new",
             None, "利用现有厂区建设彩涂生产线1条，购置辊涂机、固化炉等设备，年产彩涂板30万吨。"),
            ("燕阳冷轧板带厂房屋顶分布式光伏发电项目", D.YANYANG_OWNER, "D", "44", "new",
             "木厂口镇", "prelim", None,
             "利用厂房屋顶建设分布式光伏电站，装机容量18MW，年均发电量约2100万千瓦时。"),
        ]
        out = []
        for name, owner, ind, dd, nature, town, kind, total, scale in specs:
            self.names.add(name)
            ptype = "industry"
            spec = ProjectSpec(
                name=name, owner=owner, industry=ind, gb_division=dd, ptype=ptype, nature=nature,
                township=town, address=self.address(TEMPLATES[0], town, {}), scale=scale,
                works="solar" if ind == "D" else "factory", kind=kind,
                raw_total=float(total or (38_000 if ind == "C" else 7_600)),
                fixed_total=total * 100 if total else None, unit="迁安市工信局",
            )
            out.append(spec)
        return out


def build_plan() -> Plan:
    """The whole scenario as data; deterministic."""
    from taizhang.scenarios.qianan.figures import assign_figures
    from taizhang.scenarios.qianan.lifecycle import assign_stages, august_owners
    from taizhang.scenarios.qianan.people import assign_people, demo_users

    b = _Builder()
    b.add_org("office", D.OFFICE, None)
    for dept in D.DEPARTMENTS:
        b.add_org("department", dept, "11")
    for _code, town in D.TOWNSHIPS:
        b.add_org("township", town, "11", town)
    for bank in D.BANKS:
        b.add_org("bank", bank, "91")
    projects = b.named()
    for tpl in TEMPLATES:
        for _ in range(tpl.count):
            projects.append(b.from_template(tpl))
    order = {t: i for i, t in enumerate(TYPE_ORDER)}
    b.rng.shuffle(projects)
    projects.sort(key=lambda p: order[p.ptype])
    assign_stages(b, projects, STAGE_COUNTS)
    extra_owners = august_owners(b, projects)
    assign_figures(b, projects, extra_owners)
    assign_people(b, projects)
    leaders = [PersonSpec(name, title) for name, title in D.LEADERS]
    return Plan(orgs=list(b.orgs.values()), leaders=leaders, projects=projects,
                users=demo_users(b, projects, extra_owners))
