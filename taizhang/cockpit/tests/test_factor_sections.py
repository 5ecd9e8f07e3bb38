"""The production factors (要素保障) on the cockpit: a card per statistics section another app
shows (registered through the registry, never imported), only when one is and only to a reader
whose division holds the whole deployment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taizhang.accounts.choices import Role
from taizhang.accounts.models import User
from taizhang.stats.testing import viewed_section

pytestmark = pytest.mark.django_db
MARK = "data-factor-sections"


@pytest.fixture
def section():
    with viewed_section() as view:
        yield view


def _page(client, user, url=None, query=None, language="zh-hans"):
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url or reverse("cockpit:cockpit"), query or {"period": "2022-07"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["office", "carol", "victor"])
def test_no_section_registered_no_area(client, world, who):
    text = _page(client, getattr(world, who))
    assert MARK not in text and "要素保障" not in text


@pytest.mark.parametrize("who", ["office", "carol", "victor"])
def test_each_section_is_a_card_with_its_lines(client, world, section, who):
    text = _page(client, getattr(world, who))
    assert MARK in text and "要素保障" in text
    assert 'data-section="test_factors"' in text and "银企对接测试" in text
    for label, value in (("项目", "18"), ("意向金额（万元）", "12345.60"), ("统计期", "2022-07")):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in text


def test_the_leaders_home_and_the_wall_show_it_in_the_readers_language(client, world, section):
    home = _page(client, world.carol, url="/", language="en")
    assert MARK in home and "Production factors" in home and "<dt>Projects</dt>" in home
    wall = _page(client, world.office, query={"period": "2022-07", "wall": "1"})
    assert MARK in wall
    # The bar does not narrow the sections (they count the whole deployment): still shown.
    town = _page(client, world.office, query={"period": "2022-07", "township": world.town.pk})
    assert MARK in town and "12345.60" in town


def test_the_superuser_sees_it(client, admin_user, section):
    assert MARK in _page(client, admin_user)


def test_a_township_reader_sees_none(client, world, section):
    viewer = User.objects.create(username="town-viewer", role=Role.VIEWER, division=world.town)
    leader = User.objects.create(username="town-leader", role=Role.LEADER, division=world.town)
    for user in (viewer, leader):
        text = _page(client, user)
        assert MARK not in text and "银企对接测试" not in text


@pytest.mark.parametrize("who", ["office", "carol", "victor"])
def test_query_counts_stay_pinned_with_a_section(client, world, section, who,
                                                 django_assert_max_num_queries):
    client.force_login(getattr(world, who))
    # test_cockpit.py's limits and two more: where the reader's division stands, and the last
    # write (the sections are cached under it: stats/sections.py).
    with django_assert_max_num_queries(26):
        assert client.get(reverse("cockpit:cockpit"), {"period": "2022-07"}).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(reverse("cockpit:cockpit"), {"period": "2022-07"}).status_code == 200
