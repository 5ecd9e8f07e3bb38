"""Investment attraction (招商引资) of the Qian'an demo: the article's 42 newly signed
attraction projects of 2022 (signed from January to July), some landed and some of those
started, plus leads still being negotiated or only just recorded.

The started ones are the ledger's own 2022 new starts (already in the demo, under
construction): each lead is linked to its project (`services.link_project`) rather than
creating a project, so the ledger's figures (284 projects, the planned total…) stay as they
are; its start is the project's actual start (the rule: "started" is derived). A few landed
leads are linked to pipeline projects (谋划 / 前期), the rest wait for the office to convert
them. Names, investors and amounts are invented; dates are drawn in one seeded stream:
registered, then 洽谈, signing, landing, each a few weeks after the one before.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q

from taizhang.accounts.models import Division
from taizhang.attraction import services
from taizhang.attraction.choices import LeadStage
from taizhang.attraction.models import Lead
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import Project

SEED = 20220714
TODAY = date(2022, 8, 31)  # the demo's "today" (the August reporting month)
SIGNED = 42  # newly signed attraction projects in 2022 (the article)
STARTED = 10  # of them started: linked to 2022 new starts of the ledger
LANDED_LINKED = 4  # landed and linked to a pipeline project, not started yet
LANDED_WAITING = 5  # landed, waiting to be converted
NEGOTIATING = 9
LEADS = 5
FIRST = date(2022, 1, 4)
LAST_SIGNING = date(2022, 7, 29)

CHANNELS = ("jingjin",) * 5 + ("industry_chain",) * 4 + ("business_referral",) * 3 + (
    "returning",) * 2 + ("other",)
ORIGINS = ("北京", "天津", "雄安", "深圳", "上海", "苏州", "济南", "石家庄", "廊坊", "香港")
INVESTORS = ("科技", "新材料", "实业", "能源", "智能装备", "投资", "环保", "食品", "物流", "医药")
PRODUCTS = (
    ("高端冷轧精密带钢", "C"), ("氢能装备制造", "C"), ("新能源汽车零部件", "C"),
    ("固废资源综合利用", "N"), ("冷链物流园", "G"), ("绿色建材产业园", "C"),
    ("数字经济产业园", "I"), ("光伏组件生产线", "C"), ("生物医药中试基地", "M"),
    ("特色农产品深加工", "C"), ("文旅康养综合体", "R"), ("智能仓储配送中心", "G"),
    ("高性能硅钢配套", "C"), ("再生铝合金", "C"), ("电子信息元器件", "C"),
)


def _lead_name(rng: random.Random, used: set[str]) -> tuple[str, str, str]:
    while True:
        origin = rng.choice(ORIGINS)
        product, industry = rng.choice(PRODUCTS)
        name = f"{origin}{rng.choice(INVESTORS)}{product}项目"
        if name not in used:
            used.add(name)
            first, second = rng.choice("华中金恒瑞鼎"), rng.choice("信泰元达盛源")
            investor = f"{origin}{first}{second}{rng.choice(INVESTORS)}有限公司"
            return name, investor, industry


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high) * 100).quantize(Decimal("0.01"))


def _before(day: date, rng: random.Random, low: int, high: int, floor: date) -> date:
    return max(floor, day - timedelta(days=rng.randint(low, high)))


def _walk(lead: Lead, office: Any, dates: dict[str, date], contract: Decimal) -> Lead:
    for stage in (LeadStage.NEGOTIATING, LeadStage.SIGNED, LeadStage.LANDED):
        if stage not in dates:
            break
        lead = services.advance(lead, stage, actor=office, expected_version=UNCHECKED,
                                on=dates[stage], contract_amount=contract, today=TODAY)
    return lead


def _dates_to_signing(signed: date, rng: random.Random) -> dict[str, date]:
    negotiating = _before(signed, rng, 10, 45, date(2021, 11, 1))
    registered = _before(negotiating, rng, 7, 40, date(2021, 10, 1))
    return {"registered": registered, LeadStage.NEGOTIATING: negotiating,
            LeadStage.SIGNED: signed}


def _dates_back_from(landed: date, rng: random.Random) -> dict[str, date]:
    """A lead that landed on `landed`: signed 15–60 days before (in 2022, by July)."""
    signed = min(_before(landed, rng, 15, 60, FIRST), LAST_SIGNING)
    return {**_dates_to_signing(signed, rng), LeadStage.LANDED: landed}


def _dates_forward(signed: date, rng: random.Random, landed: bool) -> dict[str, date]:
    dates = _dates_to_signing(signed, rng)
    if landed:
        dates[LeadStage.LANDED] = min(signed + timedelta(days=rng.randint(20, 60)), TODAY)
    return dates


def load(county: Division, office: Any) -> list[Lead]:
    rng = random.Random(SEED)
    towns = list(Division.objects.filter(parent=county).order_by("code"))
    in_county = county.subtree_q()
    # 2022 new starts begun from March (so signing and landing fit in 2022 before them).
    starts = list(Project.objects.filter(
        division__in=Division.objects.filter(in_county), stage=Stage.UNDER_CONSTRUCTION,
        actual_start__gte=date(2022, 3, 1), actual_start__lte=TODAY, parent__isnull=True,
    ).select_related("owner").order_by("actual_start", "pk"))
    chosen = sorted(rng.sample(starts, min(STARTED, len(starts))), key=lambda p: p.pk)
    pipeline = list(Project.objects.filter(
        Q(stage=Stage.PLANNING) | Q(stage=Stage.PRELIMINARY),
        division__in=Division.objects.filter(in_county), parent__isnull=True,
    ).select_related("owner").order_by("pk"))
    linked_pipeline = rng.sample(pipeline, min(LANDED_LINKED, len(pipeline)))
    used: set[str] = set()
    made: list[Lead] = []

    def create(name: str, investor: str, industry: str, division: Division, amount: Decimal,
               registered: date, enterprise: Any = None) -> Lead:
        return services.create_lead(
            actor=office, division=division, name=name, investor=investor,
            enterprise=enterprise, channel=rng.choice(CHANNELS), industry=industry,
            intended_investment=amount, registered_on=registered, today=TODAY)

    # Started: the lead landed some weeks before its project's actual start.
    for project in chosen:
        assert project.actual_start is not None  # filtered above
        landed = _before(project.actual_start, rng, 7, 40, date(2022, 2, 1))
        dates = _dates_back_from(landed, rng)
        lead = create(project.name, project.owner.name if project.owner else project.name,
                      project.industry, project.division, project.planned_total,
                      dates["registered"], project.owner)
        lead = _walk(lead, office, dates, project.planned_total)
        made.append(services.link_project(lead, project, actor=office,
                                          expected_version=UNCHECKED, today=TODAY))
    # Landed and linked to a project of the pipeline (not started).
    for project in linked_pipeline:
        signed = FIRST + timedelta(days=rng.randint(0, 120))
        dates = _dates_forward(signed, rng, landed=True)
        lead = create(project.name, project.owner.name if project.owner else project.name,
                      project.industry, project.division, project.planned_total,
                      dates["registered"], project.owner)
        lead = _walk(lead, office, dates, project.planned_total)
        made.append(services.link_project(lead, project, actor=office,
                                          expected_version=UNCHECKED, today=TODAY))
    # The other signed ones: some landed and waiting to be converted, the rest signed only.
    rest = SIGNED - len(chosen) - len(linked_pipeline)
    for i in range(rest):
        name, investor, industry = _lead_name(rng, used)
        intended = _amount(rng, 30, 800)
        signed = FIRST + timedelta(days=rng.randint(0, (LAST_SIGNING - FIRST).days))
        dates = _dates_forward(signed, rng, landed=i < LANDED_WAITING)
        lead = create(name, investor, industry, rng.choice(towns), intended,
                      dates["registered"])
        contract = (intended * Decimal(rng.choice(("0.8", "0.9", "1.0", "1.1")))).quantize(
            Decimal("0.01"))
        made.append(_walk(lead, office, dates, contract))
    # Still negotiating, and fresh leads.
    for i in range(NEGOTIATING + LEADS):
        name, investor, industry = _lead_name(rng, used)
        registered = date(2022, 3, 1) + timedelta(days=rng.randint(0, 150))
        lead = create(name, investor, industry, rng.choice(towns), _amount(rng, 20, 500),
                      registered)
        if i < NEGOTIATING:
            on = min(registered + timedelta(days=rng.randint(5, 40)), TODAY)
            lead = _walk(lead, office, {LeadStage.NEGOTIATING: on}, Decimal("0"))
        made.append(lead)
    return made


def reset(county_code: str) -> int:
    """The county's leads (and their steps), before the projects and accounts they name."""
    county = Division.objects.filter(code=county_code).first()
    if county is None:
        return 0
    leads = Lead.objects.filter(division__in=Division.objects.filter(county.subtree_q()))
    return leads.delete()[1].get("attraction.Lead", 0)
