"""Project templates: how invented project names and contents look (the Qian'an demo and the
synthetic generator draw their projects from them).

A template fills `{b}` (the owner's trade name), `{t}` (township), `{r}`/`{r2}` (roads),
`{e}` (estate), `{o}` (ordinal), `{v}` (village) and its own numeric parameters. `owner` is an
enterprise-name suffix, or `platform:<key>`, `dept:<name>`, `township` (the township's
government). `works` picks the image-progress phrases of the monthly reports.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from taizhang.scenarios.qianan import data as D


@dataclass(frozen=True)
class Template:
    name: str
    scale: str
    industry: str  # GB/T 4754 section
    division: str  # GB/T 4754 two-digit division (the project code's DD)
    ptype: str
    nature: str
    owner: str
    units: tuple[str, ...]
    total: tuple[int, int]  # planned total range, 万元
    count: int
    place: str = "industrial"  # industrial | urban | rural | any
    works: str = "factory"
    params: dict[str, Any] = field(default_factory=dict)


def T(name: str, scale: str, ind: str, dd: str, ptype: str, nature: str, owner: str,
      units: Sequence[str], total: tuple[int, int], count: int, **kw: Any) -> Template:
    return Template(name, scale, ind, dd, ptype, nature, owner, tuple(units), total, count, **kw)


IND, INFRA, SOC, RE, SERV, AGRI = ("industry", "infrastructure", "social", "real_estate",
                                   "services", "agriculture")
GX, FG, ZJ, JT, SW, NY, WL, JY, WJ = ("迁安市工信局", "迁安市发改局", "迁安市住建局",
                                      "迁安市交通运输局", "迁安市水务局", "迁安市农业农村局",
                                      "迁安市文旅局", "迁安市教育局", "迁安市卫健局")
TWN = "township"
# Image-progress phrases, in order, for each kind of works.
PHASES: dict[str, list[str]] = {
    "factory": ["场地平整、临时设施搭建", "桩基及设备基础施工", "主厂房基础施工",
                "主厂房钢结构安装", "厂房围护结构施工", "主要设备安装", "设备安装及管线敷设",
                "单机调试", "联动试车"],
    "upgrade": ["施工准备及旧设备拆除", "基础改造施工", "新设备就位安装", "电气仪表安装",
                "系统调试"],
    "building": ["基坑开挖及支护", "基础施工", "地下室结构施工", "主体结构施工", "主体结构封顶",
                 "二次结构及外墙保温施工", "室内装修及机电安装", "室外配套工程施工"],
    "linear": ["管线迁改及征拆", "路基土方施工", "雨污水管网铺设", "水稳基层施工", "沥青面层摊铺",
               "路灯、绿化等附属设施施工"],
    "pipe": ["管材进场及沟槽开挖", "管道铺设", "阀门井及附属构筑物施工", "管道试压", "路面恢复"],
    "solar": ["场区平整及道路施工", "支架基础施工", "支架及组件安装", "逆变器及箱变安装",
              "集电线路施工", "并网调试"],
    "farm": ["土地平整", "道路及水电配套施工", "主体设施建设", "设备安装", "配套设施完善"],
    "mine": ["井巷工程施工", "选矿厂房建设", "采选设备安装", "尾矿及排土配套工程", "联合试运转"],
}


def fill_values(rng: random.Random, tpl: Template, town: str, others: list[str]) -> dict[str, Any]:
    """Values for a template's placeholders; the order of draws keeps every seed's output."""
    values: dict[str, Any] = {k: rng.choice(v) if isinstance(v, list) else v
                              for k, v in tpl.params.items()}
    r1, r2, r3 = rng.sample(D.ROADS, 3)
    values.setdefault("r", r1)
    values.setdefault("r2", r2)
    values.setdefault("r3", r3)
    values.setdefault("t", town)
    values.setdefault("t2", rng.choice(others))
    values.setdefault("e", rng.choice(D.ESTATES))
    values.setdefault("o", rng.choice(D.ORDINALS[2:]))
    values.setdefault("v", rng.choice(D.VILLAGES))
    values.setdefault("m", rng.choice([50, 80, 120, 150, 200, 260, 300, 450]))
    values.setdefault("a", rng.choice([8000, 12000, 18000, 26000, 35000, 52000, 68000,
                                       86000, 120000]))
    values.setdefault("k", rng.choice([12, 16, 24, 36, 48, 60, 85]))
    values.setdefault("l", rng.choice([1, 2]))
    values.setdefault("km", rng.choice([2.6, 3.8, 5.2]))
    return values
