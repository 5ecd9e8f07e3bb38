"""Shared test personas, built through the real service functions.

The office admin of Qian'an; Alice owns 燕山钢铁's projects, Bob owns 迁钢新材's; Carol is the
leader in charge of one project; Dave works in the development bureau (responsible unit);
Victor is a read-only viewer; Eve is a bank officer who must see no ledger data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from taizhang.core.services import UNCHECKED


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness is for attackers, not for the test suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Each test's database is rolled back underneath the cache (production never goes back),
    # and tests may write rows directly, without the services that bump the data version.
    from django.core.cache import cache

    from taizhang.stats.cache import breaker

    cache.clear()
    breaker.reset()  # a test's failing cache does not turn the cache off for the next


@pytest.fixture(autouse=True)
def _default_language(settings):
    # A request in English (LocaleMiddleware) leaves English active in the thread; each test
    # starts in the site's default language whatever ran before it in the same process.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@dataclass
class World:
    office: object
    alice: object
    bob: object
    carol: object
    dave: object
    victor: object
    eve: object
    county: object
    town: object
    other_town: object
    alice_org: object
    bob_org: object
    unit: object
    alice_project: object
    bob_project: object


@pytest.fixture
def admin_user(admin_user):
    # pytest-django's superuser has a password set by "someone else": it would be sent to
    # the forced password change first. Tests use it as an administrator who chose it.
    from taizhang.accounts.security.passwords import mark_password_as_chosen

    mark_password_as_chosen(admin_user)
    admin_user.save(update_fields=["password_changed_at"])
    return admin_user


@pytest.fixture
def world(db) -> World:
    from taizhang.accounts.choices import DivisionLevel, OrganizationKind, Role
    from taizhang.accounts.models import Division, OfficeSettings, Organization, Person, User
    from taizhang.accounts.security.passwords import mark_password_as_chosen
    from taizhang.ledger.choices import Stage
    from taizhang.ledger.services.plans import set_annual_plan
    from taizhang.ledger.services.projects import change_stage, create_project

    province = Division.objects.create(code="130000", name="河北省", level=DivisionLevel.PROVINCE)
    prefecture = Division.objects.create(
        code="130200", name="唐山市", level=DivisionLevel.PREFECTURE, parent=province
    )
    county = Division.objects.create(
        code="130283", name="迁安市", level=DivisionLevel.COUNTY, parent=prefecture
    )
    town = Division.objects.create(
        code="130283100", name="迁安镇", level=DivisionLevel.TOWNSHIP, parent=county
    )
    other_town = Division.objects.create(
        code="130283101", name="夏官营镇", level=DivisionLevel.TOWNSHIP, parent=county
    )
    # The office has July 2022 open for reporting.
    OfficeSettings.objects.create(division=county, reporting_period="2022-07")
    office_org = Organization.objects.create(kind=OrganizationKind.OFFICE, name="迁安市重点项目办")
    unit = Organization.objects.create(kind=OrganizationKind.DEPARTMENT, name="迁安市发改局")
    enterprise = OrganizationKind.ENTERPRISE
    alice_org = Organization.objects.create(kind=enterprise, name="燕山钢铁有限公司")
    bob_org = Organization.objects.create(kind=enterprise, name="迁钢新材有限公司")
    bank_org = Organization.objects.create(kind=OrganizationKind.BANK, name="唐山银行迁安支行")
    leader = Person.objects.create(name="王建国", title="副市长")

    def user(name, role, **kw):
        # A known password on purpose: counts as chosen, so no forced change at first login.
        u = User(username=name, role=role, **kw)
        u.set_password("pw-" + name)
        mark_password_as_chosen(u)
        u.save()
        return u

    office = user("office", Role.OFFICE_ADMIN, organization=office_org, division=county)
    world = World(
        office=office,
        alice=user("alice", Role.OWNER, organization=alice_org, division=county),
        bob=user("bob", Role.OWNER, organization=bob_org, division=county),
        carol=user("carol", Role.LEADER, person=leader, division=county),
        dave=user("dave", Role.UNIT_STAFF, organization=unit, division=county),
        victor=user("victor", Role.VIEWER, division=county),
        eve=user("eve", Role.BANK, organization=bank_org, division=county),
        county=county, town=town, other_town=other_town,
        alice_org=alice_org, bob_org=bob_org, unit=unit,
        alice_project=None, bob_project=None,
    )
    world.alice_project = create_project(
        actor=office, name="燕山钢铁冷轧板带升级改造", owner=alice_org, division=town,
        planned_total=Decimal("50000.00"), leader=leader, responsible_unit=unit, industry="C",
    )
    world.bob_project = create_project(
        actor=office, name="迁钢新材硅钢二期", owner=bob_org, division=other_town,
        planned_total=Decimal("80000.00"), industry="C",
    )
    for project, plan in ((world.alice_project, "12000.00"), (world.bob_project, "20000.00")):
        set_annual_plan(project, 2022, actor=office, planned_investment=Decimal(plan),
                        expected_version=UNCHECKED)
        change_stage(project, Stage.UNDER_CONSTRUCTION, actor=office,
                     effective_date=date(2022, 3, 15), expected_version=UNCHECKED)
        project.refresh_from_db()
    return world


# --- test processes: what must stay together ------------------------------------------------

@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (its own hook)
def pytest_collection_modifyitems(config, items):
    """`make test` runs the suite in several processes (pytest-xdist, ``--dist loadgroup``):
    the tests sharing a module- or package-scoped fixture (the Qian'an demo loaded once for
    its package, a generated ledger, a backup made once) go to one process together, so
    the fixture is made once, not once in each process. xdist reads the groups in its own
    hook of the same name, hence ``tryfirst``; and it groups by suffixing ``item._nodeid``,
    which pytest 9 no longer reads, hence pytest below 9 (pyproject.toml). Without either,
    every process loaded the demo for its share of the tests, and again each time it came
    back to them."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        shared = {}  # scope → where it is shared
        for name in info.names_closure if info else ():
            definition = (info.name2fixturedefs.get(name) or [None])[-1]
            if definition is not None and definition.scope == "package":
                shared["package"] = definition.baseid or "root"
            elif definition is not None and definition.scope == "module":
                shared["module"] = item.module.__name__
        group = shared.get("package") or shared.get("module")  # the widest
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


# --- CI: nothing may be skipped -------------------------------------------------------------

@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """With TAIZHANG_REQUIRE_ALL=1 (set by .ci/run) a skipped test fails the run."""
    if os.environ.get("TAIZHANG_REQUIRE_ALL") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"TAIZHANG_REQUIRE_ALL: {len(skipped)} test(s) were skipped; CI requires all to run.",
            red=True,
        )
        session.exitstatus = 1
