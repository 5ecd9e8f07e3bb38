"""Leaders, responsible units, contacts and demo accounts of the Qian'an 2022 demo."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from taizhang.scenarios.common import names
from taizhang.scenarios.qianan import data as D

if TYPE_CHECKING:
    from taizhang.scenarios.qianan.plan import PersonSpec, ProjectSpec, _Builder

STEEL_DIVISIONS = {"31", "25", "08"}
DOMAIN_LEADERS = {
    "steel": ["冯德全"],
    "industry": ["杨宏伟", "韩志勇", "郑晓东"],
    "services": ["韩志勇", "苏海峰", "邓立国"],
    "infrastructure": ["郑晓东", "许明哲", "魏长青"],
    "social": ["曹玉梅", "吕振江"],
    "real_estate": ["郑晓东", "邓立国", "谢文斌"],
    "agriculture": ["许明哲", "魏长青", "唐国栋", "罗春生"],
}
OTHER_LEADERS = ["谢文斌", "唐国栋", "罗春生"]


def _domain(p: ProjectSpec) -> str:
    if p.ptype == "industry" and (p.gb_division in STEEL_DIVISIONS or p.industry == "B"):
        return "steel"
    return p.ptype


def assign_people(b: _Builder, projects: list[ProjectSpec]) -> None:
    rng = b.rng
    top = sorted((p for p in projects if p.owner != D.YANYANG_OWNER), key=lambda p: -p.total)[:10]
    for p in projects:
        if p.owner == D.YANYANG_OWNER:
            p.leader = D.DEMO_LEADER
        elif p in top:
            p.leader = "周立新" if top.index(p) % 2 == 0 else "孙建华"
        elif rng.random() < 0.08:
            p.leader = rng.choice(OTHER_LEADERS)
        else:
            p.leader = rng.choice(DOMAIN_LEADERS[_domain(p)])
        if p.unit == "township":
            p.unit = p.township
        title = names.contact_title(rng, b.orgs[p.owner].kind)
        p.contact = _contact(b, p.owner, title)
        lat, lon = b.centres[p.township]
        p.lat = Decimal(f"{lat + rng.uniform(-0.02, 0.02):.6f}")
        p.lon = Decimal(f"{lon + rng.uniform(-0.02, 0.02):.6f}")


def _contact(b: _Builder, org: str, title: str) -> PersonSpec:
    from taizhang.scenarios.qianan.plan import PersonSpec

    cached = b.contacts.get(org)
    if cached is not None and b.rng.random() < 0.7:
        return cached  # one contact usually answers for all of a company's projects
    person = PersonSpec(b.person_name(), title, b.mobile(), org)
    b.contacts.setdefault(org, person)
    return person


def demo_users(
    b: _Builder, projects: list[ProjectSpec], extra_owners: list[str]
) -> dict[str, dict[str, str | None]]:
    yanyang = next(p for p in projects if p.owner == D.YANYANG_OWNER)
    assert yanyang.contact is not None
    users: dict[str, dict[str, str | None]] = {
        "office": {"role": "office_admin", "org": D.OFFICE, "last": "刘", "first": "晓燕"},
        "leader": {"role": "leader", "person": D.DEMO_LEADER, "last": "冯", "first": "德全"},
        "unit": {"role": "unit_staff", "org": "迁安市工信局", "last": "高", "first": "振宇"},
        "owner": {"role": "owner", "org": D.YANYANG_OWNER, "person": yanyang.contact.name,
                  "last": yanyang.contact.name[0], "first": yanyang.contact.name[1:]},
        "bank": {"role": "bank", "org": D.BANKS[0], "last": "孟", "first": "佳琪"},
        "viewer": {"role": "viewer", "last": "袁", "first": "静怡"},
    }
    for username, org in zip(D.EXTRA_OWNER_USERS, extra_owners, strict=True):
        contact = next(p.contact for p in projects if p.owner == org and p.contact)
        users[username] = {"role": "owner", "org": org, "person": contact.name,
                           "last": contact.name[0], "first": contact.name[1:]}
    return users
