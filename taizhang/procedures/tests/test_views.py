"""The procedures' pages: what each persona sees and does, in bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from freezegun import freeze_time

from taizhang.core.services import UNCHECKED
from taizhang.procedures import services
from taizhang.procedures.choices import ItemStatus, StandardKind
from taizhang.procedures.models import ProcedureItem
from taizhang.procedures.tests.helpers import checklist, day, department_user, item_of

pytestmark = pytest.mark.django_db


def test_the_owner_finishes_an_item_on_its_page(world, client):
    item = checklist(world, world.alice_project)
    client.force_login(world.alice)
    page = client.get(reverse("procedures:project", args=[world.alice_project.pk]))
    assert page.status_code == 200
    assert reverse("procedures:item", args=[item.pk]) in page.content.decode()
    response = client.post(
        reverse("procedures:item", args=[item.pk]), {"status": "done", "version": item.version}
    )
    assert response.status_code == 200  # no completion date: the form comes back
    assert "请填写手续办结日期。" in response.content.decode()
    response = client.post(
        reverse("procedures:item", args=[item.pk]),
        {"status": "done", "done_on": "2022-06-01", "version": item.version},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.done_on) == (ItemStatus.DONE, day("2022-06-01"))
    stale = client.post(
        reverse("procedures:item", args=[item.pk]),
        {"status": "done", "done_on": "2022-06-02", "note": "旧表单", "version": 1},
    )
    assert stale.status_code == 200
    assert not ProcedureItem.objects.filter(note="旧表单").exists()


def test_a_unit_works_its_item_not_another_s(world, client):
    other_org, frank = department_user(world)
    mine = checklist(world, world.bob_project, department=other_org)
    client.force_login(world.dave)
    assert client.get(reverse("procedures:item", args=[mine.pk])).status_code == 404
    assert (
        client.post(
            reverse("procedures:item", args=[mine.pk]),
            {"status": "in_progress", "version": mine.version},
        ).status_code
        == 404
    )
    client.force_login(frank)
    assert (
        client.post(
            reverse("procedures:item", args=[mine.pk]),
            {"status": "in_progress", "accepted_on": "2022-01-27", "version": mine.version},
        ).status_code
        == 302
    )


def test_the_office_states_a_deadline_in_working_days(world, client):
    services.open_checklist(world.alice_project, actor=world.office)
    item = item_of(world.alice_project, StandardKind.ENVIRONMENT)
    client.force_login(world.office)
    response = client.post(
        reverse("procedures:item", args=[item.pk]),
        {
            "status": "in_progress",
            "accepted_on": "2022-01-27",
            "within_working_days": "20",
            "version": item.version,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.deadline == day("2022-03-01")


@freeze_time("2022-02-09 09:00:00+08:00")
def test_the_due_list_is_bounded_and_scoped(world, client, django_assert_max_num_queries):
    def overdue(project):
        item = checklist(world, project)
        services.update_item(
            item,
            actor=world.office,
            expected_version=UNCHECKED,
            status=ItemStatus.IN_PROGRESS,
            deadline=day("2022-02-08"),
        )

    overdue(world.alice_project)
    overdue(world.bob_project)
    client.force_login(world.alice)
    url = reverse("procedures:due")
    client.get(url)
    with django_assert_max_num_queries(14):
        text = client.get(url).content.decode()
    assert world.alice_project.name in text and world.bob_project.name not in text
    client.force_login(world.office)
    with django_assert_max_num_queries(14):
        text = client.get(url).content.decode()
    assert world.alice_project.name in text and world.bob_project.name in text


def test_the_project_page_is_bounded(world, client, django_assert_max_num_queries):
    checklist(world, world.alice_project, department=world.unit)
    for n in range(6):
        services.add_node(
            world.alice_project, name=f"节点{n}", planned_date=day("2022-09-01"), actor=world.office
        )
    client.force_login(world.office)
    url = reverse("procedures:project", args=[world.alice_project.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_a_campaign_page_shows_progress(world, client, django_assert_max_num_queries):
    from taizhang.ledger.choices import Stage
    from taizhang.ledger.models import Project

    Project.objects.filter(pk=world.bob_project.pk).update(stage=Stage.PRELIMINARY)
    services.open_checklist(world.bob_project, actor=world.office)
    campaign = services.create_campaign(
        world.county,
        name="2022年手续办理季",
        start=day("2022-03-01"),
        end=day("2022-06-30"),
        actor=world.office,
    )
    client.force_login(world.office)
    kind = item_of(world.bob_project, StandardKind.ENERGY).kind
    client.post(reverse("procedures:campaign-targets", args=[campaign.pk]), {"kind": kind.pk})
    assert campaign.targets.count() == 1
    url = reverse("procedures:campaign", args=[campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        text = client.get(url).content.decode()
    assert "0 / 1" in text and world.bob_project.name in text
