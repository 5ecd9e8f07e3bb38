"""Leads on the `world`'s county, walked through their stages by the office."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from taizhang.attraction import services
from taizhang.attraction.choices import LeadStage
from taizhang.attraction.models import Lead
from taizhang.core.services import UNCHECKED

TODAY = date(2022, 8, 31)


def lead(world, name: str = "京津新材料产业园", *, registered: date = date(2022, 1, 10),
         channel: str = "jingjin", enterprise=None, division=None,
         amount: str = "30000.00") -> Lead:
    return services.create_lead(
        actor=world.office, division=division or world.town, name=name, investor="北京某投资集团",
        enterprise=enterprise, channel=channel, industry="C",
        intended_investment=Decimal(amount), registered_on=registered, today=TODAY)


def walk(world, found: Lead, *, negotiating: date | None = None, signed: date | None = None,
         landed: date | None = None, contract: str = "28000.00") -> Lead:
    """Advance through the given stages in order."""
    for stage, on in ((LeadStage.NEGOTIATING, negotiating), (LeadStage.SIGNED, signed),
                      (LeadStage.LANDED, landed)):
        if on is None:
            break
        found = services.advance(found, stage, actor=world.office, expected_version=UNCHECKED,
                                 on=on, contract_amount=Decimal(contract), today=TODAY)
    return found
