"""The Qian'an demo's catalogue of support policies (惠企政策清单): exactly 117 policies (the
article's figure) with invented, plausible titles from national, Hebei, Tangshan and Qian'an
issuers and real-looking eligibility; every enterprise owner gets a size and some tags; one
matching run in July 2022 pushes the policies to the firms that qualify; some owners with a
login applied and a few were granted.

Plausible, not published (DOMAIN.md: only the article's figures are): titles come from
templates, eligibility from each theme, all in one seeded random stream of its own. Through
the services, as the office; the timestamps are then set in July 2022, when the article was
written.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from taizhang.accounts.choices import OrganizationKind
from taizhang.accounts.models import Division, Organization
from taizhang.core.services import UNCHECKED
from taizhang.ledger.models import Project
from taizhang.policies import services
from taizhang.policies.models import MatchRun, Policy, Push

SEED = 20220714
CATALOGUE = 117  # "117 policies in the list"
RUN_DAY = date(2022, 7, 20)  # a week after the 13 July matchmaking event

ISSUERS = {
    "national": ["国家发展和改革委员会", "工业和信息化部", "财政部", "国家税务总局", "科学技术部"],
    "provincial": ["河北省发展和改革委员会", "河北省工业和信息化厅", "河北省财政厅",
                   "河北省科学技术厅", "河北省商务厅"],
    "city": ["唐山市人民政府", "唐山市发展和改革委员会", "唐山市工业和信息化局",
             "唐山市科学技术局"],
    "county": ["迁安市人民政府", "迁安市工业和信息化局", "迁安市发展和改革局", "迁安市财政局",
               "迁安市科学技术局", "迁安市商务局", "迁安市农业农村局"],
}
HOW_TO_APPLY = "登录河北政务服务网提交申请材料，或到迁安市政务服务中心窗口办理。"
SUFFIXES = ["若干措施", "实施细则", "奖补办法", "扶持政策", "专项资金管理办法", "实施意见"]


@dataclass(frozen=True)
class Theme:
    phrase: str
    benefit: str
    industries: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    minimum: int | None = None  # 万元
    key_level: int | None = None
    tags: tuple[str, ...] = ()
    free: bool = False  # 免申即享
    local: bool = False  # a county policy of one or two townships (parks, streets)
    levels: tuple[str, ...] = field(default=("national", "provincial", "city", "county"))


THEMES = [
    Theme("支持工业企业技术改造", "按设备购置额的10%给予补助，单个项目最高500万元", ("C",),
          minimum=1000),
    Theme("促进中小微企业高质量发展", "给予贷款贴息和担保费补贴", sizes=("small", "micro")),
    Theme("鼓励企业加大研发投入", "按研发费用增量的20%给予奖励", tags=("高新技术企业",)),
    Theme("培育专精特新中小企业", "一次性奖励50万元", sizes=("medium", "small"),
          tags=("专精特新",)),
    Theme("重点项目贷款贴息", "按贷款市场报价利率的50%贴息", key_level=1),
    Theme("省重点项目要素保障", "优先保障用地、用能指标", key_level=3,
          levels=("provincial",)),
    Theme("鼓励重点项目加快开工建设", "新开工项目按当年完成投资的1%奖励",
          stages=("under_construction",), minimum=5000),
    Theme("谋划储备项目前期工作经费", "前期工作经费补助，最高100万元",
          stages=("planning", "preliminary")),
    Theme("钢铁行业超低排放改造", "完成改造验收后给予奖补", ("C",), minimum=10000,
          sizes=("large",)),
    Theme("推进制造业数字化转型", "智能化改造项目按软硬件投入的15%补助", ("C", "I")),
    Theme("物流业降本增效", "对新建物流园区按投资额给予奖励", ("G", "F")),
    Theme("支持现代农业产业园建设", "给予基础设施建设补助", ("A",)),
    Theme("促进文旅融合发展", "对新评定A级景区给予一次性奖励", ("R", "H")),
    Theme("稳岗就业", "按企业上年度实际缴纳失业保险费的50%返还", free=True),
    Theme("阶段性减免城镇土地使用税", "符合条件的企业自动减免，无需申请", free=True,
          levels=("county",)),
    Theme("迁安经济开发区招商引资", "入园项目按固定资产投资给予奖励", minimum=2000, local=True,
          levels=("county",)),
    Theme("绿色建筑和装配式建筑", "按建筑面积给予补助", ("E", "K")),
    Theme("新能源和氢能产业发展", "对示范项目给予设备补助", ("C", "D"), minimum=3000),
    Theme("小微企业首贷续贷", "给予首贷贴息和风险补偿", sizes=("micro", "small"), free=True),
    Theme("外贸企业稳订单拓市场", "对参加境外展会的企业给予展位费补助", tags=("外贸企业",)),
]
SIZES = ["large", "medium", "small", "micro"]
TAGS = ["高新技术企业", "专精特新", "外贸企业", "科技型中小企业"]


def _title(rng: random.Random, theme: Theme, issuer: str, n: int) -> str:
    batch = f"（{n}）" if n > 1 else ""
    return f"{issuer}关于{theme.phrase}的{rng.choice(SUFFIXES)}{batch}"


def load(county: Division, office: Any, owners: dict[str, Any]) -> MatchRun:
    """The catalogue, the profiles and one run; `owners`: demo owner logins by firm name."""
    rng = random.Random(SEED)
    towns = list(Division.objects.filter(county.subtree_q(), level="township").order_by("code"))
    park = [t for t in towns if t.name == "迁安经济开发区"] or towns[:1]
    seen: dict[str, int] = {}
    for i in range(CATALOGUE):
        theme = THEMES[i % len(THEMES)]
        level = theme.levels[rng.randrange(len(theme.levels))] if not theme.local else "county"
        issuer = rng.choice(ISSUERS[level])
        key = f"{issuer}{theme.phrase}"
        seen[key] = seen.get(key, 0) + 1
        deadline = None if theme.free else date(2022, 9, 30) + timedelta(days=rng.randrange(450))
        services.save_policy(
            county, actor=office, expected_version=0, title=_title(rng, theme, issuer, seen[key]),
            issuer=issuer, level=level, benefit=theme.benefit, deadline=deadline,
            how_to_apply="" if theme.free else HOW_TO_APPLY,
            contact=f"{issuer}政策咨询 0315-76{rng.randrange(10000, 99999)}",
            grant_without_application=theme.free, industries=list(theme.industries),
            sizes=list(theme.sizes), stages=list(theme.stages),
            min_investment=Decimal(theme.minimum) if theme.minimum else None,
            key_level=theme.key_level, tags=list(theme.tags),
            townships=park if theme.local else [])
    firms = Organization.objects.filter(
        kind=OrganizationKind.ENTERPRISE,
        pk__in=Project.objects.filter(county.subtree_q("division__")).values("owner_id"),
    ).order_by("name")
    for firm in firms:
        size = rng.choices(SIZES, weights=[2, 3, 4, 2])[0]
        tags = [tag for tag in TAGS if rng.random() < 0.2]
        services.save_profile(firm, actor=office, expected_version=UNCHECKED, size=size,
                              tags=tags)
    run = services.run_matching(county, actor=office, today=RUN_DAY)
    _backdate(rng, county, owners, office)
    return run


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randrange(1, 9), rng.randrange(60),
                    tzinfo=UTC)  # 09:00–17:00 in Beijing


def _backdate(rng: random.Random, county: Division, owners: dict[str, Any],
              office: Any) -> None:
    """The run and its pushes on RUN_DAY; owners with a login read and apply for some, the
    office granted a few: through the services, then dated in July 2022."""
    # By the policies' ids, not a join: the pushes were written a moment ago in this
    # transaction, and an UPDATE over a join planned on statistics that know none of them
    # nested loops past the statement timeout (core/dbstats.py).
    policy_ids = list(Policy.objects.filter(division=county).values_list("pk", flat=True))
    Push.objects.filter(policy_id__in=policy_ids).update(pushed_at=_at(RUN_DAY, rng))
    pushes = Push.objects.filter(policy_id__in=policy_ids).select_related("policy", "enterprise")
    MatchRun.objects.filter(division=county).update(started_at=_at(RUN_DAY, rng),
                                                    finished_at=_at(RUN_DAY, rng))
    for name, user in sorted(owners.items()):
        own = [p for p in pushes if p.enterprise.name == name
               and not p.policy.grant_without_application]
        for n, push in enumerate(own[:3]):
            services.mark_read(push, user=user)
            if n < 2:
                services.mark_applied(push, actor=user)
            if n == 0:
                services.mark_granted(push, actor=office)
    for push in Push.objects.filter(policy__division=county, read_at__isnull=False):
        day = RUN_DAY + timedelta(days=rng.randrange(1, 4))
        Push.objects.filter(pk=push.pk).update(
            read_at=_at(day, rng),
            applied_at=_at(day + timedelta(days=2), rng) if push.applied_at else None,
            granted_at=_at(day + timedelta(days=8), rng) if push.granted_at else None)


def reset(county_code: str) -> None:
    """What the demo's policies keep of its county (pushes and profiles go with the firms)."""
    MatchRun.objects.filter(division__code=county_code).delete()
    Policy.objects.filter(division__code=county_code).delete()
