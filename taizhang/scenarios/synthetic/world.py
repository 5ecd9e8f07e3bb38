"""The places, units, companies and people a synthetic ledger hangs off.

Divisions and the county's own units (office, departments, township governments, state-owned
platforms) are reused by code or by (kind, name) when they exist already, so a synthetic ledger
for 130283 sits next to the Qian'an demo. Enterprises, leaders and contacts are new rows.
Every choice comes from the world RNG; the database only decides what is reused.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Model

from taizhang.accounts.models import Division, OfficeSettings, Organization, Person
from taizhang.core.codes import USCC_ALPHABET, uscc_check_char
from taizhang.core.periods import Period
from taizhang.scenarios.common import names
from taizhang.scenarios.common.catalogue import TEMPLATES
from taizhang.scenarios.qianan import data as D

QIANAN = "迁安市"
DEPARTMENT_SUFFIXES = [name.removeprefix(QIANAN) for name in D.DEPARTMENTS]
PLATFORM_SUFFIXES = {key: name.removeprefix(QIANAN) for key, name in D.PLATFORMS.items()}
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}
KNOWN = {D.PROVINCE[0]: D.PROVINCE[1], D.PREFECTURE[0]: D.PREFECTURE[1], D.COUNTY[0]: D.COUNTY[1]}
PLACE_CHARS = "安平宁阳城山河东西南北新丰永兴清临泰昌明德宜定武乐广和长华江源营庄桥沟峪石"
LEADER_TITLES = ["市委书记", "市委副书记、市长", "市委常委、常务副市长", "市委常委、副市长",
                 "副市长", "副市长", "副市长", "副市长", "市委常委、组织部部长",
                 "市委常委、宣传部部长", "市委常委、政法委书记", "市委常委、统战部部长",
                 "市委常委、纪委书记", "市人大常委会主任", "市政协主席"]
LEADER_TITLES_MORE = ["市人大常委会副主任", "市政协副主席", "市政府党组成员", "市长助理",
                      "市委副秘书长", "市政府副秘书长"]
DIGITS = "0123456789"


@dataclass
class Township:
    id: int
    name: str
    unit_id: int  # the township government (organization, kind township)
    centre: tuple[float, float] | None


@dataclass
class Enterprise:
    id: int
    brand: str
    suffix: str


@dataclass
class World:
    county: Division
    province_name: str
    prefecture_name: str
    townships: list[Township]
    places: dict[str, list[int]]  # template place → indexes into townships
    departments: dict[str, int]  # suffix (发改局) → organization id
    platforms: dict[str, int]  # platform key → organization id
    enterprises: list[Enterprise]
    by_suffix: dict[str, list[int]]  # trade suffix → indexes into enterprises
    contacts: dict[int, tuple[str, str]]  # organization id → (name, phone)
    leaders: list[int]  # person ids, most senior first
    counts: dict[str, int] = field(default_factory=dict)  # rows created

    @property
    def name(self) -> str:
        return self.county.name

    def localise(self, text: str) -> str:
        """Template text written for 迁安市, said of this county."""
        if self.county.name == QIANAN:
            return text
        short = self.county.name[:-1] if len(self.county.name) > 2 else self.county.name
        return text.replace(QIANAN, self.county.name).replace("迁安", short)


def check_county_code(code: str) -> None:
    if not (len(code) == 6 and code.isdigit() and code[:2] in PROVINCES
            and code[2:4] != "00" and code[4:] != "00"):
        raise ValueError(f"{code!r} is not a county-level GB/T 2260 code (like 130283)")


class WorldBuilder:
    """Creates (or finds) the rows; `rng` decides every name and code."""

    def __init__(self, seed: int, county_code: str, projects: int, end: Period,
                 taken_credit: set[str], taken_names: set[str]) -> None:
        # separate streams, so reusing rows (which skips some draws) changes nothing else
        self.rng = random.Random(f"taizhang-world/{seed}")
        self.code_rng = random.Random(f"taizhang-credit-codes/{seed}")
        self.place_rng = random.Random(f"taizhang-places/{county_code}")
        self.code = county_code
        self.n = projects
        self.end = end
        self.taken_credit = taken_credit
        self.taken_names = taken_names  # enterprise names
        self.people: set[str] = set()
        self.counts = {"divisions": 0, "organizations": 0, "people": 0}

    # --- names and codes -----------------------------------------------------------------
    def place_name(self, used: set[str], ending: str) -> str:
        for _ in range(1000):
            name = "".join(self.place_rng.sample(PLACE_CHARS, 2)) + ending
            if name not in used:
                used.add(name)
                return name
        raise RuntimeError("no place name left")  # pragma: no cover

    def uscc(self, head: str, area: str) -> str:
        rng = self.code_rng
        while True:
            if head == "91" and rng.random() < 0.55:  # registered after 2015: "MA…"
                body = "MA" + "".join(rng.choices(USCC_ALPHABET[:18], k=7))
            else:  # an older organisation code carried over
                body = "".join(rng.choices(DIGITS, k=8)) + rng.choice(DIGITS + "X")
            first17 = head + area + body
            code = first17 + uscc_check_char(first17)
            if code not in self.taken_credit:
                self.taken_credit.add(code)
                return code

    def person_name(self) -> str:
        return names.person_name(self.rng, self.people, tries=50)

    def mobile(self) -> str:
        return self.rng.choice(names.MOBILE_PREFIXES) + "".join(self.rng.choices(DIGITS, k=8))

    # --- divisions -----------------------------------------------------------------------
    def divisions(self) -> tuple[Division, str, str, list[tuple[Division, str]]]:
        code = self.code
        county = Division.objects.select_related("parent__parent").filter(code=code).first()
        if county is None:
            prov_code, pref_code = code[:2] + "0000", code[:4] + "00"
            province = self._division(prov_code, KNOWN.get(prov_code) or PROVINCES[code[:2]],
                                      "province", None)
            used = {province.name}
            pref_name = KNOWN.get(pref_code) or self.place_name(used, "市")
            prefecture = self._division(pref_code, pref_name, "prefecture", province)
            county_name = KNOWN.get(code) or self.place_name(used, "县")
            county = self._division(code, county_name, "county", prefecture)
        parent: Division | None = county.parent
        grandparent = parent.parent if parent else None
        if code == D.COUNTY[0]:
            plan = [(c, n, _qianan_kind(n)) for c, n in D.TOWNSHIPS]
        else:
            used = {county.name}
            plan = [(f"{code}{i:03d}", self.place_name(used, "街道"), "urban") for i in range(1, 5)]
            plan += [(f"{code}{100 + i:03d}", self.place_name(used, "镇"), "town")
                     for i in range(10)]
            plan += [(f"{code}{200 + i:03d}", self.place_name(used, "乡"), "rural")
                     for i in range(6)]
            plan += [(f"{code}400", county.name[:-1] + "经济开发区", "zone")]
        towns = [(self._division(c, n, "township", county), kind) for c, n, kind in plan]
        OfficeSettings.objects.get_or_create(
            division=county, defaults={"reporting_period": str(self.end.next())})
        return (county, grandparent.name if grandparent else "", parent.name if parent else "",
                towns)

    def _division(self, code: str, name: str, level: str, parent: Division | None) -> Division:
        division, created = Division.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent})
        self.counts["divisions"] += created
        return division

    def unit_name(self, county_name: str, town: Division) -> str:
        """The township government: named as the township in the demo, else with the county."""
        return town.name if self.code == D.COUNTY[0] else county_name + town.name

    # --- organizations and people --------------------------------------------------------
    def build(self) -> World:
        rng = self.rng
        county, province_name, prefecture_name, towns = self.divisions()
        cname = county.name
        wanted: list[Organization] = [Organization(kind="office", name=f"{cname}重点项目办",
                                                   division=county)]
        wanted += [Organization(kind="department", name=cname + s, division=county)
                   for s in DEPARTMENT_SUFFIXES]
        wanted += [Organization(kind="township", name=self.unit_name(cname, t), division=t)
                   for t, _k in towns]
        wanted += [Organization(kind="enterprise", name=cname + s, division=county)
                   for s in PLATFORM_SUFFIXES.values()]
        units = self._get_or_create_orgs(wanted)
        # enterprises: a trade suffix drawn as often as the templates ask for it
        suffixes = [(t.owner, t.count) for t in TEMPLATES if ":" not in t.owner
                    and t.owner != "township"]
        trade_suffixes, weights = zip(*suffixes, strict=True)
        brands = names.brand_names()
        short = {"迁安市": cname, "迁安": cname[:-1] if len(cname) > 2 else cname,
                 "唐山": prefecture_name[:2], "河北": province_name[:2]}
        prefixes = [short.get(p, p) for p, _w in D.COMPANY_PREFIX]
        pweights = [w for _p, w in D.COMPANY_PREFIX]
        n_enterprises = max(1, round(self.n / 3))
        shells: list[tuple[Organization, str, str]] = []
        for _ in range(n_enterprises):
            suffix = rng.choices(trade_suffixes, weights)[0]
            for attempt in range(40):
                brand = rng.choice(brands)
                if attempt >= 20:  # the two-character names ran out: a third character
                    brand += rng.choice(names.BRAND_SECOND)
                prefix = rng.choices(prefixes, pweights)[0]
                form = names.company_form(rng)
                name = f"{prefix}{brand}{suffix}{form}"
                if name not in self.taken_names:
                    break
            else:  # pragma: no cover - three-character brands leave plenty of room
                raise RuntimeError("no enterprise name left")
            self.taken_names.add(name)
            town = rng.choice(towns)[0]
            org = Organization(kind="enterprise", name=name, division=town,
                               credit_code=self.uscc("91", county.code))
            shells.append((org, brand, suffix))
        _bulk(Organization, [o for o, _b, _s in shells])
        self.counts["organizations"] += len(shells)
        enterprises = [Enterprise(o.pk, b, s) for o, b, s in shells]
        by_suffix: dict[str, list[int]] = {}
        for i, e in enumerate(enterprises):
            by_suffix.setdefault(e.suffix, []).append(i)
        # leaders (no organization, as in the demo) and one contact per owner
        n_leaders = min(200, max(3, self.n // 20))
        titles = LEADER_TITLES + [rng.choice(LEADER_TITLES_MORE)
                                  for _ in range(n_leaders - len(LEADER_TITLES))]
        leaders = [Person(name=self.person_name(), title=titles[i]) for i in range(n_leaders)]
        owners = [o for o in units.values() if o.kind in ("department", "township")]
        owners += [o for o in units.values() if o.kind == "enterprise"]
        owners += [o for o, _b, _s in shells]
        contacts = []
        for org in owners:
            title = names.contact_title(rng, org.kind)
            contacts.append(Person(name=self.person_name(), title=title, phone=self.mobile(),
                                   organization_id=org.pk))
        _bulk(Person, leaders + contacts)
        self.counts["people"] += len(leaders) + len(contacts)
        base = (39.93, 118.55) if county.code == D.COUNTY[0] else None
        townships = []
        for town, _kind in towns:
            centre = None
            if base is not None:
                centre = (base[0] + rng.random() * 0.24, base[1] + rng.random() * 0.32)
            unit = units["township", self.unit_name(cname, town)]
            townships.append(Township(town.pk, town.name, unit.pk, centre))
        kinds = [kind for _t, kind in towns]
        every = list(range(len(towns)))
        pools = {
            "urban": [i for i, k in enumerate(kinds) if k == "urban"],
            "rural": [i for i, k in enumerate(kinds) if k == "rural"],
            "industrial": [i for i, k in enumerate(kinds) if k in ("zone", "town")],
        }
        places = {key: pool or every for key, pool in pools.items()}
        places["any"] = every
        return World(
            county=county, province_name=province_name, prefecture_name=prefecture_name,
            townships=townships, places=places,
            departments={s: units["department", cname + s].pk for s in DEPARTMENT_SUFFIXES},
            platforms={k: units["enterprise", cname + s].pk for k, s in PLATFORM_SUFFIXES.items()},
            enterprises=enterprises, by_suffix=by_suffix,
            contacts={c.organization_id or 0: (c.name, c.phone) for c in contacts},
            leaders=[p.pk for p in leaders], counts=self.counts,
        )

    def _get_or_create_orgs(
        self, wanted: list[Organization]
    ) -> dict[tuple[str, str], Organization]:
        found = {(o.kind, o.name): o for o in Organization.objects.filter(
            name__in=[o.name for o in wanted])}
        new = [o for o in wanted if (o.kind, o.name) not in found]
        heads = {"office": None, "department": "11", "township": "11", "enterprise": "91"}
        for org in new:
            head = heads[org.kind]
            org.credit_code = self.uscc(head, self.code) if head else None
        _bulk(Organization, new)
        self.counts["organizations"] += len(new)
        found.update({(o.kind, o.name): o for o in new})
        return found


def _qianan_kind(name: str) -> str:
    if name in D.URBAN:
        return "urban"
    if name == "迁安经济开发区":
        return "zone"
    return "town" if name in D.INDUSTRIAL else "rural"


def _bulk(model: type[Model], objs: Iterable[Model]) -> None:
    objs = list(objs)
    model._default_manager.bulk_create(objs, batch_size=5000)
    if objs and objs[0].pk is None:  # pragma: no cover - SQLite < 3.35
        raise RuntimeError("this database does not return ids from bulk inserts")


def coordinate(value: float) -> Decimal:
    return Decimal(round(value * 1_000_000)).scaleb(-6)
