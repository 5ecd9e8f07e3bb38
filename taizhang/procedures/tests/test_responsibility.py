"""有人管、有方案、有时限: the check lists a project without a person, a plan or a deadline,
the same on its page, the ledger list's filter and `taizhang stats --json`."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from taizhang.figures import responsibility
from taizhang.ledger.models import Project
from taizhang.ledger.services.projects import create_project
from taizhang.procedures import services
from taizhang.procedures.tests.helpers import day

pytestmark = pytest.mark.django_db


def _bare(world, name="无人无案无期"):
    return create_project(
        actor=world.office,
        name=name,
        owner=world.bob_org,
        division=world.town,
        planned_total="1000.00",
    )


def test_a_project_without_person_plan_or_deadline_is_listed(world):
    bare = _bare(world)
    # world: Alice's project has a leader and unit; Bob's no leader; both have 2022 plans and
    # no planned completion.
    lacking = {
        p.pk: (p.lacks_person, p.lacks_plan, p.lacks_deadline)
        for p in responsibility.lacking(Project.objects.all(), 2022)
    }
    assert lacking[bare.pk] == (True, True, True)
    assert lacking[world.bob_project.pk] == (True, False, True)
    assert lacking[world.alice_project.pk] == (False, False, True)
    assert responsibility.counts(Project.objects.all(), 2022) == {
        "lacking_person": 2,
        "lacking_plan": 1,
        "lacking_deadline": 3,
        "any": 3,
    }


def test_a_node_is_a_plan_and_a_deadline(world):
    bare = _bare(world)
    services.add_node(bare, name="取得施工许可", planned_date=day("2022-09-30"), actor=world.office)
    row = responsibility.lacking(Project.objects.filter(pk=bare.pk), 2022).get()
    assert (row.lacks_plan, row.lacks_deadline) == (False, False)
    assert not responsibility.lacking(Project.objects.filter(pk=bare.pk), 2022, "deadline").exists()


def test_completed_projects_are_not_checked(world):
    from taizhang.core.services import UNCHECKED
    from taizhang.ledger.choices import Stage
    from taizhang.ledger.services.projects import change_stage

    bare = _bare(world)
    change_stage(
        bare,
        Stage.CANCELLED,
        actor=world.office,
        effective_date=date(2022, 5, 1),
        reason="终止",
        expected_version=UNCHECKED,
    )
    assert not responsibility.lacking(Project.objects.filter(pk=bare.pk), 2022).exists()


def test_the_list_filter_and_the_statistics_say_the_same(world, client):
    bare = _bare(world)
    client.force_login(world.office)
    response = client.get(reverse("ledger:project-list") + "?period=2022-07&lacks=plan")
    assert response.status_code == 200
    text = response.content.decode()
    assert bare.name in text and world.alice_project.name not in text
    out = io.StringIO()
    call_command("stats", "--period", "2022-07", "--json", stdout=out)
    assert json.loads(out.getvalue())["responsibility"] == {
        "lacking_person": 2,
        "lacking_plan": 1,
        "lacking_deadline": 3,
        "any": 3,
    }


def test_the_page_counts_and_lists_in_bounded_queries(world, client, django_assert_max_num_queries):
    for n in range(3):
        _bare(world, f"缺项项目{n}")
    client.force_login(world.office)
    url = reverse("procedures:responsibility")
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url + "?lacks=person")
    text = response.content.decode()
    assert "缺项项目2" in text and world.alice_project.name not in text
    for n in range(3, 40):
        _bare(world, f"缺项项目{n}")
    with django_assert_max_num_queries(12):
        client.get(url + "?lacks=person")
