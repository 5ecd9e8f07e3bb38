"""The same matrix one level down: querysets and service functions called directly.

A view's 404 is not the only guard: every service checks the scope again, so a command, an
import or a future API that forgets the view's check still cannot write outside the scope.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from taizhang.accounts.security import lockout, second_factor
from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.revert import revert_to
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.land import services as land_services
from taizhang.ledger.choices import MembershipStatus, Stage
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.models import (
    AnnualPlan,
    KeyList,
    KeyListMembership,
    MonthlyReport,
    Project,
    ReportPhoto,
    StageChange,
)
from taizhang.ledger.services import keylists, plans, projects, reports
from taizhang.ledger.tests.sheets_factory import ledger_grid, to_xlsx
from taizhang.stats.service import compute

from . import land_matrix
from .conftest import ACCOUNTS, CHANGE, OFFICE, PERSONAS, REPORT, VIEW, Matrix, png_upload
from .test_matrix import KEYS, PLANNED, _second_version, rolled_back

SCOPED = {
    Project: "pk", StageChange: "project_id", AnnualPlan: "project_id",
    MonthlyReport: "project_id", KeyListMembership: "project_id",
    ReportPhoto: "report__project_id",
}


def _keys(m: Matrix, ids: set[int]) -> set[str]:
    return {k for k, p in m.projects.items() if p.pk in ids}


@pytest.mark.parametrize("model", list(SCOPED), ids=lambda model: model.__name__)
def test_every_scoped_queryset_matches_the_matrix(matrix, model):
    for who in PERSONAS:
        user = matrix.users[who]
        for action, expected in (("view", VIEW), ("report", REPORT), ("change", CHANGE),
                                 ("review", CHANGE)):
            ids = set(model.objects.restrict(user, action).values_list(SCOPED[model], flat=True))
            assert _keys(matrix, ids) == expected[who], (model.__name__, who, action)
            assert len(ids) == len(expected[who])  # nothing outside the three projects either


def test_anonymous_and_inactive_users_see_nothing(matrix):
    office = matrix.users["office"]
    office.is_active = False
    for user in (AnonymousUser(), office, None):
        for model in SCOPED:
            assert not model.objects.restrict(user, "view").exists()
        assert not AuditEvent.objects.restrict(user, "view").exists()


def test_statistics_total_only_the_scope(matrix):
    for who in PERSONAS:
        stats = compute(Project.objects.restrict(matrix.users[who], "view"), Period(2022, 7))
        assert stats.total.projects == len(VIEW[who])
        assert stats.total.planned_total == sum((PLANNED[k] for k in VIEW[who]), Decimal(0))


def test_audit_trail_is_scoped_like_the_ledger(matrix):
    """An office reads the events about its own projects and people, never another county's."""
    for who in PERSONAS:
        events = AuditEvent.objects.restrict(matrix.users[who], "view")
        project_ids = {int(i) for i in events.filter(object_type="ledger.project")
                       .values_list("object_id", flat=True)}
        report_ids = {int(i) for i in events.filter(object_type="ledger.monthlyreport")
                      .values_list("object_id", flat=True)}
        reports_of = {r.pk: r.project_id for r in MonthlyReport.objects.all()}
        expected = VIEW[who] if who in ("office", "office2", "super") else set()
        assert _keys(matrix, project_ids) == expected, who
        assert _keys(matrix, {reports_of[i] for i in report_ids}) == expected, who
        texts = " ".join(events.values_list("object_repr", flat=True))
        for key in KEYS:
            if key not in expected:
                assert matrix.projects[key].name not in texts, (who, key)


def test_audit_export_holds_only_the_scope(matrix):
    """The inspectors' export: an office's own projects and their reports; nothing for others."""
    reports_of = {r.pk: r.project_id for r in MonthlyReport.objects.all()}
    for who in PERSONAS:
        events = AuditEvent.objects.restrict(matrix.users[who], "view")
        project_ids = {int(i) for i in events.filter(object_type="ledger.project")
                       .values_list("object_id", flat=True)}
        report_ids = {int(i) for i in events.filter(object_type="ledger.monthlyreport")
                      .values_list("object_id", flat=True)}
        expected = VIEW[who] if who in OFFICE else set()
        assert _keys(matrix, project_ids) == expected, who
        assert _keys(matrix, {reports_of[i] for i in report_ids}) == expected, who


