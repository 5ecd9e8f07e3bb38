"""The financing pages: each role's, the forms' errors, the home panel, bounded queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.financing import services
from taizhang.financing.models import FinancingNeed, LoanIntention
from taizhang.financing.tests.helpers import EVENT_DAY, build

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fin(world):
    return build(world)


def test_a_bank_records_an_intention_and_sees_it_on_its_home(world, fin):
    eve = client_for(world.eve)
    page = eve.get(reverse("financing:bank")).content.decode()
    assert "流动资金-PUBLISHED" in page and "设备购置-DRAFT" not in page
    assert "FRANK-ONLY" not in page and "777.77" not in page
    url = reverse("financing:need-intention", args=[fin.published.pk])
    response = eve.post(url, {"amount": "abc", "date": "2022-07-20"})
    assert response.status_code == 200 and "amount" in response.content.decode().lower()
    response = eve.post(url, {"amount": "1,234.50", "date": "2022-07-20", "note": ""})
    assert response.status_code == 302
    assert LoanIntention.objects.filter(bank=fin.bank, amount=Decimal("1234.50")).exists()
    home = eve.get("/").content.decode()
    assert "1234.50" in home and "流动资金-PUBLISHED" in home
    assert "777.77" not in home
    other = client_for(fin.frank)
    assert "1234.50" not in other.get("/").content.decode()
    assert "1234.50" not in other.get(reverse("financing:need", args=[fin.published.pk])
                                      ).content.decode()
    # The draft: 404 for a bank; its form too.
    assert eve.get(reverse("financing:need", args=[fin.draft.pk])).status_code == 404
    assert eve.get(reverse("financing:need-intention", args=[fin.draft.pk])).status_code == 404


def test_the_office_publishes_and_records_at_an_event(world, fin):
    office = client_for(world.office)
    response = office.post(reverse("financing:need-publish", args=[fin.draft.pk]),
                           {"version": fin.draft.version})
    assert response.status_code == 302
    assert FinancingNeed.objects.get(pk=fin.draft.pk).status == "published"
    url = reverse("financing:event", args=[fin.event.pk])
    response = office.post(url, {"bank": "99999999999999999999", "amount": "1",
                                 "date": "2022-07-13"})
    assert response.status_code == 200  # a form error, not a 500
    response = office.post(url, {"bank": fin.bank.pk, "enterprise": world.alice_org.pk,
                                 "amount": "88.00", "date": "2022-07-13"})
    assert response.status_code == 302
    assert fin.event.intentions.count() == 2
    page = office.get(reverse("financing:figures") + "?period=2022-07").content.decode()
    assert "1865.77" in page  # 1000 + 777.77 + 88
    assert office.get(reverse("financing:figures") + "?period=junk").status_code == 200


def test_an_owner_drafts_for_its_own_project_only(world, fin):
    alice = client_for(world.alice)
    url = reverse("financing:need-new")
    response = alice.post(url, {"project": world.bob_project.name, "amount": "10",
                                "purpose": "x", "term_months": "12"})
    assert response.status_code == 200 and not FinancingNeed.objects.filter(purpose="x").exists()
    response = alice.post(url, {"project": world.alice_project.name, "amount": "10",
                                "purpose": "x", "term_months": "12"})
    assert response.status_code == 302
    assert FinancingNeed.objects.get(purpose="x").status == "draft"
    page = alice.get(reverse("financing:mine")).content.decode()
    assert "设备购置-DRAFT" not in page and "流动资金-PUBLISHED" in page
    assert alice.get(reverse("financing:needs")).status_code == 403


@pytest.mark.parametrize("name", ["financing:needs", "financing:events", "financing:figures"])
def test_office_lists_are_bounded(world, fin, name, django_assert_max_num_queries):
    for n in range(12):
        need = services.create_need(world.alice_project, actor=world.office, amount=n + 1,
                                    purpose=f"p{n}", term_months=12)
        services.record_intention(actor=world.office, event=fin.event, bank=fin.bank,
                                  project=world.alice_project, amount=n + 1, date=EVENT_DAY)
        assert need
    office = client_for(world.office)
    office.get(reverse(name))  # warm the session and the settings
    with django_assert_max_num_queries(12):
        assert office.get(reverse(name)).status_code == 200


def test_bank_and_event_pages_are_bounded(world, fin, django_assert_max_num_queries):
    for n in range(12):
        services.record_intention(actor=world.eve, need=fin.published, amount=n + 1,
                                  date=EVENT_DAY)
        services.record_intention(actor=world.office, event=fin.event, bank=fin.bank,
                                  project=world.alice_project, amount=n + 1, date=EVENT_DAY)
    eve, office = client_for(world.eve), client_for(world.office)
    for client, url in ((eve, reverse("financing:bank")), (eve, "/"),
                        (office, reverse("financing:event", args=[fin.event.pk])),
                        (office, reverse("financing:need", args=[fin.published.pk]))):
        client.get(url)
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200, url
