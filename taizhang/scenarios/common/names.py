"""Invented people and companies: the name parts, and the draws both scenarios make of them.

The Qian'an demo (qianan/plan.py) and the synthetic generator (synthetic/world.py) name
people, companies and contacts with these; each keeps its own RNG, so sharing them changes
neither's output. (Their phone numbers and credit codes are drawn differently; each keeps
its own draw, since changing one would move every row the demo has published.)
"""

from __future__ import annotations

import itertools
import random

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于"
            "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛"
            "闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("建国 建华 志强 志刚 海涛 海军 文军 立新 立华 晓东 晓明 晓燕 丽娜 丽华 秀英 秀兰 玉兰 "
         "桂芳 春梅 红霞 永刚 永军 永生 国华 国强 国庆 金龙 金山 宝山 宝军 振华 振东 振宇 "
         "俊杰 俊峰 浩然 子豪 思远 雪梅 雅琴 静怡 婷婷 鹏飞 鹏程 云飞 云龙 洪波 红军 卫东 卫国 "
         "长江 长城 学军 学文 德胜 德明 凤英 凤霞 淑珍 淑华 亚楠 亚军 少华 少军 新民 新华 "
         "庆丰 庆林 树林 树森 瑞峰 瑞华 胜利 占江 占山 福生 福海 宏亮 宏伟 嘉怡 佳琪 一鸣").split()
CONTACT_TITLES = ["项目经理", "副总经理", "办公室主任", "工程部部长", "总工程师", "综合部主任",
                  "项目负责人", "计划财务部部长"]
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                   "152", "155", "156", "157", "158", "159", "176", "177", "180", "181", "182",
                   "183", "185", "186", "187", "188", "189", "199"]

# Two-character trade names (字号) are drawn from these; BRAND_AVOID keeps out well-known ones.
BRAND_FIRST = "瑞恒宏鑫金华德盛嘉博泰鼎润昊兴腾汇天荣森晟永宝聚隆祥利信诚宇凯辰航卓元丰铭"
BRAND_SECOND = "丰达源泰通盛昌远诚润宇鑫隆基瑞成拓恒辉峰川业茂坤祥旺佳锦弘钰"
BRAND_AVOID = {"恒大", "华润", "中通", "荣盛", "汇通", "宇通", "华业", "天成", "金隆", "宝丰",
               "华通", "德隆", "永辉", "宝通", "恒通", "兴业", "泰达", "华远", "金茂", "天瑞",
               "鼎盛", "金源", "宏达", "荣昌", "昌盛", "丰源", "瑞丰", "华丰", "恒瑞", "华宇",
               "德润", "凯盛", "森达", "元丰", "博远", "利润", "信达", "鑫达", "永达", "华达",
               "汇源", "诚通", "宏源", "永泰", "宝成", "利达", "信诚"}
GOV_TITLES = ["科长", "副局长", "办公室主任", "项目负责人", "股长"]
TOWN_TITLES = ["副镇长", "经发办主任", "党委委员", "项目办主任"]
COMPANY_FORMS = (["有限公司", "股份有限公司", "有限责任公司"], [80, 8, 12])


def brand_names() -> list[str]:
    """Every two-character trade name, in a fixed order (the caller's RNG picks)."""
    return [a + b for a, b in itertools.product(BRAND_FIRST, BRAND_SECOND)
            if a != b and a + b not in BRAND_AVOID]


def company_form(rng: random.Random) -> str:
    """有限公司 mostly; 股份有限公司 and 有限责任公司 now and then."""
    return rng.choices(*COMPANY_FORMS)[0]


def contact_title(rng: random.Random, kind: str) -> str:
    """The title of an owner's contact: a department's, a township's or a company's."""
    if kind == "department":
        return rng.choice(GOV_TITLES)
    if kind == "township":
        return rng.choice(TOWN_TITLES)
    return rng.choice(CONTACT_TITLES)


def person_name(rng: random.Random, taken: set[str], *, tries: int | None = None) -> str:
    """A two- or three-character name not in `taken` (added to it). With `tries`, a name may
    repeat after that many draws, as names do in a large population."""
    name = ""
    for _ in range(tries) if tries is not None else itertools.count():
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in taken:
            break
    taken.add(name)
    return name