def test_account_services_stay_in_the_division(matrix):
    """Unlocking and resetting a second factor: office admins, for their division's accounts."""
    users = matrix.users
    for who in PERSONAS:
        actor = users[who]
        mine = ACCOUNTS[who] if who in OFFICE else set()
        if who in OFFICE:
            shown = set(lockout.users_for_office(actor).values_list("pk", flat=True))
            assert {p for p in PERSONAS if users[p].pk in shown} == mine, who
        else:
            with pytest.raises(PermissionDenied):
                lockout.users_for_office(actor)
        for target in PERSONAS:
            with rolled_back():
                type(actor).objects.filter(pk=users[target].pk).update(
                    locked_at=timezone.now(), totp_confirmed=True)
                user = type(actor).objects.get(pk=users[target].pk)
                if target in mine:
                    lockout.unlock_user(user, actor=actor)
                    assert _fresh(user).locked_at is None
                else:
                    with pytest.raises(PermissionDenied):
                        lockout.unlock_user(user, actor=actor)
                    assert _fresh(user).locked_at is not None
                if target == who:
                    continue
                if target in mine:
                    second_factor.disable(user, actor=actor)
                    assert not _fresh(user).totp_confirmed
                else:
                    with pytest.raises(PermissionDenied):
                        second_factor.disable(user, actor=actor)
                    assert _fresh(user).totp_confirmed, (who, target)


def _fresh(obj: Any) -> Any:
    """A new copy from the database: a rolled-back call may have changed the one in memory."""
    return type(obj).objects.get(pk=obj.pk)


# Each service call, by the project key it touches; `who` is the acting persona.
def _calls(m: Matrix) -> dict[str, tuple[dict[str, set[str]], Any]]:
    today = date(2022, 8, 1)
    return {
        "update_project": (CHANGE, lambda k, u: projects.update_project(
            m.projects[k], actor=u, expected_version=UNCHECKED, changes={"address": "新址"})),
        "change_stage": (CHANGE, lambda k, u: projects.change_stage(
            m.projects[k], Stage.ON_HOLD, actor=u, effective_date=today, reason="停工",
                                                                    expected_version=UNCHECKED)),
        "set_annual_plan": (CHANGE, lambda k, u: plans.set_annual_plan(
            m.projects[k], 2025, actor=u, planned_investment=Decimal("1"),
                                                                       expected_version=UNCHECKED)),
        "apply_for_list": (CHANGE, lambda k, u: keylists.apply_for_list(
            m.projects[k], KeyList.objects.create(level="province", kind="key", year=2022),
            actor=u, applied_on=today)),
        "decide_membership": (CHANGE, lambda k, u: keylists.decide_membership(
            _fresh(m.membership[k]), MembershipStatus.APPROVED, actor=u, decided_on=today)),
        "save_report": (REPORT, lambda k, u: reports.save_report(
            m.projects[k], Period(2022, 7), actor=u,
            data={"completed": Decimal("5"), "image_progress": "改"}, expected_version=UNCHECKED)),
        "submit_report": (REPORT, lambda k, u: reports.submit_report(_fresh(m.draft[k]), actor=u,
                                                                     expected_version=UNCHECKED)),
        "approve_report": (CHANGE, lambda k, u: reports.approve_report(
            _fresh(m.submitted[k]), actor=u, expected_version=UNCHECKED)),
        "return_report": (CHANGE, lambda k, u: reports.return_report(
            _fresh(m.submitted[k]), actor=u, reason="补充", expected_version=UNCHECKED)),
        "reopen_report": (CHANGE, lambda k, u: reports.reopen_report(
            reports.approve_report(_fresh(m.submitted[k]), actor=m.users["super"],
                                   expected_version=UNCHECKED), actor=u,
            reason="更正", expected_version=UNCHECKED)),
        "add_photo": (REPORT, lambda k, u: reports.add_photo(
            _fresh(m.draft[k]), png_upload(), actor=u)),
        "delete_photo": (REPORT, lambda k, u: reports.delete_photo(_fresh(m.photo[k]), actor=u)),
        # An owner of the project's own county (G's owner is Qian'an's: finding 11).
        "create_project": (CHANGE, lambda k, u: projects.create_project(
            actor=u, name="新项目", owner=m.projects["F" if k == "G" else k].owner,
            division=m.projects[k].division, planned_total=Decimal("1"), industry="C")),
        "import_ledger": (CHANGE, lambda k, u: _import_or_refuse(m, k, u)),
        "revert_to": (CHANGE, lambda k, u: _revert(m, k, u)),
        # Land (tests/permissions/land_matrix.py): an owner requests for its own project, the
        # office of the quota's county does everything.
        "request_land": (REPORT, lambda k, u: _land_request(m, k, u)),
        "allocate_land": (CHANGE, lambda k, u: land_services.allocate(
            _fresh(land_matrix._setup(m)["allocations"][k]), Decimal("1"), actor=u, on=today,
            expected_version=UNCHECKED, override_reason="矩阵")),
        "record_land_supply": (CHANGE, lambda k, u: land_services.record_supply(
            land_services.allocate(_fresh(land_matrix._setup(m)["allocations"][k]),
                                   Decimal("1"), actor=m.users["super"],
                                   on=today, expected_version=UNCHECKED),
            Decimal("1"), actor=u, on=today, expected_version=UNCHECKED)),
    }


