"""An import records one audit event per project; every object it touched still has its
change, with who and before/after, in its own history page, and can be reverted to it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from taizhang.core.audit.history import ValueFormatter, narrowed
from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.service import snapshot
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import MembershipStatus
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.models import AnnualPlan, KeyList, KeyListMembership, MonthlyReport, Project
from taizhang.ledger.services.keylists import apply_for_list
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.reports import save_report
from taizhang.ledger.tests.sheets_factory import STANDARD_LABELS, ledger_grid, to_xlsx
from taizhang.stats import version as data_version

JULY = Period(2022, 7)
KINDS = {Project: "project", AnnualPlan: "plan", MonthlyReport: "report",
         KeyListMembership: "membership"}


def _sheet() -> bytes:
    labels = [*STANDARD_LABELS, "层次"]
    return to_xlsx(ledger_grid([
        {"项目名称": "燕山钢铁冷轧板带升级改造", "建设单位": "燕山钢铁有限公司",
         "总投资（万元）": "52000", "年度计划投资": "13000", "1-7月累计完成投资": "700",
         "本月完成投资": "700", "层次": "省重点"},
        {"项目代码": "2022-130283-07-01-000001", "项目名称": "迁安高端装备产业园",
         "建设单位": "迁安装备制造有限公司", "所属区域": "迁安镇", "总投资（万元）": "30000",
         "年度计划投资": "6000", "1-7月累计完成投资": "1200", "本月完成投资": "200",
         "建设阶段": "在建", "层次": "市重点"},
    ], labels=labels))


def _state() -> dict[tuple[type, int], dict]:
    """Every project, plan, report and membership as stored."""
    return {(model, obj.pk): snapshot(obj)
            for model in KINDS for obj in model._default_manager.all()}


def _history(client, obj) -> str:
    page = client.get(reverse("audit:history", args=[KINDS[type(obj)], obj.pk]))
    assert page.status_code == 200
    return page.content.decode()


def _row(html: str, event: AuditEvent) -> str:
    assert f'id="event-{event.pk}"' in html
    return html.split(f'id="event-{event.pk}"')[1].split("</li>")[0]


@pytest.fixture
def imported(world):
    """The sheet imported over a ledger where alice's project has a plan, a draft July report
    and a pending provincial key-list application; returns the objects it created or changed,
    with their values before."""
    project = world.alice_project
    save_report(project, JULY, actor=world.alice, data={"completed": Decimal("300")},
                expected_version=UNCHECKED)
    key_list = KeyList.objects.create(level="province", kind="key", year=2022)
    apply_for_list(project, key_list, actor=world.office, applied_on=JULY.first_day)
    before = _state()
    version = data_version.current()
    result = import_ledger(_sheet(), "ledger.xlsx", actor=world.office, period=JULY)
    assert result.errors == [] and result.applied
    assert (result.created, result.updated) == (1, 1)
    assert data_version.current() != version  # cached figures are not served any more
    after = _state()
    touched = [key for key, values in after.items() if before.get(key) != values]
    return before, [model._default_manager.get(pk=pk) for model, pk in touched]


def test_every_object_the_import_touched_shows_its_change_in_its_own_history(
        client, world, imported):
    before, touched = imported
    # Both projects, both plans, three reports (alice's July; the new one's July and its
    # January–June lump) and both memberships.
    assert sorted(KINDS[type(obj)] for obj in touched) == [
        "membership", "membership", "plan", "plan", "project", "project",
        "report", "report", "report"]
    events = AuditEvent.objects.filter(action="project.imported")
    assert events.count() == 2  # one per project, not one per written row
    client.force_login(world.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    formatter = ValueFormatter()
    for obj in touched:
        [event] = [e for e in narrowed(AuditEvent.objects.about(obj), obj)
                   if e.action == "project.imported"]
        assert (event.actor, event.source) == (world.office, "import")
        assert "ledger.xlsx" in event.reason
        model, old = type(obj), before.get((type(obj), obj.pk))
        now = snapshot(obj)
        # Every field the import changed is in the event, from its old to its new value.
        changed = {name for name in now if old is not None and old[name] != now[name]}
        changed -= {"version", "updated_at", "reviewed_at", "reviewed_by"}
        assert changed <= set(event.changes), (obj, changed - set(event.changes))
        row = _row(_history(client, obj), event)
        formatter.prefetch(model, [event])
        assert "Imported from a ledger sheet" in row and "office" in row
        for name, value in event.changes.items():
            after = value[1] if isinstance(value, list) else value
            assert after == now[name] or str(after) == str(now[name]), (obj, name)
            if name in ("id", "version", "created_at", "updated_at", "path") or after in (
                    None, ""):
                continue
            with translation.override("en"):
                shown = formatter.value(model, name, after)
            assert f'<tr data-field="{name}">' in row, (obj, name)
            assert f'<td class="after">{escape(shown)}</td>' in row.split(
                f'<tr data-field="{name}">')[1].split("</tr>")[0], (obj, name)
        if old is not None:  # a change shows what was there before
            for name, value in event.changes.items():
                assert value[0] == old[name] or str(value[0]) == str(old[name]), (obj, name)

    # The values themselves, for the objects that existed before.
    plan = AnnualPlan.objects.get(project=world.alice_project, year=2022)
    [plan_event] = [e for e in narrowed(AuditEvent.objects.about(plan), plan)
                    if e.action == "project.imported"]
    assert plan_event.changes == {"planned_investment": ["12000.00", "13000.00"]}
    report = MonthlyReport.objects.get(project=world.alice_project, period=JULY.first_day)
    [report_event] = [e for e in narrowed(AuditEvent.objects.about(report), report)
                      if e.action == "project.imported"]
    assert report_event.changes["completed"] == ["300.00", "700.00"]
    membership = KeyListMembership.objects.get(project=world.alice_project)
    [membership_event] = [e for e in narrowed(AuditEvent.objects.about(membership), membership)
                          if e.action == "project.imported"]
    assert membership_event.changes["status"] == [MembershipStatus.APPLIED,
                                                  MembershipStatus.APPROVED]
    # A project's own history shows its fields, not its plan's or reports' parts.
    html = _history(client, world.alice_project)
    assert "ledger.annualplan:" not in html and "ledger.monthlyreport:" not in html


def test_a_plan_is_reverted_to_the_version_an_import_wrote(client, world, imported):
    plan = AnnualPlan.objects.get(project=world.alice_project, year=2022)
    set_annual_plan(world.alice_project, 2022, actor=world.office,
                    planned_investment=Decimal("9000"), expected_version=plan.version)
    history = AuditEvent.objects.about(plan)
    version = history.get(action="project.imported")
    latest = history.order_by("-at", "-id").first()
    client.force_login(world.office)
    response = client.post(
        reverse("audit:history-revert", args=["plan", plan.pk, version.pk]),
        {"reason": "back to the sheet", "latest": str(latest.pk)})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("13000.00")
    newest = AuditEvent.objects.for_object(plan).order_by("-id").first()
    assert newest.reverts_id == version.pk
    assert newest.changes["planned_investment"] == ["9000.00", "13000.00"]


def test_another_projects_import_event_is_not_a_version_of_this_plan(client, world, imported):
    plan = AnnualPlan.objects.get(project=world.bob_project, year=2022)
    other = AuditEvent.objects.get(action="project.imported", object_id=str(
        world.alice_project.pk))
    assert not AuditEvent.objects.about(plan).filter(pk=other.pk).exists()
    client.force_login(world.office)
    response = client.post(
        reverse("audit:history-revert", args=["plan", plan.pk, other.pk]),
        {"reason": "x", "latest": str(AuditEvent.objects.about(plan).first().pk)})
    assert response.status_code == 404


def test_the_audit_export_gives_every_object_the_import_touched_its_own_row(
        client, world, imported):
    """An inspector filtering the export by plans, reports or memberships finds the import's
    changes of each (they travel inside their project's event)."""
    import io

    from openpyxl import load_workbook

    _before, touched = imported
    client.force_login(world.office)
    for model, label in ((AnnualPlan, "ledger.annualplan"), (MonthlyReport, "ledger.monthlyreport"),
                         (KeyListMembership, "ledger.keylistmembership")):
        response = client.get(reverse("audit:export"), {
            "object_type": label, "format": "xlsx", "download": "1"})
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(
            min_row=2, values_only=True))
        imported_ids = {str(row[4]) for row in rows
                        if row[2] == "project.imported" and row[3] == label}
        assert {str(obj.pk) for obj in touched if type(obj) is model} <= imported_ids, label
        assert {row[3] for row in rows} == {label}  # nothing of another type
