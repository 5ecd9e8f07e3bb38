"""The attraction pages: the list (filters, paging, a pinned number of queries), the lead page
and its stage form, a new lead, converting; errors are shown next to their field."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from taizhang.attraction.models import Lead
from taizhang.attraction.tests.helpers import lead, walk
from taizhang.ledger.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(world):
    client = Client()
    client.force_login(world.office)
    return client


def test_the_list_filters_and_pages_in_a_fixed_number_of_queries(world, office,
                                                                  django_assert_max_num_queries):
    for i in range(60):
        found = lead(world, f"线索{i:02d}", channel="returning" if i % 2 else "jingjin")
        if i < 5:
            walk(world, found, negotiating=date(2022, 2, 1))
    with django_assert_max_num_queries(6):  # 5 measured, the same at 3 or 60 leads
        response = office.get("/attraction/")
    assert response.status_code == 200
    assert response.content.decode().count('id="lead-') == 50
    html = office.get("/attraction/?stage=negotiating").content.decode()
    assert html.count('id="lead-') == 5
    assert office.get("/attraction/?channel=returning").content.decode().count('id="lead-') == 30
    assert office.get("/attraction/?stage=bogus&page=x").status_code == 200


def test_a_new_lead_with_errors_then_valid(world, office):
    response = office.post("/attraction/new/", {"name": "", "channel": "jingjin",
                                                "intended_investment": "abc",
                                                "division": world.town.pk})
    assert response.status_code == 200
    assert Lead.objects.count() == 0
    assert "has-error" in response.content.decode()
    response = office.post("/attraction/new/", {
        "name": "金凤还巢食品加工", "investor": "张先生", "channel": "returning",
        "industry": "C", "intended_investment": "12,000.50", "division": world.town.pk,
        "registered_on": "2022-03-01"})
    found = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/attraction/{found.pk}/"
    assert str(found.intended_investment) == "12000.50"


def test_the_stage_form_moves_and_refuses_with_a_field_error(world, office):
    found = lead(world)
    url = f"/attraction/{found.pk}/"
    assert office.get(url).status_code == 200
    response = office.post(url, {"stage": "signed", "on": "2022-02-01",
                                 "version": found.version})
    assert response.status_code == 200 and "has-error" in response.content.decode()
    response = office.post(url, {"stage": "negotiating", "on": "2022-02-01",
                                 "version": found.version})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.stage == "negotiating"
    response = office.post(url, {"stage": "signed", "on": "2022-03-01",
                                 "version": found.version})  # no contract amount
    assert response.status_code == 200 and Lead.objects.get(pk=found.pk).stage == "negotiating"


def test_convert_leads_to_the_project_page_showing_the_signing_date(world, office):
    found = walk(world, lead(world), negotiating=date(2022, 2, 1), signed=date(2022, 3, 8),
                 landed=date(2022, 5, 1))
    assert 'id="convert"' in office.get(f"/attraction/{found.pk}/").content.decode()
    # "started" is the ledger's: asked for here, it is refused next to the stage field
    response = office.post(f"/attraction/{found.pk}/", {"stage": "started", "on": "2022-06-01",
                                                        "version": found.version})
    assert response.status_code == 200 and "has-error" in response.content.decode()
    response = office.post(f"/attraction/{found.pk}/convert/", {
        "division": world.town.pk, "version": found.version})
    project = Project.objects.get(name="京津新材料产业园")
    assert response.status_code == 302 and response["Location"] == f"/ledger/projects/{project.pk}/"
    html = office.get(response["Location"]).content.decode()
    assert "2022-03-08" in html
    # again: refused, no second project
    response = office.post(f"/attraction/{found.pk}/convert/", {
        "division": world.town.pk, "version": Lead.objects.get(pk=found.pk).version})
    assert response.status_code == 200
    assert Project.objects.filter(name="京津新材料产业园").count() == 1


def test_the_owner_sees_the_signing_date_but_not_the_lead(world, office):
    from taizhang.attraction import services
    from taizhang.core.services import UNCHECKED
    found = walk(world, lead(world), negotiating=date(2022, 1, 11), signed=date(2022, 1, 20),
                 landed=date(2022, 2, 1))
    services.link_project(found, world.alice_project, actor=world.office,
                          expected_version=UNCHECKED)
    alice = Client()
    alice.force_login(world.alice)
    html = alice.get(f"/ledger/projects/{world.alice_project.pk}/").content.decode()
    assert "2022-01-20" in html and f"/attraction/{found.pk}/" not in html
    assert alice.get(f"/attraction/{found.pk}/").status_code == 403
    bob = Client()
    bob.force_login(world.bob)
    assert bob.get(f"/ledger/projects/{world.alice_project.pk}/").status_code == 404