def _land_request(m: Matrix, key: str, user: Any) -> None:
    from taizhang.land.models import Allocation

    found = land_matrix._setup(m)["allocations"][key]
    Allocation.objects.filter(pk=found.pk).delete()
    land_services.request_land(found.quota, m.projects[key], Decimal("2"), actor=user,
                               on=date(2022, 8, 1))


def _revert(m: Matrix, key: str, user: Any) -> None:
    """Each revertible kind changed once more by its office, then reverted by `user`."""
    for kind in ("project", "plan", "report"):
        obj, restored = _second_version(m, kind, key)
        events = list(AuditEvent.objects.for_object(obj).order_by("-at", "-id"))
        revert_to(obj, events[1], actor=user, reason="核对", seen_latest=events[0].pk)
        assert restored(), (kind, key)


def _import_or_refuse(m: Matrix, key: str, user: Any) -> None:
    """An import naming the project: refused (no scope) or an error row (another division)."""
    project = m.projects[key]
    # No township: the division check alone must stop an office of another county.
    grid = ledger_grid([{"项目名称": project.name, "建设单位": project.owner.name,
                         "总投资（万元）": "77777",
                         "年度计划投资": "1"}], title="2022年1-7月重点项目台账")
    result = import_ledger(to_xlsx(grid), "台账.xlsx", actor=user, period=Period(2022, 7))
    if not result.applied:
        raise PermissionDenied(result.errors)
    # Another division's project is not found by an office's import: the row may create the
    # office's own project of that name (G: its owner is Qian'an's), never change that one.
    if Project.objects.get(pk=project.pk).planned_total != Decimal("77777"):
        raise PermissionDenied("another division's project was not changed")


@pytest.mark.parametrize("call", [
    "update_project", "change_stage", "set_annual_plan", "apply_for_list", "decide_membership",
    "save_report", "submit_report", "approve_report", "return_report", "reopen_report",
    "add_photo", "delete_photo", "create_project", "import_ledger", "revert_to",
    "request_land", "allocate_land", "record_land_supply",
])
def test_every_service_refuses_a_foreign_user(matrix, call):
    if "land" in call:
        land_matrix._setup(matrix)  # outside the rolled-back calls: it is kept for them
    scope, run = _calls(matrix)[call]
    for who in PERSONAS:
        for key in KEYS:
            with rolled_back():
                if key in scope[who]:
                    run(key, matrix.users[who])
                else:
                    with pytest.raises(PermissionDenied):
                        run(key, matrix.users[who])


def test_only_offices_create_key_lists(matrix):
    for who in PERSONAS:
        with rolled_back():
            if who in ("office", "office2", "super"):
                keylists.get_or_create_list("city", "key", 2030, actor=matrix.users[who])
            else:
                with pytest.raises(PermissionDenied):
                    keylists.get_or_create_list("city", "key", 2030, actor=matrix.users[who])


def test_a_parent_project_must_be_in_the_actors_scope(matrix):
    """Linking to a project one cannot see would name it on the child's pages."""
    from taizhang.core.services import ServiceError

    office2, office = matrix.users["office2"], matrix.users["office"]
    far, bob_project = matrix.projects["F"], matrix.projects["B"]
    with pytest.raises(ServiceError) as refused:
        projects.update_project(_fresh(far), actor=office2, expected_version=UNCHECKED,
                                changes={"parent": bob_project})
    assert refused.value.field == "parent"
    assert _fresh(far).parent_id == matrix.projects["A"].pk
    with pytest.raises(ServiceError):
        projects.create_project(actor=office, name="子项目", owner=bob_project.owner,
                                division=bob_project.division, planned_total=Decimal("1"),
                                industry="C", parent=far)
    assert not Project.objects.filter(name="子项目").exists()
    with rolled_back():  # within the scope it works
        child = projects.create_project(
            actor=office, name="子项目", owner=bob_project.owner, division=bob_project.division,
            planned_total=Decimal("1"), industry="C", parent=bob_project)
        assert child.parent_id == bob_project.pk


def test_the_export_command_for_a_user_holds_only_their_scope(matrix, tmp_path):
    import io

    import openpyxl
    from django.core.management import call_command

    for who in ("alice", "office", "eve"):
        out = tmp_path / f"{who}.xlsx"
        call_command("export-ledger", period="2022-07", output=str(out),
                     user=matrix.users[who].username, stdout=io.StringIO())
        ws = openpyxl.load_workbook(out).active
        names = {ws.cell(r, 3).value for r in range(5, ws.max_row)}
        assert names == {matrix.projects[k].name for k in VIEW[who]}, who


