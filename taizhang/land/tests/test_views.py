"""The land pages: the overview and its quota form, the allocations (key first, waiting
marked, queries bounded), allocating with and without the override reason, supply, bad input
named on the form, the consolidation records, the owner's page and the project's fact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.land import services
from taizhang.land.models import Allocation, ConsolidationRecord, LandQuota
from taizhang.land.tests.helpers import DAY, land

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


def test_the_office_sets_the_quota_and_reads_the_years_figures(world):
    office = client(world.office)
    response = office.post(reverse("land:overview") + "?year=2022",
                           {"quota": "1200.50", "note": "省厅下达", "version": "0"})
    assert response.status_code == 302
    quota = LandQuota.objects.get()
    assert (quota.division, quota.year, quota.quota) == (world.county, 2022, Decimal("1200.50"))
    html = office.get(reverse("land:overview") + "?year=2022").content.decode()
    assert 'id="total-quota">1200.50<' in html and 'id="supply-rate">—<' in html
    # A changed quota with the version it was opened at; junk is named, never a 500.
    assert office.post(reverse("land:overview") + "?year=2022", {
        "quota": "1300", "version": str(quota.version)}).status_code == 302
    for junk in ("abc", "-1", "1.001", "9" * 40):
        response = office.post(reverse("land:overview") + "?year=2022",
                               {"quota": junk, "version": "2"})
        assert response.status_code == 200 and "has-error" in response.content.decode(), junk
    assert office.get(reverse("land:overview") + "?year=99999").status_code == 200


def test_the_list_puts_key_projects_first_marks_the_waiting_and_is_bounded(
        world, django_assert_max_num_queries):
    found = land(world)
    office = client(world.office)
    with django_assert_max_num_queries(10):
        response = office.get(reverse("land:allocations") + "?year=2022")
    html = response.content.decode()
    assert html.index(f'id="allocation-{found.key.pk}"') < html.index(
        f'id="allocation-{found.other.pk}"')
    assert f'<tr id="allocation-{found.key.pk}" class="waiting">' in html
    assert 'id="waiting-key"' in html
    # More rows, the same number of queries.
    from taizhang.ledger.services.projects import create_project
    for n in range(5):
        project = create_project(actor=world.office, name=f"测试项目{n}", owner=world.bob_org,
                                 division=world.town, planned_total=Decimal("100.00"))
        services.request_land(found.quota, project, Decimal("1.00"), actor=world.office, on=DAY)
    with django_assert_max_num_queries(10):
        html = office.get(reverse("land:allocations") + "?year=2022").content.decode()
    assert html.count('id="allocation-') == 7


def test_the_office_records_a_request_and_a_bad_project_is_named(world):
    quota = services.set_quota(world.county, 2022, Decimal("50"), actor=world.office)
    office = client(world.office)
    url = reverse("land:allocations") + "?year=2022"
    response = office.post(url, {"project": "没有这个项目", "requested": "5",
                                 "requested_on": "2022-03-01"})
    assert response.status_code == 200 and "没有这个项目" in response.content.decode()
    response = office.post(url, {"project": world.alice_project.name, "requested": "5",
                                 "requested_on": "2022-03-01"})
    assert response.status_code == 302
    assert Allocation.objects.get().quota == quota


def test_allocating_to_a_non_key_project_while_a_key_one_waits_needs_a_reason(world):
    found = land(world)
    office = client(world.office)
    url = reverse("land:allocation", args=[found.other.pk])
    html = office.get(url).content.decode()
    assert 'id="key-waiting"' in html and 'name="override_reason"' in html
    response = office.post(url, {"action": "allocate", "area": "10", "on": "2022-04-01",
                                 "override_reason": "", "version": found.other.version})
    assert response.status_code == 200
    assert "1 key project of this quota is still waiting" in response.content.decode()
    assert Allocation.objects.get(pk=found.other.pk).allocated == 0
    response = office.post(url, {"action": "allocate", "area": "10", "on": "2022-04-01",
                                 "override_reason": "市政府常务会议定优先保障",
                                 "version": found.other.version})
    assert response.status_code == 302
    done = Allocation.objects.get(pk=found.other.pk)
    assert done.allocated == Decimal("10.00") and done.override_reason == "市政府常务会议定优先保障"
    # A key project's page asks for no reason.
    assert 'name="override_reason"' not in office.get(
        reverse("land:allocation", args=[found.key.pk])).content.decode()


def test_over_the_quota_is_named_and_supply_is_recorded(world):
    found = land(world, quota="50.00")
    office = client(world.office)
    url = reverse("land:allocation", args=[found.key.pk])
    response = office.post(url, {"action": "allocate", "area": "50.01", "on": "2022-04-01",
                                 "version": found.key.version})
    assert "only 50.00 亩 remain" in response.content.decode()
    assert office.post(url, {"action": "allocate", "area": "50", "on": "2022-04-01",
                             "version": found.key.version}).status_code == 302
    response = office.post(url, {"action": "supply", "area": "20", "on": "2022-05-01",
                                 "version": found.key.version + 1})
    assert response.status_code == 302
    assert Allocation.objects.get(pk=found.key.pk).supplied == Decimal("20.00")
    for junk in ({"action": "supply", "area": "x"}, {"action": "nothing"}, {}):
        assert office.post(url, junk).status_code == 200


def test_consolidation_records_are_added_and_changed(world):
    office = client(world.office)
    response = office.post(reverse("land:consolidation-new"), {
        "kind": "idle", "name": "原水泥厂闲置地块", "location": "迁安镇", "area": "85.5",
        "status": "in_progress", "date": "2022-05-10",
        "projects": f"{world.alice_project.name}\n没有这个项目"})
    assert response.status_code == 200 and "没有这个项目" in response.content.decode()
    response = office.post(reverse("land:consolidation-new"), {
        "kind": "idle", "name": "原水泥厂闲置地块", "location": "迁安镇", "area": "85.5",
        "status": "in_progress", "date": "2022-05-10", "projects": world.alice_project.name})
    assert response.status_code == 302
    record = ConsolidationRecord.objects.get()
    url = reverse("land:consolidation", args=[record.pk])
    assert world.alice_project.name in office.get(url).content.decode()
    assert office.post(url, {"kind": "idle", "name": "原水泥厂闲置地块", "area": "90",
                             "status": "completed", "date": "2022-06-10", "projects": "",
                             "version": record.version}).status_code == 302
    record.refresh_from_db()
    assert record.area == Decimal("90.00") and not record.projects.exists()
    html = office.get(reverse("land:consolidations")).content.decode()
    assert "原水泥厂闲置地块" in html


def test_an_owner_sees_its_own_allocations_and_the_fact_on_its_project(world):
    found = land(world)
    alice = client(world.alice)
    html = alice.get(reverse("land:mine")).content.decode()
    assert world.alice_project.name in html and world.bob_project.name not in html
    page = alice.get(reverse("ledger:project-detail", args=[world.alice_project.pk]))
    assert "requested 60.00 亩" in page.content.decode()
    assert alice.get(reverse("land:allocations")).status_code == 403
    assert alice.get(reverse("land:allocation", args=[found.key.pk])).status_code == 403
    assert client(world.office).get(reverse("land:mine")).status_code == 403
