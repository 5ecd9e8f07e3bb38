"""The Qian'an demo's financing: the 13 July 2022 matchmaking event with several banks and
exactly 18 loan intentions (the article's figure), published needs, signed loans; the demo's
bank login sees its own bank's and never another's."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client

from taizhang.accounts.models import User
from taizhang.financing.choices import NeedStatus
from taizhang.financing.models import FinancingNeed, Loan, LoanIntention, MatchmakingEvent
from taizhang.scenarios.qianan import data as D

pytestmark = pytest.mark.django_db


def test_stats_show_the_18_intentions_of_july():
    out = io.StringIO()
    call_command("stats", "--period", "2022-07", "--json", stdout=out)
    section = json.loads(out.getvalue())["financing"]
    assert section["intentions"] == 18
    assert section["needs"] == 4
    assert section["signed_loans"] == 1  # one in July, the rest in August
    whole, cents = section["intention_amount_wan"].split(".")
    assert int(whole) > 0 and len(cents) == 2
    out = io.StringIO()
    call_command("stats", "--period", "2022-06", "--json", stdout=out)
    assert json.loads(out.getvalue())["financing"]["intentions"] == 0


def test_the_event_of_13_july_with_its_banks_and_firms():
    (event,) = MatchmakingEvent.objects.all()
    assert event.date == date(2022, 7, 13)
    assert event.banks.count() == 5
    assert LoanIntention.objects.filter(event=event).count() == 18
    assert LoanIntention.objects.values("bank").distinct().count() == 5
    # Small and micro firms without a key project, and project owners.
    assert LoanIntention.objects.filter(project__isnull=True).count() == 6
    assert LoanIntention.objects.filter(project__isnull=False).count() == 12
    assert FinancingNeed.objects.filter(status=NeedStatus.DRAFT).count() == 1
    assert Loan.objects.count() == 4


def test_the_bank_login_sees_its_own_bank_only():
    bank = User.objects.get(username="bank")
    assert bank.organization.name == D.BANKS[0]
    own = LoanIntention.objects.restrict(bank, "view")
    assert own.exists() and not own.exclude(bank=bank.organization).exists()
    assert not FinancingNeed.objects.restrict(bank, "view").filter(
        status=NeedStatus.DRAFT).exists()
    client = Client()
    client.force_login(bank)
    home = client.get("/").content.decode()
    assert "financing-panel" in home
    others = LoanIntention.objects.exclude(bank=bank.organization).exclude(
        enterprise__in=own.values("enterprise"))
    for intention in others[:5]:
        assert intention.enterprise.name not in home
