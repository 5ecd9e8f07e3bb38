"""The Qian'an 2022 demo reproduces the article's figures, through the real services.

The scenario is loaded once for the module, inside a transaction rolled back at the end; each
test runs in a savepoint on top of it.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.test import override_settings

from taizhang.accounts.choices import Role
from taizhang.accounts.models import Division, Organization, Person, User
from taizhang.core.audit.models import AuditEvent
from taizhang.core.codes import PROJECT_CODE_RE, is_valid_uscc
from taizhang.core.periods import Period
from taizhang.ledger.choices import MembershipStatus, ReportStatus, Stage
from taizhang.ledger.filters import ProjectFilter
from taizhang.ledger.models import (
    AnnualPlan,
    KeyList,
    KeyListMembership,
    MonthlyReport,
    Project,
    StageChange,
)
from taizhang.scenarios.qianan import data as D
from taizhang.scenarios.qianan.loader import is_loaded, load, reset
from taizhang.scenarios.qianan.plan import build_plan
from taizhang.stats.service import compute

pytestmark = pytest.mark.django_db
JULY = Period(2022, 7)
MODELS = [Division, Organization, Person, User, Project, StageChange, AnnualPlan, KeyList,
          KeyListMembership, MonthlyReport, AuditEvent]


@pytest.fixture(scope="module", autouse=True)
def scenario(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        with transaction.atomic():
            result = load()
            yield result
            transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in MODELS}


def test_it_was_loaded(scenario):
    assert scenario.loaded


def test_the_articles_figures():
    data = compute(Project.objects.all(), JULY).as_dict()
    assert data["projects"] == 284
    assert data["planned_total_wan"] == "14101000.00"
    assert data["annual_plan_wan"] == "2676000.00"
    assert data["ytd_completed_wan"] == "1572000.00"
    assert AnnualPlan.objects.filter(year=2022).count() == 284
    assert AnnualPlan.objects.filter(year=2022, planned_new_start=True).exists()


@pytest.mark.parametrize("by", ["township", "unit", "leader", "industry", "nature", "stage"])
def test_the_articles_figures_by_group_add_up(capsys, by):
    call_command("stats", "--period", "2022-07", "--group-by", by, "--json")
    data = json.loads(capsys.readouterr().out)
    assert (data["projects"], data["ytd_completed_wan"]) == (284, "1572000.00")
    assert sum(g["projects"] for g in data["groups"]) == 284
    assert sum(Decimal(g["ytd_completed_wan"]) for g in data["groups"]) == Decimal("1572000.00")
    assert sum(Decimal(g["annual_plan_wan"]) for g in data["groups"]) == Decimal("2676000.00")


def test_key_lists():
    projects = Project.objects.all()
    group = ProjectFilter(key_lists=["province", "prefecture"]).apply(projects, 2022)
    assert group.count() == 44
    assert compute(group, JULY).as_dict()["planned_total_wan"] == "5525000.00"
    prestage = ProjectFilter(key_lists=["province-prestage"]).apply(projects, 2022)
    assert prestage.count() == 11
    assert set(prestage.values_list("stage", flat=True)) <= {Stage.PLANNING, Stage.PRELIMINARY}
    county = ProjectFilter(key_lists=["county"]).apply(projects, 2022)
    assert county.count() == 284
    # pending and refused applications exist but do not count
    others = KeyListMembership.objects.exclude(status=MembershipStatus.APPROVED)
    assert others.filter(status=MembershipStatus.APPLIED).count() in (1, 2)
    assert others.filter(status=MembershipStatus.REJECTED).count() == 1
    assert not others.filter(project__in=group, key_list__level__in=["province", "prefecture"],
                             key_list__kind="key").exists()
    decided = KeyListMembership.objects.filter(status=MembershipStatus.APPROVED)
    assert decided.aggregate(last=Max("decided_on"))["last"].isoformat() < "2022-04-01"


def test_named_projects():
    def lists(name):
        project = Project.objects.get(name=name)
        return project, set(project.memberships.filter(status="approved").values_list(
            "key_list__level", "key_list__kind"))

    for name in (D.XINDA, D.ZHONGRONG):
        project, on = lists(name)
        assert ("province", "prestage") in on
        assert project.stage in (Stage.PLANNING, Stage.PRELIMINARY)
    project, on = lists(D.SHOUGANG)
    assert on & {("province", "key"), ("prefecture", "key")}
    project, _on = lists(D.YANYANG)
    assert project.stage == Stage.UNDER_CONSTRUCTION
    assert project.owner.name == D.YANYANG_OWNER
    assert 2 <= project.owner.projects.count() <= 3


def test_codes():
    owners = Organization.objects.filter(projects__isnull=False).distinct()
    assert owners.count() > 150
    for org in owners:
        assert org.credit_code and is_valid_uscc(org.credit_code), org.name
    all_codes = Organization.objects.exclude(credit_code=None).values_list("credit_code", flat=True)
    assert all(is_valid_uscc(code) for code in all_codes)
    codes = list(Project.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    assert all(PROJECT_CODE_RE.match(c) and c[5:11] == "130283" for c in codes)
    assert 1 <= Project.objects.filter(code=None).count() <= 15
    assert Division.objects.filter(code__startswith="130283", level="township").count() >= 21


def test_ytd_comes_from_monthly_reports():
    approved = MonthlyReport.objects.filter(status=ReportStatus.APPROVED)
    periods = approved.filter(period__year=2022).values("period").distinct()
    assert periods.count() >= 7
    assert not approved.filter(period__gt=JULY.first_day).exists()
    per_project = approved.values("project").annotate(n=Count("id"), ytd=Sum("completed"))
    assert max(row["n"] for row in per_project) == 7
    assert not approved.exclude(
        project__stage__in=[Stage.UNDER_CONSTRUCTION, Stage.COMPLETED]).exists()
    plans = dict(AnnualPlan.objects.filter(year=2022).values_list("project", "planned_investment"))
    for project in Project.objects.filter(reports__isnull=False).distinct().annotate(
        ytd=Sum("reports__completed", filter=Q(reports__status=ReportStatus.APPROVED)),
        first=Min("reports__period"),
        top=Max("reports__completed"),
    ):
        plan = plans[project.pk]
        assert project.top <= plan, project.name
        assert project.ytd <= plan * 12 / 10, project.name
        assert project.completed_before + project.ytd <= project.planned_total, project.name
        assert project.first >= project.actual_start.replace(day=1), project.name


def test_review_queue_and_report_form_are_not_empty():
    august = MonthlyReport.objects.filter(period__year=2022, period__month=8)
    assert 1 <= august.filter(status=ReportStatus.SUBMITTED).count() <= 10
    assert august.count() == august.filter(status=ReportStatus.SUBMITTED).count()
    assert not august.filter(project__owner__name=D.YANYANG_OWNER).exists()
    assert august.values("project__owner").distinct().count() >= 2


def test_everything_went_through_the_services():
    scenario_events = AuditEvent.objects.filter(source="scenario")
    assert scenario_events.filter(action="project.created").count() == 284
    approved = MonthlyReport.objects.filter(status=ReportStatus.APPROVED).count()
    assert scenario_events.filter(action="report.approved").count() == approved
    moves = StageChange.objects.count()
    assert scenario_events.filter(action="project.stage_changed").count() == moves
    assert scenario_events.filter(action="plan.created").count() == 284
    on_hold = StageChange.objects.filter(to_stage=Stage.ON_HOLD)
    assert on_hold.exists() and all(c.reason for c in on_hold)


def test_demo_users():
    county = Division.objects.get(code="130283")
    users = User.objects.filter(username__in=[u for u, _r, _h in D.DEMO_USERS])
    assert set(users.values_list("role", flat=True)) == set(Role.values)
    for user in users:
        assert user.division == county
        assert user.check_password(D.PASSWORD)
        # The published demo password counts as chosen: no forced change at login.
        assert user.password_changed_at is not None
    office = users.get(username="office")
    assert office.is_staff and office.role == Role.OFFICE_ADMIN
    assert users.get(username="leader").person.led_projects.filter(name=D.YANYANG).exists()
    assert users.get(username="owner").organization.name == D.YANYANG_OWNER
    assert users.get(username="unit").organization.unit_projects.count() >= 3
    assert users.get(username="bank").organization.kind == "bank"


def test_a_second_run_changes_nothing():
    before = counts()
    assert load().loaded is False
    out = StringIO()
    call_command("load-scenario", "qianan-2022", stdout=out)
    assert "already loaded" in out.getvalue()
    assert counts() == before


def test_unknown_scenario_names_the_known_ones():
    with pytest.raises(CommandError, match="qianan-2022"):
        call_command("load-scenario", "beijing-2030")


def test_the_plan_is_deterministic():
    first, second = build_plan(), build_plan()
    assert [(p.name, p.total, p.plan, p.monthly, p.code) for p in first.projects] == [
        (p.name, p.total, p.plan, p.monthly, p.code) for p in second.projects
    ]
    assert re.fullmatch(r"\d{4}-130283-\d{2}-0[123]-\d{6}", first.projects[0].code or
                        "2022-130283-31-03-000000")


def test_reset_removes_every_row_of_the_scenario():
    # Reloading after a reset is the load tested above; here: the reset leaves nothing behind.
    reset()
    # Only the record of the purge itself stays: audit rows go through the one purge path.
    from taizhang.core.audit.models import AuditEvent

    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["audit.purged"]
    assert {label: n for label, n in counts().items()
            if n and label != "core.AuditEvent"} == {}
    assert not is_loaded()
