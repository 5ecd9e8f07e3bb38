"""Financing's services and scope: who may do what, the need's life, the figures (run on
SQLite and on PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED, ConcurrentEdit, ServiceError
from taizhang.financing import figures, services
from taizhang.financing.choices import NeedStatus as S
from taizhang.financing.models import FinancingNeed, Loan, LoanIntention, MatchmakingEvent
from taizhang.financing.tests.helpers import EVENT_DAY, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def fin(world):
    return build(world)


def ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_scope_of_needs(world, fin):
    def seen(user):
        return ids(FinancingNeed.objects.restrict(user, "view"))

    both = {fin.published.pk, fin.draft.pk}
    assert seen(world.office) == both
    assert seen(world.eve) == seen(fin.frank) == {fin.published.pk}  # never the draft
    assert seen(world.alice) == {fin.published.pk}
    assert seen(world.bob) == {fin.draft.pk}
    assert seen(world.victor) == both
    assert seen(world.carol) == {fin.published.pk}  # the projects she leads
    assert seen(world.dave) == set()
    # Changing: the office; an owner only its own draft; a bank nothing.
    assert ids(FinancingNeed.objects.restrict(world.bob, "change")) == {fin.draft.pk}
    assert ids(FinancingNeed.objects.restrict(world.alice, "change")) == set()
    assert ids(FinancingNeed.objects.restrict(world.eve, "change")) == set()


def test_a_bank_sees_only_its_own_intentions_and_loans(world, fin):
    loan = services.sign_loan(actor=world.office, intention=fin.frank_intention,
                              amount=Decimal("700"), signed_on=date(2022, 8, 1), term_months=24)
    for model in (LoanIntention, Loan):
        assert not model.objects.restrict(world.eve, "view").filter(bank=fin.other_bank).exists()
    assert ids(LoanIntention.objects.restrict(world.eve, "view")) == {fin.eve_intention.pk}
    assert ids(LoanIntention.objects.restrict(fin.frank, "view")) == {fin.frank_intention.pk}
    assert ids(Loan.objects.restrict(fin.frank, "view")) == {loan.pk}
    assert ids(Loan.objects.restrict(world.eve, "view")) == set()
    # Owners: their firm's; the office and readers all; a unit nothing.
    assert ids(LoanIntention.objects.restrict(world.alice, "view")) == {fin.eve_intention.pk}
    assert ids(Loan.objects.restrict(world.bob, "view")) == {loan.pk}
    assert len(ids(LoanIntention.objects.restrict(world.office, "view"))) == 2
    assert ids(LoanIntention.objects.restrict(world.dave, "view")) == set()
    # Events: a bank those it was invited to.
    assert ids(MatchmakingEvent.objects.restrict(world.eve, "view")) == {fin.event.pk}


def test_a_bank_records_only_against_a_published_need_and_for_its_own_bank(world, fin):
    with pytest.raises(PermissionDenied):  # a draft is not in its scope
        services.record_intention(actor=world.eve, need=fin.draft, amount=1, date=EVENT_DAY)
    with pytest.raises(PermissionDenied):  # not at an event
        services.record_intention(actor=world.eve, event=fin.event, bank=fin.bank,
                                  enterprise=world.alice_org, amount=1, date=EVENT_DAY)
    made = services.record_intention(actor=world.eve, need=fin.published, bank=fin.other_bank,
                                     amount=Decimal("2"), date=EVENT_DAY)
    assert made.bank == fin.bank  # the bank named is ignored: always its own
    assert made.enterprise == world.alice_org and made.project == world.alice_project
    for who in (world.alice, world.dave, world.victor, world.carol):
        with pytest.raises(PermissionDenied):
            services.record_intention(actor=who, need=fin.published, amount=1, date=EVENT_DAY)
    assert AuditEvent.objects.filter(action="loan_intention.recorded").count() == 3


def test_the_needs_life(world, fin):
    need = services.update_need(fin.draft, actor=world.bob, expected_version=fin.draft.version,
                                amount=Decimal("600"))
    assert need.amount == Decimal("600.00")
    with pytest.raises(ConcurrentEdit):
        services.update_need(need, actor=world.office, expected_version=1, purpose="x")
    for who in (world.bob, world.eve, world.alice):
        with pytest.raises(PermissionDenied):
            services.publish_need(need, actor=who, expected_version=UNCHECKED)
    need = services.publish_need(need, actor=world.office, expected_version=need.version)
    assert need.status == S.PUBLISHED and need.published_at is not None
    with pytest.raises(PermissionDenied):  # the owner no longer edits it
        services.update_need(need, actor=world.bob, expected_version=UNCHECKED, amount=1)
    with pytest.raises(ServiceError):
        services.publish_need(need, actor=world.office, expected_version=UNCHECKED)
    with pytest.raises(PermissionDenied):  # alice cannot draft for bob's project
        services.create_need(world.bob_project, actor=world.alice, amount=1, purpose="x",
                             term_months=1)
    with pytest.raises(ServiceError) as refused:
        services.create_need(world.alice_project, actor=world.alice, amount=0, purpose="x",
                             term_months=1)
    assert refused.value.field == "amount"
    closed = services.close_need(need, actor=world.office, expected_version=UNCHECKED)
    assert closed.status == S.CLOSED
    assert not FinancingNeed.objects.restrict(world.eve, "view").filter(pk=need.pk).exists()


def test_signing_matches_the_need_and_disbursements_stay_within_the_loan(world, fin):
    with pytest.raises(PermissionDenied):
        services.sign_loan(actor=world.eve, intention=fin.eve_intention, amount=1,
                           signed_on=EVENT_DAY, term_months=12)
    loan = services.sign_loan(actor=world.office, intention=fin.eve_intention,
                              amount=Decimal("900"), signed_on=date(2022, 7, 20), term_months=36)
    assert FinancingNeed.objects.get(pk=fin.published.pk).status == S.MATCHED
    with pytest.raises(ServiceError):  # once per intention
        services.sign_loan(actor=world.office, intention=fin.eve_intention, amount=1,
                           signed_on=EVENT_DAY, term_months=12)
    services.record_disbursement(loan, actor=world.office, date=date(2022, 7, 25),
                                 amount=Decimal("600"))
    with pytest.raises(ServiceError) as refused:
        services.record_disbursement(loan, actor=world.office, date=date(2022, 8, 1),
                                     amount=Decimal("300.01"))
    assert refused.value.field == "amount"
    with pytest.raises(ServiceError):
        services.record_disbursement(loan, actor=world.office, date=date(2022, 7, 1), amount=1)
    with pytest.raises(PermissionDenied):
        services.record_disbursement(loan, actor=world.eve, date=date(2022, 8, 1), amount=1)
    assert loan.disbursements.count() == 1


def test_another_county_office_reaches_nothing(world, fin):
    from taizhang.accounts.choices import DivisionLevel, Role
    from taizhang.accounts.models import Division, User

    far = Division.objects.create(code="130284", name="滦州市", level=DivisionLevel.COUNTY,
                                  parent=world.county.parent)
    office2 = User.objects.create_user("office2", password="pw", role=Role.OFFICE_ADMIN,
                                       division=far)
    for model in (FinancingNeed, MatchmakingEvent, LoanIntention, Loan):
        assert not model.objects.restrict(office2, "view").exists()
    with pytest.raises(PermissionDenied):
        services.publish_need(fin.draft, actor=office2, expected_version=UNCHECKED)
    with pytest.raises(PermissionDenied):
        services.record_intention(actor=office2, event=fin.event, bank=fin.bank,
                                  enterprise=world.alice_org, amount=1, date=EVENT_DAY)
    with pytest.raises(PermissionDenied):
        services.record_event(world.county, actor=office2, date=EVENT_DAY, title="x")


def test_the_figures(world, fin):
    services.sign_loan(actor=world.office, intention=fin.frank_intention, amount=Decimal("700"),
                       signed_on=date(2022, 8, 1), term_months=24)
    july, august = Period(2022, 7), Period(2022, 8)
    section = figures.section(july)
    assert section["intentions"] == 2
    assert section["intention_amount_wan"] == "1777.77"
    assert section["signed_loans"] == 0
    assert figures.section(august)["signed_loans"] == 1
    assert figures.section(Period(2021, 12))["intentions"] == 0
    by_bank = {r["bank"]: r for r in figures.per_bank(LoanIntention.objects.all(),
                                                      Loan.objects.all())}
    assert by_bank[fin.other_bank.name]["loan_amount"] == Decimal("700.00")
    assert by_bank[fin.bank.name]["intention_amount"] == Decimal("1000.00")
    (event_row,) = figures.per_event(LoanIntention.objects.all())
    assert (event_row["intentions"], event_row["banks"]) == (1, 1)
    # Eve's figures: only her bank's.
    eve = figures.per_bank(LoanIntention.objects.restrict(world.eve, "view"),
                           Loan.objects.restrict(world.eve, "view"))
    assert [r["bank"] for r in eve] == [fin.bank.name]