def test_financing_services_refuse_every_foreign_persona(matrix):
    """Each financing service (taizhang/financing/services.py) with every persona, on the
    financing world of financing_matrix.py: who may, and PermissionDenied for the rest."""
    from taizhang.financing import services as fin
    from taizhang.financing.models import FinancingNeed, Loan, LoanIntention

    from .financing_matrix import _setup

    found = _setup(matrix)
    needs, day = found["needs"], date(2022, 7, 20)
    eve_bank = matrix.users["eve"].organization
    office_a = {"office", "super"}
    cases: dict[str, tuple[set[str], Any]] = {
        "create_need A": ({"office", "super", "alice"}, lambda u: fin.create_need(
            matrix.projects["A"], actor=u, amount=1, purpose="新", term_months=6)),
        "create_need F": ({"office2", "super"}, lambda u: fin.create_need(
            matrix.projects["F"], actor=u, amount=1, purpose="新", term_months=6)),
        "update_need B": ({"office", "super", "bob"}, lambda u: fin.update_need(
            FinancingNeed.objects.get(pk=needs["B"].pk), actor=u, expected_version=UNCHECKED,
            purpose="改")),
        "publish_need B": (office_a, lambda u: fin.publish_need(
            FinancingNeed.objects.get(pk=needs["B"].pk), actor=u, expected_version=UNCHECKED)),
        "close_need F": ({"office2", "super"}, lambda u: fin.close_need(
            FinancingNeed.objects.get(pk=needs["F"].pk), actor=u, expected_version=UNCHECKED)),
        "record_event": (office_a, lambda u: fin.record_event(
            matrix.world.county, actor=u, date=day, title="会", banks=[eve_bank])),
        "record_intention A": ({"office", "super", "eve"}, lambda u: fin.record_intention(
            actor=u, need=needs["A"], bank=eve_bank, amount=1, date=day)),
        "sign_loan": (office_a, lambda u: fin.sign_loan(
            actor=u, intention=LoanIntention.objects.get(pk=found["intentions"]["spare"].pk),
            amount=1, signed_on=day, term_months=6)),
        "record_disbursement": (office_a, lambda u: fin.record_disbursement(
            Loan.objects.get(pk=found["loans"]["eve"].pk), actor=u, date=day, amount=1)),
    }
    for name, (allowed, run) in cases.items():
        for who in PERSONAS:
            with rolled_back():
                if who in allowed:
                    run(matrix.users[who])
                else:
                    with pytest.raises(PermissionDenied):
                        run(matrix.users[who])
                    assert name
def test_the_policies_services_stay_in_their_scope(matrix):
    """Every persona against each policy service (tests/permissions/policies_matrix.py's
    world): the catalogue, runs and grants are the placed offices' of their own county;
    reading and applying, the pushed firm's owners' in their own county. The superuser may
    do what any office does (its pages need a division: the matrix's 403)."""
    from taizhang.policies import services as policy_services
    from taizhang.policies.models import Policy, Push

    from .policies_matrix import PLACED, _setup

    found = _setup(matrix)
    for who in PERSONAS:
        user = matrix.users[who]
        county = "QF" if who == "super" else PLACED.get(who)
        seen = set(Policy.objects.restrict(user).values_list("title", flat=True))
        assert seen == {f"矩阵政策{c}" for c in county or ""}, who
        pushes = set(Push.objects.restrict(user).values_list("pk", flat=True))
        own = {push.pk for (c, owner), push in found["pushes"].items() if (c, owner) == ("Q", who)}
        if county:
            assert pushes == set(Push.objects.filter(policy__title__in=seen)
                                 .values_list("pk", flat=True)), who
        else:
            assert pushes == own, who
        for key, policy in found["policies"].items():
            with rolled_back():
                if key in (county or ""):
                    policy_services.run_matching(policy.division, actor=user)
                    policy_services.save_policy(policy.division, actor=user, policy=policy,
                                                expected_version=UNCHECKED, title="改")
                else:
                    with pytest.raises(PermissionDenied):
                        policy_services.run_matching(policy.division, actor=user)
                    with pytest.raises(PermissionDenied):
                        policy_services.save_policy(policy.division, actor=user, policy=policy,
                                                    expected_version=UNCHECKED, title="改")
        bobs = found["pushes"]["Q", "bob"]
        with rolled_back():
            if who == "bob":
                policy_services.mark_applied(bobs, actor=user)
            else:
                with pytest.raises(PermissionDenied):
                    policy_services.mark_applied(bobs, actor=user)
        alices = found["pushes"]["Q", "alice"]  # applied in the setup
        with rolled_back():
            if "Q" in (county or ""):
                policy_services.mark_granted(alices, actor=user)
            else:
                with pytest.raises(PermissionDenied):
                    policy_services.mark_granted(alices, actor=user)
