"""A small financing world on top of the shared personas: a second bank with its officer,
a published and a draft need on Alice's project, an event, intentions of both banks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from taizhang.core.services import UNCHECKED

EVENT_DAY = date(2022, 7, 13)


@dataclass
class Fin:
    bank: Any  # eve's bank
    other_bank: Any
    frank: Any  # the other bank's officer
    published: Any
    draft: Any
    event: Any
    eve_intention: Any
    frank_intention: Any


def other_bank_user(world: Any) -> tuple[Any, Any]:
    from taizhang.accounts.choices import OrganizationKind, Role
    from taizhang.accounts.models import Organization, User
    from taizhang.accounts.security.passwords import mark_password_as_chosen

    bank = Organization.objects.create(kind=OrganizationKind.BANK, name="中国农业银行迁安市支行")
    user = User(username="frank", role=Role.BANK, organization=bank, division=world.county)
    user.set_password("pw-frank")
    mark_password_as_chosen(user)
    user.save()
    return bank, user


def build(world: Any) -> Fin:
    from taizhang.financing import services

    other_bank, frank = other_bank_user(world)
    published = services.create_need(world.alice_project, actor=world.office,
                                     amount=Decimal("3000"), purpose="流动资金-PUBLISHED",
                                     term_months=36, deadline=date(2022, 9, 30))
    published = services.publish_need(published, actor=world.office,
                                      expected_version=UNCHECKED)
    draft = services.create_need(world.bob_project, actor=world.bob, amount=Decimal("500.5"),
                                 purpose="设备购置-DRAFT", term_months=12)
    event = services.record_event(world.county, actor=world.office, date=EVENT_DAY,
                                  title="迁安市银企对接会", place="市会议中心",
                                  banks=[world.eve.organization, other_bank],
                                  firms=[world.alice_org, world.bob_org])
    eve_intention = services.record_intention(actor=world.eve, need=published,
                                              amount=Decimal("1000"), date=EVENT_DAY)
    frank_intention = services.record_intention(
        actor=world.office, event=event, bank=other_bank, project=world.bob_project,
        amount=Decimal("777.77"), date=EVENT_DAY, note="FRANK-ONLY")
    return Fin(world.eve.organization, other_bank, frank, published, draft, event,
               eve_intention, frank_intention)
