"""Financing in the Qian'an 2022 demo: the bank–enterprise matchmaking event of 13 July 2022
(银企对接会) with five banks and exactly 18 loan intentions (the article's figure) from small
and micro firms and project owners; the needs the office published to banks before it (and
one still a draft); some loans signed on those intentions in July and August and the first
disbursements.

Through financing's services, as the office; the demo's `bank` login works for 唐山银行迁安支行
(data.BANKS[0]), which has intentions and a loan of its own and can record more against the
published needs. Amounts, firms and dates are invented (only the 18 is the article's).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q

from taizhang.accounts.choices import OrganizationKind
from taizhang.accounts.models import Division, Organization
from taizhang.core.codes import uscc_check_char
from taizhang.core.services import UNCHECKED
from taizhang.financing import services
from taizhang.financing.models import (
    FinancingNeed,
    Loan,
    LoanIntention,
    MatchmakingEvent,
)
from taizhang.ledger.models import Project
from taizhang.scenarios.qianan import data as D
from taizhang.scenarios.qianan.reports import TZ

SEED = 20220713
EVENT = ("迁安市2022年银企对接会暨重点项目融资推介会", date(2022, 7, 13),
         "迁安市行政服务中心会议室")
EXTRA_BANK = "河北银行迁安支行"
# (bank, intentions at the event): 18 in all. The demo's bank login works for the first.
INTENTIONS_PER_BANK = [(D.BANKS[0], 5), (D.BANKS[1], 4), (D.BANKS[3], 4), (EXTRA_BANK, 3),
                       (D.BANKS[2], 2)]
INTENTIONS = 18
# Small and micro firms invited without a key project (invented names).
SMALL_FIRMS = ["迁安市鑫源机械配件有限公司", "迁安市恒瑞包装制品有限公司",
               "迁安市绿禾农产品加工有限公司", "迁安市宏达物流有限公司", "迁安市金穗食品有限公司",
               "迁安市博创电子科技有限公司"]
PURPOSES = ["项目建设流动资金", "设备购置", "厂房建设", "技术改造", "原材料采购"]
# (purpose, amount, term in months, needed by, published on): None = still a draft.
NEEDS = [
    ("项目建设资金缺口", Decimal("12000.00"), 60, date(2022, 10, 31), date(2022, 6, 20)),
    ("设备购置贷款", Decimal("5000.00"), 36, date(2022, 9, 30), date(2022, 6, 28)),
    ("流动资金贷款", Decimal("3000.00"), 12, date(2022, 8, 31), date(2022, 7, 5)),
    ("技术改造专项贷款", Decimal("8000.00"), 48, date(2022, 12, 31), date(2022, 7, 8)),
    ("厂房建设贷款", Decimal("2600.00"), 36, date(2022, 11, 30), None),
]
SIGNED = [(0, date(2022, 7, 28)), (2, date(2022, 8, 5)), (5, date(2022, 8, 12)),
          (9, date(2022, 8, 19))]  # (intention index, signed on)


def _credit_code(index: int) -> str:
    first17 = f"91130283MA0FN{index:04d}"
    return first17 + uscc_check_char(first17)


def _orgs(county: Division) -> tuple[dict[str, Organization], list[Organization]]:
    bank, _made = Organization.objects.get_or_create(
        kind=OrganizationKind.BANK, name=EXTRA_BANK,
        defaults={"division": county, "credit_code": None})
    banks = {o.name: o for o in Organization.objects.filter(
        kind=OrganizationKind.BANK, name__in=[name for name, _n in INTENTIONS_PER_BANK])}
    banks[EXTRA_BANK] = bank
    firms = []
    for index, name in enumerate(SMALL_FIRMS, start=1):
        firm, _made = Organization.objects.get_or_create(
            kind=OrganizationKind.ENTERPRISE, name=name,
            defaults={"division": county, "credit_code": _credit_code(index)})
        firms.append(firm)
    return banks, firms


def load(county: Division, office: Any, projects: dict[str, Project]) -> None:
    rng = random.Random(SEED)
    banks, small_firms = _orgs(county)
    # Projects of enterprises under construction or about to start: those that borrow.
    candidates = list(
        Project.objects.filter(pk__in=[p.pk for p in projects.values()],
                               owner__kind=OrganizationKind.ENTERPRISE,
                               stage__in=("under_construction", "preliminary"))
        .select_related("owner", "division").order_by("code"))
    chosen = rng.sample(candidates, 12)
    needs = []
    for (purpose, amount, term, deadline, published_on), project in zip(
            NEEDS, chosen, strict=False):
        need = services.create_need(project, actor=office, amount=amount, purpose=purpose,
                                    term_months=term, deadline=deadline)
        if published_on is not None:
            need = services.publish_need(need, actor=office, expected_version=UNCHECKED)
            stamp = datetime.combine(published_on, time(10, 0), tzinfo=TZ)
            FinancingNeed.objects.filter(pk=need.pk).update(published_at=stamp)
            need.refresh_from_db()
        needs.append(need)
    published = [n for n in needs if n.status == "published"]
    title, day, place = EVENT
    event = services.record_event(
        county, actor=office, date=day, title=title, place=place, banks=list(banks.values()),
        firms=[p.owner for p in chosen] + small_firms)
    # 18 intentions: 12 project owners (4 against the published needs) and 6 small firms.
    borrowers: list[tuple[Project | None, Organization | None]] = (
        [(p, None) for p in chosen] + [(None, f) for f in small_firms])
    rng.shuffle(borrowers)
    bank_names = [name for name, n in INTENTIONS_PER_BANK for _i in range(n)]
    intentions = []
    for bank_name, (borrower, firm) in zip(bank_names, borrowers, strict=True):
        answered = next((n for n in published
                         if borrower is not None and n.project_id == borrower.pk), None)
        if firm is not None:
            amount = Decimal(rng.choice([100, 200, 300, 500, 800]))
        else:
            amount = Decimal(rng.randrange(10, 120) * 50)
        intentions.append(services.record_intention(
            actor=office, event=event, bank=banks[bank_name], project=borrower,
            enterprise=firm, need=answered, amount=amount, date=day, note=rng.choice(PURPOSES)))
    assert len(intentions) == INTENTIONS
    for index, signed_on in SIGNED:
        intention = intentions[index]
        loan = services.sign_loan(actor=office, intention=intention, amount=intention.amount,
                                  signed_on=signed_on, term_months=rng.choice([12, 24, 36]))
        first = (loan.amount * Decimal("0.6")).quantize(Decimal("0.01"))
        services.record_disbursement(loan, actor=office, amount=first,
                                     date=signed_on + timedelta(days=7))


def reset(county_code: str) -> None:
    """Remove the county's financing rows (a loan's disbursements with it) and the
    organizations this module made."""
    county = Q(division__code=county_code) | Q(division__parent__code=county_code)
    Loan.objects.filter(county).delete()
    LoanIntention.objects.filter(county).delete()
    FinancingNeed.objects.filter(county).delete()
    MatchmakingEvent.objects.filter(county).delete()
    Organization.objects.filter(name__in=[EXTRA_BANK, *SMALL_FIRMS]).delete()
