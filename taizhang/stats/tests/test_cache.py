"""The list page's cached statistics: never stale, never shared between different scopes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.accounts.choices import DivisionLevel, Role
from taizhang.accounts.models import Division, OfficeSettings, User
from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import Stage
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.models import Project
from taizhang.ledger.services.keylists import enlist, get_or_create_list
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import change_stage, create_project, update_project
from taizhang.ledger.services.reports import (
    approve_report,
    reopen_report,
    save_report,
    submit_report,
)
from taizhang.ledger.tests.sheets_factory import ledger_grid, to_xlsx
from taizhang.stats import version
from taizhang.stats.cache import cache_key
from taizhang.stats.models import DataVersion

JULY = Period(2022, 7)


def _approved(world, project, amount, period=JULY):
    report = save_report(project, period, actor=world.office,
                         data={"completed": Decimal(amount), "image_progress": "施工中"},
                         expected_version=UNCHECKED)
    return approve_report(submit_report(report, actor=world.office,
                                        expected_version=UNCHECKED), actor=world.office,
                          expected_version=UNCHECKED)


def _page(client, **params):
    """(the page's statistics, whether this request computed them rather than the cache)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("ledger:project-list"), {"period": "2022-07", **params})
    assert response.status_code == 200
    # The statistics statement is the only one that sums `completed_before`.
    computed = any("completed_before)" in q["sql"] for q in ctx.captured_queries)
    return response.context["stats"], computed


def _warm(client, **params):
    """Load the page twice: the second request must come from the cache."""
    first, computed = _page(client, **params)
    assert computed
    again, computed = _page(client, **params)
    assert not computed and again.as_dict() == first.as_dict()
    return again


def _office(client, world):
    client.force_login(world.office)
    return client


def test_approving_a_report_changes_the_totals_on_the_next_request(client, world):
    _office(client, world)
    before = _warm(client)
    _approved(world, world.alice_project, "100.25")
    after, computed = _page(client)
    assert computed
    assert after.total.ytd_completed == before.total.ytd_completed + Decimal("100.25")
    assert after.total.month_completed == before.total.month_completed + Decimal("100.25")
    response = client.get(reverse("ledger:project-list"), {"period": "2022-07"})
    assert "100.25" in response.content.decode()  # the totals row, not only the context


def test_reopening_an_approved_report_takes_it_out_of_the_totals(client, world):
    report = _approved(world, world.alice_project, "300.00")
    _office(client, world)
    assert _warm(client).total.ytd_completed == Decimal("300.00")
    reopen_report(report, actor=world.office, reason="数字有误", expected_version=UNCHECKED)
    assert _page(client)[0].total.ytd_completed == Decimal("0.00")


def test_plan_stage_and_ledger_card_changes_show_on_the_next_request(client, world):
    _office(client, world)
    assert _warm(client).total.annual_plan == Decimal("32000.00")
    set_annual_plan(world.alice_project, 2022, actor=world.office,
                    planned_investment=Decimal("15000.00"), expected_version=UNCHECKED)
    assert _page(client)[0].total.annual_plan == Decimal("35000.00")

    stats, computed = _page(client)
    assert not computed and stats.by_stage[Stage.COMPLETED].projects == 0
    change_stage(world.bob_project, Stage.COMPLETED, actor=world.office,
                 effective_date=date(2022, 6, 30), expected_version=UNCHECKED)
    stats = _page(client)[0]
    assert stats.by_stage[Stage.COMPLETED].projects == 1
    assert stats.batches["producing"].projects == 1

    project = Project.objects.get(pk=world.alice_project.pk)
    update_project(project, actor=world.office, expected_version=project.version,
                   changes={"planned_total": Decimal("50000.01")})
    assert _page(client)[0].total.planned_total == Decimal("130000.01")


def test_a_key_list_decision_changes_the_filtered_totals(client, world):
    _office(client, world)
    assert _warm(client, list="county").total.projects == 0
    county = get_or_create_list("county", "key", 2022, actor=world.office)
    enlist(world.alice_project, county, actor=world.office, applied_on=date(2022, 1, 5),
           decided_on=date(2022, 2, 1))
    stats, computed = _page(client, list="county")
    assert computed and stats.total.projects == 1
    assert stats.total.planned_total == Decimal("50000.00")


def test_an_import_changes_the_totals_on_the_next_request(client, world):
    _office(client, world)
    before = _warm(client)
    grid = ledger_grid([{"项目名称": "迁安文旅综合体", "建设单位": "迁安文旅集团有限公司",
                         "所属区域": "夏官营镇", "总投资（万元）": "15000", "年度计划投资": "2000",
                         "1-7月累计完成投资": "0", "本月完成投资": "0", "建设阶段": "谋划"}])
    result = import_ledger(to_xlsx(grid), "new.xlsx", actor=world.office)
    assert result.errors == [] and result.created == 1
    after = _page(client)[0]
    assert after.total.projects == before.total.projects + 1
    assert after.total.planned_total == before.total.planned_total + Decimal("15000.00")


def test_two_owners_never_share_an_entry(client, world):
    _approved(world, world.bob_project, "700.00")
    _approved(world, world.alice_project, "5.00")
    bob = Client()
    bob.force_login(world.bob)
    assert _warm(bob).total.ytd_completed == Decimal("700.00")
    client.force_login(world.alice)
    alice, computed = _page(client)
    assert computed  # not bob's entry
    assert (alice.total.projects, alice.total.ytd_completed) == (1, Decimal("5.00"))
    current = version.current()
    keys = {cache_key(Project.objects.restrict(user, "view"), "stats", [], current)
            for user in (world.alice, world.bob, world.carol, world.dave, world.office)}
    assert len(keys) == 5


def test_two_office_users_of_one_division_share_an_entry(client, world):
    """The same scope compiles to the same query: the second user is served from the cache."""
    colleague = User.objects.create_user("office2", role=Role.OFFICE_ADMIN,
                                         division=world.county)
    _warm(_office(client, world))
    other = Client()
    other.force_login(colleague)
    stats, computed = _page(other)
    assert not computed and stats.total.projects == 2


def test_a_stale_entry_is_never_served(client, world):
    _office(client, world)
    _warm(client)
    from taizhang.ledger.filters import ProjectFilter

    # The list's query: every project not cancelled by the end of the period.
    visible = ProjectFilter().apply(Project.objects.restrict(world.office, "view"), 2022,
                                    period=JULY)
    # The piece of Bob's slice of his township, under the versions read before the write.
    shared = version.current()
    part = version.slice_of(world.bob_project.pk)
    piece = version.of_division(version.slice_path(world.other_town.path, part))
    old_key = cache_key(visible, "stats-piece",
                        [str(JULY), "planned", (world.other_town.pk, part)],
                        f"{shared}/{piece}")
    assert cache.get(old_key) is not None  # what the page was served from
    _approved(world, world.bob_project, "42.00")
    assert cache.get(old_key) is not None  # still there: nothing deletes it...
    stats, computed = _page(client)
    assert computed and stats.total.ytd_completed == Decimal("42.00")  # ...it is unreachable


def test_the_version_changes_with_the_write_and_only_if_it_commits(world):
    def scope():
        return version.of_scope(world.county.path)

    before = scope()
    with pytest.raises(RuntimeError), transaction.atomic():
        _approved(world, world.alice_project, "1.00")
        assert scope() != before  # bumped inside the writer's transaction
        raise RuntimeError("roll back")
    assert scope() == before  # a rolled-back write leaves the cache valid
    _approved(world, world.alice_project, "1.00")
    assert scope() != before


def test_an_organization_renamed_in_the_admin_changes_the_version(world):
    # The owner-name filter joins organizations; the admin saves them through the account
    # services, whose audit event moves the version (one bump, in the same transaction).
    from taizhang.accounts.services import save_account_object

    root = User.objects.create_superuser("root2", password="pw-root-123456")
    before = version.current()
    changes = DataVersion.objects.get().changes
    world.alice_org.name = "燕山钢铁集团"
    save_account_object(world.alice_org, actor=root)
    assert version.current() != before
    assert DataVersion.objects.get().changes == changes + 1


def test_user_events_leave_the_version_alone_account_objects_move_it(client, world):
    """A user's logins, logouts and exports happen all day and change no figure (the user's
    scope is part of every key); a division, organization or person may."""
    from taizhang.accounts.services import save_account_object

    before = version.of_scope(version.EVERYWHERE)
    client.post(reverse("login"), {"username": "office", "password": "pw-office"})
    client.get(reverse("ledger:export"), {"period": "2022-07"})
    assert AuditEvent.objects.filter(object_type="accounts.user").exists()
    assert version.of_scope(version.EVERYWHERE) == before
    superuser = User.objects.create_superuser("root", password="pw-root-123456")
    assert version.of_scope(version.EVERYWHERE) == before
    person = world.alice_project.leader
    person.title = "市长"
    save_account_object(person, actor=superuser)
    assert version.current() != before


def test_a_cache_shared_by_several_processes_stays_right(client, world, settings):
    """With CACHE_URL=db://… every process and host reads and writes one cache: an entry one
    process made is served to another, and a write in any process makes it unreachable."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "taizhang_test_cache"}}
    call_command("createcachetable", verbosity=0)
    first = Client()
    _warm(_office(first, world))
    second = Client()  # another process: it has nothing of its own
    second.force_login(world.office)
    assert not _page(second)[1]
    _approved(world, world.alice_project, "9.99")  # a write made "elsewhere"
    stats, computed = _page(second)
    assert computed and stats.total.ytd_completed == Decimal("9.99")
    assert _page(first)[0].total.ytd_completed == Decimal("9.99")


@pytest.mark.parametrize("url,backend,location", [
    ("locmem://", "locmem.LocMemCache", "taizhang"),
    ("redis://cache-host:6379/1", "redis.RedisCache", "redis://cache-host:6379/1"),
    ("db://taizhang_cache", "db.DatabaseCache", "taizhang_cache"),
    ("dummy://", "dummy.DummyCache", None),
])
def test_cache_url_chooses_the_backend(monkeypatch, url, backend, location):
    from taizhang.env import envcache

    monkeypatch.setenv("CACHE_URL", url)
    config = envcache("CACHE_URL", "locmem://")
    assert config["BACKEND"] == f"django.core.cache.backends.{backend}"
    assert config.get("LOCATION") == location


@pytest.mark.parametrize("url", ["redis-host:6379", "memcached://x:11211", "db://"])
def test_a_cache_url_not_understood_stops_the_process(monkeypatch, url):
    from taizhang.env import ConfigError, envcache

    monkeypatch.setenv("CACHE_URL", url)
    with pytest.raises(ConfigError):
        envcache("CACHE_URL", "locmem://")


class UnreachableCache(BaseCache):
    """A cache server that does not answer (counting how often it was asked)."""

    calls = 0

    def __init__(self, location, params):
        super().__init__(params)

    def get(self, key, default=None, version=None):
        UnreachableCache.calls += 1
        raise ConnectionError("cache server down")

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        UnreachableCache.calls += 1
        raise ConnectionError("cache server down")

    def clear(self):
        raise ConnectionError("cache server down")


def test_an_unreachable_cache_gives_slower_pages_not_errors(client, world, settings):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.UnreachableCache"}}
    _approved(world, world.alice_project, "12.34")
    stats, computed = _page(_office(client, world))
    assert computed and stats.total.ytd_completed == Decimal("12.34")


def test_a_failed_cache_is_left_alone_for_a_while_then_tried_again(client, world, settings,
                                                                   caplog):
    """The breaker: a hanging cache costs its timeout once per process and retry period,
    not on every cached call of every request; each failure is one log line."""
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.UnreachableCache"}}
    UnreachableCache.calls = 0
    _office(client, world)
    with caplog.at_level("WARNING", logger="taizhang.stats.cache"):
        for _request in range(3):
            assert _page(client)[1]  # computed each time, never an error
    assert UnreachableCache.calls == 1  # the list page makes two cached calls per request
    assert len(caplog.records) == 1 and not caplog.records[0].exc_info
    settings.TAIZHANG_CACHE_RETRY_SECONDS = 0  # no breaker: each cached call asks again
    _page(client)
    assert UnreachableCache.calls == 1 + 2


# --- versions per division: a write reaches the entries of its division and above only ------


def _second_county(world):
    """Another county of the same prefecture, its office user and one project of it."""
    county = Division.objects.create(code="130281", name="遵化市", level=DivisionLevel.COUNTY,
                                     parent=world.county.parent)
    town = Division.objects.create(code="130281100", name="遵化镇",
                                   level=DivisionLevel.TOWNSHIP, parent=county)
    OfficeSettings.objects.create(division=county, reporting_period="2022-07")
    office = User.objects.create_user("office-b", role=Role.OFFICE_ADMIN, division=county)
    project = create_project(actor=office, name="遵化钢铁技改", owner=world.alice_org,
                             division=town, planned_total=Decimal("9000.00"), industry="C")
    set_annual_plan(project, 2022, actor=office, planned_investment=Decimal("3000.00"),
                    expected_version=UNCHECKED)
    return office, project


def test_a_write_in_one_county_leaves_another_countys_entry_alone(client, world):
    office_b, project_b = _second_county(world)
    a = _office(client, world)
    b = Client()
    b.force_login(office_b)
    root = Client()
    root.force_login(User.objects.create_superuser("root3", password=None))
    _warm(a)
    _warm(b)
    _warm(root)

    report = save_report(project_b, JULY, actor=office_b,
                         data={"completed": Decimal("123.45"), "image_progress": "施工中"},
                         expected_version=UNCHECKED)
    approve_report(submit_report(report, actor=office_b,
                                 expected_version=UNCHECKED), actor=office_b,
                   expected_version=UNCHECKED)

    stats, computed = _page(a)
    assert not computed  # county A's figures did not change: still served from the cache
    assert stats.total.projects == 2
    stats, computed = _page(b)
    assert computed and stats.total.ytd_completed == Decimal("123.45")  # county B's did
    stats, computed = _page(root)
    assert computed and stats.total.ytd_completed == Decimal("123.45")  # and everybody's

    # And the other way round: a report in one of county A's townships.
    _approved(world, world.alice_project, "0.01")
    stats, computed = _page(a)
    assert computed and stats.total.ytd_completed == Decimal("0.01")
    assert not _page(b)[1]


def test_a_township_users_entry_moves_with_its_township_only(client, world):
    """A write in one township reaches the county above it, not the township beside it."""
    viewer = User.objects.create_user("town-viewer", role=Role.VIEWER, division=world.town)
    neighbour = User.objects.create_user("town2-viewer", role=Role.VIEWER,
                                         division=world.other_town)
    here, there = Client(), Client()
    here.force_login(viewer)
    there.force_login(neighbour)
    _warm(here)
    _warm(there)
    _approved(world, world.alice_project, "8.88")  # in world.town
    stats, computed = _page(here)
    assert computed and stats.total.ytd_completed == Decimal("8.88")
    assert not _page(there)[1]


def test_a_project_moved_to_another_township_leaves_both_townships_right(client, world):
    """The project's own writes move the shared version: its old division must see it go."""
    _approved(world, world.alice_project, "5.00")
    viewer = User.objects.create_user("town-viewer", role=Role.VIEWER, division=world.town)
    here = Client()
    here.force_login(viewer)
    assert _warm(here).total.projects == 1
    project = Project.objects.get(pk=world.alice_project.pk)
    update_project(project, actor=world.office, expected_version=project.version,
                   changes={"division": world.other_town})
    stats, computed = _page(here)
    assert computed and stats.total.projects == 0


def test_a_reverted_plan_shows_on_the_next_request(client, world):
    from taizhang.core.audit.revert import revert_to
    from taizhang.ledger.models import AnnualPlan

    plan = AnnualPlan.objects.get(project=world.alice_project, year=2022)
    first = AuditEvent.objects.for_object(plan).order_by("id").last()
    set_annual_plan(world.alice_project, 2022, actor=world.office,
                    planned_investment=Decimal("15000.55"), expected_version=plan.version)
    _office(client, world)
    assert _warm(client).total.annual_plan == Decimal("35000.55")
    plan.refresh_from_db()
    latest = AuditEvent.objects.for_object(plan).order_by("id").last()
    revert_to(plan, first, actor=world.office, reason="填错了", seen_latest=latest.pk)
    stats, computed = _page(client)
    assert computed and stats.total.annual_plan == Decimal("32000.00")


def _ids_sorted_by(client, sort):
    response = client.get(reverse("ledger:project-list"), {"period": "2022-07", "sort": sort})
    assert response.status_code == 200
    return [p.pk for p in response.context["page"].object_list], response.context["stats"]


def test_the_list_sorted_by_a_figure_moves_with_each_write(client, world):
    """The order by year to date is merged from per-township pieces: each write re-sorts
    its township's piece at once, and the totals are `compute`'s, to the cent."""
    from taizhang.ledger.filters import ProjectFilter
    from taizhang.stats.service import compute

    alice, bob = world.alice_project.pk, world.bob_project.pk  # in two townships
    _office(client, world)
    visible = ProjectFilter().apply(Project.objects.restrict(world.office, "view"), 2022,
                                    period=JULY)
    assert _ids_sorted_by(client, "-ytd")[0] == [alice, bob]  # both 0: by id
    _approved(world, world.bob_project, "0.01")
    assert _ids_sorted_by(client, "-ytd")[0] == [bob, alice]
    assert _ids_sorted_by(client, "ytd")[0] == [alice, bob]
    report = _approved(world, world.alice_project, "100.10")
    ids, stats = _ids_sorted_by(client, "-ytd")
    assert ids == [alice, bob]
    assert stats.as_dict() == compute(visible, JULY).as_dict()
    assert stats.total.ytd_completed == Decimal("100.11")
    reopen_report(report, actor=world.office, reason="数字有误", expected_version=UNCHECKED)
    ids, stats = _ids_sorted_by(client, "-ytd")
    assert ids == [bob, alice]
    assert stats.as_dict() == compute(visible, JULY).as_dict()


def test_every_scope_stays_inside_the_users_division(world):
    """The pieces cover the divisions of the user's subtree only: a scope reaching a project
    outside it would leave that project out of the totals (stats/cache.py relies on it)."""
    office_b, project_b = _second_county(world)
    users = [world.office, world.alice, world.bob, world.carol, world.dave, world.victor,
             world.eve, office_b]
    for user in users:
        for action in ("view", "report", "change", "review"):
            reached = Project.objects.restrict(user, action)
            assert not reached.exclude(user.division.subtree_q("division__")).exists()
    assert Project.objects.restrict(world.office, "view").count() == 2
    assert list(Project.objects.restrict(office_b, "view")) == [project_b]


def test_a_write_moves_the_version_of_its_projects_slice_only(world):
    before = version.of_subtree(world.county)
    _approved(world, world.bob_project, "1.00")
    after = version.of_subtree(world.county)
    assert set(after) == set(before)
    assert {key for key in before if before[key] != after[key]} == {
        (world.bob_project.division_id, version.slice_of(world.bob_project.pk))}


def test_writes_announced_once_move_each_version_once_at_the_end(world):
    """core/figures.py `announced_once` (the scenario loader's): inside, writes move no
    version; at the end, the versions of what they wrote move once, in the transaction."""
    from taizhang.core.figures import announced_once, figures_may_change

    sent = []

    def listen(sender, *, using, objects=None, **kwargs):
        sent.append(None if objects is None else len(objects))

    figures_may_change.connect(listen)
    try:
        before = version.of_subtree(world.county)
        with transaction.atomic(), announced_once():
            _approved(world, world.bob_project, "1.00")
            _approved(world, world.alice_project, "2.00")
            assert version.of_subtree(world.county) == before and sent == []
        after = version.of_subtree(world.county)
    finally:
        figures_may_change.disconnect(listen)
    assert len(sent) == 1 and sent[0] > 0
    assert {key for key in before if before[key] != after[key]} == {
        (p.division_id, version.slice_of(p.pk)) for p in (world.bob_project, world.alice_project)}


def test_nothing_is_announced_when_the_block_fails(world):
    from taizhang.core.figures import announced_once, figures_may_change

    sent = []

    def listen(sender, **kwargs):
        sent.append(kwargs)

    figures_may_change.connect(listen)
    try:
        with pytest.raises(RuntimeError), transaction.atomic(), announced_once():
            _approved(world, world.bob_project, "1.00")
            raise RuntimeError
        assert sent == []
        _approved(world, world.bob_project, "1.00")  # outside the block: announced at once
        assert len(sent) == 3  # saved, submitted, approved: one event each
    finally:
        figures_may_change.disconnect(listen)
