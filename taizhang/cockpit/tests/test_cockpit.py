"""The cockpit's numbers are compute()'s, and every one of them opens a list that adds up to
it; the home pages show each role only what is in its scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from taizhang.accounts.models import OfficeSettings
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.figures.series import year_to_date_by_month
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import Project
from taizhang.ledger.services.projects import change_stage
from taizhang.ledger.services.reports import (
    approve_report,
    return_report,
    save_report,
    submit_report,
)
from taizhang.stats.service import compute, compute_grouped

JULY = Period(2022, 7)


def _report(world, project, period, amount, *, approve=True):
    report = save_report(project, period, actor=world.office,
                         data={"completed": Decimal(amount)}, expected_version=UNCHECKED)
    report = submit_report(report, actor=world.office, expected_version=UNCHECKED)
    if approve:
        report = approve_report(report, actor=world.office, expected_version=UNCHECKED)
    return report


@pytest.fixture
def ledger(world):
    _report(world, world.alice_project, Period(2022, 3), "1000.00")
    _report(world, world.alice_project, JULY, "2500.50")
    _report(world, world.bob_project, Period(2022, 5), "3000.25")
    _report(world, world.bob_project, Period(2022, 6), "999.99", approve=False)  # not counted
    return world


def _get(client, user, url, query=None):
    client.force_login(user)
    response = client.get(url, query or {})
    assert response.status_code == 200
    return response


def test_cockpit_numbers_are_computes(client, ledger):
    response = _get(client, ledger.office, reverse("cockpit:cockpit"), {"period": "2022-07"})
    visible = Project.objects.restrict(ledger.office, "view")
    expected = compute(visible, JULY)
    assert response.context["stats"].as_dict() == expected.as_dict()
    assert expected.total.ytd_completed == Decimal("6500.75")
    chart = response.context["chart"]
    # The curve: year to date at each month's end, its last point the headline's.
    assert [c["ytd"] for c in chart["curve"]] == [
        "0.00", "0.00", "1000.00", "1000.00", "4000.25", "4000.25", "6500.75"]
    for month, point in zip(range(1, 8), chart["curve"], strict=True):
        assert Decimal(point["ytd"]) == compute(visible, Period(2022, month)).total.ytd_completed
    towns = compute_grouped(visible, JULY, "township")
    assert {r["key"]: r["ytd"] for r in chart["townships"]} == {
        k: str(s.total.ytd_completed) for k, s in towns.groups.items()}
    assert sum(r["projects"] for r in chart["units"]) == expected.total.projects


def _list_stats(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["form"].errors
    return response.context["stats"]


def test_every_click_through_list_adds_up_to_its_number(client, ledger):
    response = _get(client, ledger.office, reverse("cockpit:cockpit"), {"period": "2022-07"})
    chart, head, stats = (response.context["chart"], response.context["headline"],
                          response.context["stats"])
    listed = _list_stats(client, head["url"])
    assert listed.as_dict() == stats.as_dict()
    assert _list_stats(client, head["behind_url"]).total.projects == head["behind"]
    for batch in chart["batches"]:
        assert _list_stats(client, batch["url"]).total.projects == batch["projects"], batch
    for stage in chart["stages"]:
        assert _list_stats(client, stage["url"]).total.projects == stage["projects"], stage
    for row in chart["townships"] + chart["units"]:
        if row["url"]:
            got = _list_stats(client, row["url"])
            assert (got.total.projects, str(got.total.ytd_completed)) == (
                row["projects"], row["ytd"]), row
    assert any(r["url"] for r in chart["townships"])
    for point in chart["curve"]:
        assert str(_list_stats(client, point["url"]).total.ytd_completed) == point["ytd"]
    # Clicked through with the bar's filter (a township), the list keeps it.
    town = str(ledger.town.pk)
    narrowed = _get(client, ledger.office, reverse("cockpit:cockpit"),
                    {"period": "2022-07", "township": town})
    assert narrowed.context["stats"].total.projects == 1
    for batch in narrowed.context["chart"]["batches"]:
        assert f"township={town}" in batch["url"]
        assert _list_stats(client, batch["url"]).total.projects == batch["projects"]


def test_a_cancelled_project_leaves_the_cockpit_and_its_lists(client, ledger):
    change_stage(ledger.bob_project, Stage.CANCELLED, actor=ledger.office,
                 effective_date=date(2022, 7, 1), reason="撤销", expected_version=UNCHECKED)
    response = _get(client, ledger.office, reverse("cockpit:cockpit"), {"period": "2022-07"})
    assert response.context["stats"].total.projects == 1
    assert response.context["chart"]["curve"][-1]["ytd"] == "3500.50"
    assert year_to_date_by_month(Project.objects.all(), JULY)[-1][1] == Decimal("3500.50")


@pytest.mark.parametrize("who", ["office", "carol", "victor"])
def test_cockpit_and_home_query_counts_are_pinned(client, ledger, who,
                                                 django_assert_max_num_queries):
    user = getattr(ledger, who)
    client.force_login(user)
    # Whatever the number of projects: three statements per division of the scope (the
    # county and its two townships here) and the page's own.
    with django_assert_max_num_queries(24):
        assert client.get(reverse("cockpit:cockpit"), {"period": "2022-07"}).status_code == 200
    # From the cache: the session, the user, the office, the versions, the filter bar's
    # lists, the names of the townships and units.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cockpit:cockpit"), {"period": "2022-07"}).status_code == 200


def test_a_write_recomputes_its_townships_piece_only(client, ledger,
                                                     django_assert_max_num_queries):
    client.force_login(ledger.office)
    url = reverse("cockpit:cockpit")
    client.get(url, {"period": "2022-07"})
    with django_assert_max_num_queries(10):
        cached = client.get(url, {"period": "2022-07"})
    # bob's project is in the other township: its piece and the county's are made again
    # (the write moves the versions of its township and of every division above it).
    _report(ledger, ledger.bob_project, JULY, "100.00")
    with django_assert_max_num_queries(10 + 2 * 3):
        again = client.get(url, {"period": "2022-07"})
    before, after = cached.context["stats"], again.context["stats"]
    assert after.total.ytd_completed == before.total.ytd_completed + Decimal("100.00")
    visible = Project.objects.restrict(ledger.office, "view")
    assert after.as_dict() == compute(visible, JULY).as_dict()
    assert again.context["chart"]["curve"][-1]["ytd"] == str(after.total.ytd_completed)


# The lamps (红黄绿灯) add three queries to each home (an office's, an owner's, a unit's:
# the month whose lamps they show, the counts by colour, the red and yellow projects with
# their reasons; a leader's: the cockpit's lamp tiles, the counts and the red and yellow
# projects in her charge). The limits had room for two of them. The lamp tiles are cached
# under the period's evaluations: on a cold cache they read those first (one query more).
@pytest.mark.parametrize(("who", "limit"), [("office", 11), ("alice", 11), ("dave", 11),
                                            ("eve", 4), ("carol", 27)])
def test_home_query_counts_are_pinned(client, ledger, who, limit,
                                      django_assert_max_num_queries):
    client.force_login(getattr(ledger, who))
    with django_assert_max_num_queries(limit):
        assert client.get("/").status_code == 200


def test_office_home_counts_the_reporting_month(client, world):
    _report(world, world.alice_project, JULY, "10.00", approve=False)
    returned = _report(world, world.bob_project, JULY, "20.00", approve=False)
    return_report(returned, actor=world.office, reason="照片缺失", expected_version=UNCHECKED)
    response = _get(client, world.office, "/")
    counts = response.context["counts"]
    assert (counts.period, counts.expected, counts.submitted, counts.returned, counts.missing) \
        == (JULY, 2, 1, 1, 0)
    assert response.context["waiting"] == 1
    text = response.content.decode()
    assert "照片缺失" in text and world.bob_project.name in text


def test_owner_home_shows_only_the_owners_projects_and_the_return_reason(client, world):
    report = _report(world, world.alice_project, JULY, "10.00", approve=False)
    return_report(report, actor=world.office, reason="数据有误请核实", expected_version=UNCHECKED)
    text = _get(client, world.alice, "/").content.decode()
    assert world.alice_project.name in text
    assert "数据有误请核实" in text
    assert world.bob_project.name not in text
    assert "2022-07" in text


def test_unit_home_lists_its_projects_only(client, world):
    text = _get(client, world.dave, "/").content.decode()
    assert world.alice_project.name in text  # dave's unit is responsible for alice's project
    assert world.bob_project.name not in text


def test_bank_home_says_what_a_bank_can_do(client, world):
    client.cookies["django_language"] = "en"
    response = _get(client, world.eve, "/")
    text = response.content.decode()
    assert "What a bank can do here" in text and "data-bank-home" in text
    assert "Financing" in text
    assert world.alice_project.name not in text


@pytest.mark.parametrize("who", ["carol", "victor"])
def test_leader_and_viewer_homes_are_the_cockpit(client, world, who):
    response = _get(client, getattr(world, who), "/")
    assert "chart" in response.context and response.context["as_home"]


@pytest.mark.parametrize("who", ["alice", "dave", "eve"])
def test_others_may_not_open_the_cockpit(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("cockpit:cockpit")).status_code == 403


def test_wall_mode_refreshes_itself(client, world):
    response = _get(client, world.carol, reverse("cockpit:cockpit"), {"wall": "1"})
    text = response.content.decode()
    assert 'data-refresh-seconds="300"' in text and "data-fullscreen" in text
    assert 'class="mainnav"' not in text


def test_bad_filter_values_are_named_not_500(client, world):
    response = _get(client, world.office, reverse("cockpit:cockpit"),
                    {"period": "2022-07", "unit": "x", "township": "99999999999999999999"})
    assert response.context["stats"].total.projects == 2


def test_office_setting_moves_the_behind_line(client, world):
    _report(world, world.alice_project, JULY, "5799.99")  # 48.33…% − a cent of 12,000
    response = _get(client, world.office, reverse("cockpit:cockpit"), {"period": "2022-07"})
    assert response.context["headline"]["behind"] == 2  # bob has no report at all
    OfficeSettings.objects.filter(division=world.county).update(behind_points=15)
    response = _get(client, world.office, reverse("cockpit:cockpit"), {"period": "2022-07"})
    assert response.context["headline"]["behind"] == 1
    listed = client.get(response.context["headline"]["behind_url"])
    assert listed.context["stats"].total.projects == 1
