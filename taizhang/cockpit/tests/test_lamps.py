"""Lamps (红黄绿灯) on the cockpit and the home pages: every count opens a list whose row
count equals it, each role sees only the lamps of its own projects, red and yellow ones
with their reasons. Lamps come from the warnings' evaluation (ledger/tests/lamp_world.py)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from taizhang.cockpit.tests.test_cockpit import _get
from taizhang.ledger import lamps
from taizhang.ledger.models import Project
from taizhang.ledger.tests.lamp_world import JULY, light

#: The lamp_world county: one project of each colour, one not evaluated.
ONE_OF_EACH = {"red": 1, "yellow": 1, "green": 1, "none": 1}


def _list_count(client, url):
    """The row count of the list a link opens (its totals row)."""
    return client.get(unescape(url)).context["stats"].total.projects


def _links(text, attribute):
    """{value: (href, number)} of the tiles marked ``attribute``."""
    found = {}
    for href, value, body in re.findall(
        rf'<a class="tile" href="([^"]+)" {attribute}="(\w+)">(.*?)</a>', text, re.S
    ):
        number = re.search(r"data-count>(\d+)<", body).group(1)
        found[value] = (href, int(number))
    return found


def _each_opens_its_list(client, tiles):
    """Every number is the row count of the list its link opens."""
    for color, (url, number) in tiles.items():
        assert _list_count(client, url) == number, color
    return {color: number for color, (_url, number) in tiles.items()}


@pytest.mark.parametrize("wall", [False, True])
def test_the_cockpit_counts_lamps_and_each_opens_its_list(client, world, wall):
    light(world)
    query = {"period": "2022-07", **({"wall": "1"} if wall else {})}
    text = _get(client, world.office, reverse("cockpit:cockpit"), query).content.decode()
    tiles = _links(text, "data-lamp-count")
    assert _each_opens_its_list(client, tiles) == ONE_OF_EACH
    assert all(f"lamp={color}" in url for color, (url, _n) in tiles.items())


def test_the_cockpit_lamps_follow_the_filter_bar(client, world):
    light(world)
    text = _get(
        client,
        world.office,
        reverse("cockpit:cockpit"),
        {"period": "2022-07", "township": world.town.pk},
    ).content.decode()
    tiles = _links(text, "data-lamp-count")
    # bob's red project is in the other township.
    assert _each_opens_its_list(client, tiles) == {**ONE_OF_EACH, "red": 0}
    assert all(f"township={world.town.pk}" in url for url, _n in tiles.values())


def test_the_office_home_counts_lamps_each_linking_to_its_list(client, world):
    lit = light(world)
    response = _get(client, world.office, "/")
    assert response.context["lamp_period"] == JULY  # the newest evaluated month
    text = response.content.decode()
    assert _each_opens_its_list(client, _links(text, "data-lamp-count")) == ONE_OF_EACH
    assert [project for project, _lamp in response.context["warned"]] == [lit.red, lit.yellow]


def test_an_owner_home_shows_its_red_and_yellow_lamps_with_the_reason(client, world):
    lit = light(world)
    response = _get(client, world.bob, "/")
    warned = response.context["warned"]
    assert [(p, lamp.color) for p, lamp in warned] == [(lit.red, "red"), (lit.yellow, "yellow")]
    text = response.content.decode()
    for _project, lamp in warned:
        assert lamp.explanation in text
    link = re.search(r'<a href="([^"]+)" data-warned-link>', text).group(1)
    assert _list_count(client, link) == response.context["warned_count"] == 2
    # alice's only project is green: nothing of bob's reaches her.
    alice = _get(client, world.alice, "/")
    assert alice.context["warned"] == [] and lit.red.name not in alice.content.decode()


def test_a_draft_is_not_shown_outside_the_office(client, world):
    light(world, publish=False)
    bob = _get(client, world.bob, "/")
    assert bob.context["warned"] == []
    assert bob.context["lamp_period"] == JULY.previous()  # nothing published: the default
    office = _get(client, world.office, "/")
    assert office.context["warned_count"] == 2


def test_a_unit_home_lists_its_projects_red_and_yellow(client, world):
    lit = light(world)
    response = _get(client, world.dave, "/")
    assert [p for p, _lamp in response.context["warned"]] == [lit.yellow]
    link = re.search(r'<a href="([^"]+)" data-warned-link>', response.content.decode()).group(1)
    assert f"unit={world.unit.pk}" in link
    assert _list_count(client, link) == response.context["warned_count"] == 1


def test_a_leader_home_lists_the_red_and_yellow_projects_in_charge(client, world):
    lit = light(world)
    response = _get(client, world.carol, "/", {"period": "2022-07"})
    assert [p for p, _lamp in response.context["warned"]] == [lit.yellow]
    text = response.content.decode()
    assert lit.red.name not in re.search(
        r"<section class=\"card\" data-warned>(.*?)</section>", text, re.S
    ).group(1)
    link = re.search(r'<a href="([^"]+)" data-warned-link>', text).group(1)
    assert _list_count(client, link) == response.context["warned_count"] == 1
    # Her cockpit's tiles count the projects she may see, and no other: bob's red one is
    # not hers.
    visible = Project.objects.restrict(world.carol, "view")
    shown = _each_opens_its_list(client, _links(text, "data-lamp-count"))
    assert shown == lamps.counts(visible, JULY, world.carol)
    assert shown["red"] == 0


@pytest.mark.parametrize(
    ("who", "limit"), [("office", 11), ("bob", 11), ("dave", 11), ("carol", 27)]
)
def test_home_query_counts_with_lamps_are_pinned(
    client, world, who, limit, django_assert_max_num_queries
):
    """With lamps lit, a home costs what test_cockpit.py pins without: three queries for the
    lamps (the month shown, the counts, the red and yellow projects with their reasons),
    whatever the number of projects; a leader's cockpit, one more on a cold cache for the
    version of its cached lamp tiles."""
    light(world)
    client.force_login(getattr(world, who))
    with django_assert_max_num_queries(limit):
        assert client.get("/").status_code == 200


def test_the_cached_lamp_tiles_follow_a_new_evaluation_and_its_publishing(client, world):
    """Evaluating and publishing move no data version: the tiles, cached, must follow them
    (an office reads its drafts at once, a viewer only published lamps)."""
    from taizhang.ledger.tests.lamp_world import evaluate, published
    from taizhang.warnings.services import rules_of_year, update_rule

    lit = light(world, publish=False)
    url = reverse("cockpit:cockpit")

    def tiles(user):
        text = _get(client, user, url, {"period": "2022-07"}).content.decode()
        return {color: n for color, (_url, n) in _links(text, "data-lamp-count").items()}

    assert tiles(world.office) == ONE_OF_EACH  # the office reads its draft
    none = {"red": 0, "yellow": 0, "green": 0, "none": 4}
    assert tiles(world.victor) == none  # a viewer: not published yet
    # A red line below every project's points: once evaluated again the red project and the
    # one made after the first evaluation (no report yet) are yellow. No report, plan or
    # project changes, so no data version moves.
    progress = next(r for r in rules_of_year(world.county, 2022, actor=world.office)
                    if r.code == "progress")
    update_rule(progress, params={**progress.params, "red_below": "100", "yellow_below": "10"},
                enabled=True, actor=world.office, expected_version=progress.version)
    again = evaluate(world)
    assert again.pk == lit.evaluation.pk
    after = {"red": 0, "yellow": 3, "green": 1, "none": 0}
    assert tiles(world.office) == after
    assert tiles(world.victor) == none
    published(world, again)
    assert tiles(world.victor) == after
