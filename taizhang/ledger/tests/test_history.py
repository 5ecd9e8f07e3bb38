"""History per object and the office's revert, through the web (the issue's acceptance)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.models import MonthlyReport
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import update_project
from taizhang.ledger.services.reports import approve_report, save_report, submit_report

JULY = Period(2022, 7)


def _english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _report_post(amount: str, version: int) -> dict[str, str]:
    return {"completed": amount, "image_progress": "主体结构施工", "behind_reason": "",
            "problems": "", "next_steps": "", "version": str(version), "save": "1"}


def _history_url(kind, obj):
    return reverse("audit:history", args=[kind, obj.pk])


def test_changed_figure_shows_who_from_what_to_what_and_office_reverts_it(client, world):
    project = world.alice_project
    form_url = reverse("ledger:report-form", args=[project.pk, str(JULY)])
    owner = _english(client, world.alice)
    assert owner.post(form_url, _report_post("1000", 0)).status_code == 302
    report = MonthlyReport.objects.get(project=project, period=JULY.first_day)
    assert owner.post(form_url, _report_post("1234.56", report.version)).status_code == 302
    report.refresh_from_db()
    assert report.completed == Decimal("1234.56")

    # The report page links to its history; the office sees who changed what from what to what.
    assert _history_url("report", report) in owner.get(form_url).content.decode()
    office = _english(client, world.office)
    page = office.get(_history_url("report", report))
    assert page.status_code == 200
    html = page.content.decode()
    changed = AuditEvent.objects.get(action="report.updated", object_id=str(report.pk))
    created = AuditEvent.objects.get(action="report.created", object_id=str(report.pk))
    assert changed.actor == world.alice
    assert changed.changes["completed"] == ["1000.00", "1234.56"]
    row = html.split(f'id="event-{changed.pk}"')[1].split("</li>")[0]
    assert "alice" in row
    assert "<td>Completed this month (10k yuan)</td>" in row
    assert '<td class="before">1,000.00</td>' in row
    assert '<td class="after">1,234.56</td>' in row
    assert changed.request_id[:8] in row

    # The office reverts to the first version, with a reason; the revert is in the history.
    response = office.post(
        reverse("audit:history-revert", args=["report", report.pk, created.pk]),
        {"reason": "wrong figure typed", "latest": str(changed.pk)},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.completed == Decimal("1000.00")
    revert = AuditEvent.objects.for_object(report).order_by("-id").first()
    assert revert.actor == world.office
    assert revert.reverts_id == created.pk
    assert revert.reason == "wrong figure typed"
    assert revert.changes["completed"] == ["1234.56", "1000.00"]
    html = office.get(_history_url("report", report)).content.decode()
    assert f'data-reverts="{created.pk}"' in html
    assert "wrong figure typed" in html


def _two_versions(world):
    report = save_report(world.alice_project, JULY, actor=world.alice,
                         data={"completed": Decimal("10")}, expected_version=UNCHECKED)
    report = save_report(world.alice_project, JULY, actor=world.alice,
                         data={"completed": Decimal("20")}, expected_version=report.version)
    events = list(AuditEvent.objects.for_object(report).order_by("id"))
    return report, events[0], events[-1]


def _revert(client, report, version, latest, reason="typo", kind="report"):
    return client.post(reverse("audit:history-revert", args=[kind, report.pk, version.pk]),
                       {"reason": reason, "latest": str(latest.pk)}, follow=True)


def test_revert_needs_a_reason_and_a_fresh_page(client, world):
    report, first, latest = _two_versions(world)
    office = _english(client, world.office)
    page = _revert(office, report, first, latest, reason="  ")
    assert "Give a reason for the revert." in page.content.decode()
    report.refresh_from_db()
    assert report.completed == Decimal("20")
    # Someone saves after the office opened the history: the revert is refused.
    save_report(world.alice_project, JULY, actor=world.alice,
                data={"completed": Decimal("30")}, expected_version=report.version)
    page = _revert(office, report, first, latest)
    assert "Someone else saved this record" in page.content.decode()
    report.refresh_from_db()
    assert report.completed == Decimal("30")


def test_owner_cannot_revert_and_other_owner_cannot_see(client, world):
    report, first, latest = _two_versions(world)
    owner = _english(client, world.alice)
    html = owner.get(_history_url("report", report)).content.decode()
    assert "Revert to this version" not in html
    page = _revert(owner, report, first, latest)
    assert "You may not revert this record." in page.content.decode()
    report.refresh_from_db()
    assert report.completed == Decimal("20")
    bob = _english(client, world.bob)
    assert bob.get(_history_url("report", report)).status_code == 404
    assert bob.get(_history_url("project", world.alice_project)).status_code == 404
    eve = _english(client, world.eve)
    assert eve.get(_history_url("project", world.alice_project)).status_code == 404


def test_approved_report_follows_the_workflow(client, world):
    report, first, latest = _two_versions(world)
    report = submit_report(report, actor=world.alice, expected_version=UNCHECKED)
    report = approve_report(report, actor=world.office, expected_version=UNCHECKED)
    newest = AuditEvent.objects.for_object(report).order_by("-id").first()
    page = _revert(_english(client, world.office), report, first, newest)
    assert "Reopen or return it first" in page.content.decode()
    report.refresh_from_db()
    assert (report.completed, report.status) == (Decimal("20"), ReportStatus.APPROVED)


def test_project_and_plan_history_and_revert(client, world):
    project = world.alice_project
    project.refresh_from_db()
    update_project(project, actor=world.office, expected_version=project.version,
                   changes={"planned_total": Decimal("60000"), "owner": world.bob_org})
    plan = project.plans.get(year=2022)
    set_annual_plan(project, 2022, actor=world.office, planned_investment=Decimal("15000"),
                    expected_version=plan.version)
    office = _english(client, world.office)
    detail = office.get(project.get_absolute_url()).content.decode()
    assert _history_url("project", project) in detail
    assert _history_url("plan", plan) in detail
    html = office.get(_history_url("project", project)).content.decode()
    assert "50,000.00" in html and "60,000.00" in html
    assert "燕山钢铁有限公司" in html and "迁钢新材有限公司" in html  # related objects by name
    assert "Under construction" in html  # a stage shown by its label, not its code

    events = list(AuditEvent.objects.for_object(project).order_by("id"))
    before_edit = [e for e in events if e.action != "project.updated"][-1]
    latest = events[-1]
    response = office.post(
        reverse("audit:history-revert", args=["project", project.pk, before_edit.pk]),
        {"reason": "owner entered by mistake", "latest": str(latest.pk)})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.planned_total == Decimal("50000.00")
    assert project.owner == world.alice_org
    assert project.stage == "under_construction"  # stages are not reverted

    plan_events = list(AuditEvent.objects.for_object(plan).order_by("id"))
    office.post(reverse("audit:history-revert", args=["plan", plan.pk, plan_events[0].pk]),
                {"reason": "plan was right", "latest": str(plan_events[-1].pk)})
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("12000.00")
    assert AuditEvent.objects.for_object(plan).order_by("-id").first().reverts_id == \
        plan_events[0].pk


def test_nothing_to_revert_is_said_clearly(client, world):
    report, first, latest = _two_versions(world)
    report = save_report(world.alice_project, JULY, actor=world.alice,
                         data={"completed": Decimal("10")}, expected_version=report.version)
    newest = AuditEvent.objects.for_object(report).order_by("-id").first()
    page = _revert(_english(client, world.office), report, first, newest)
    assert "Nothing a revert can restore differs" in page.content.decode()


def test_membership_and_user_history_visibility(client, world):
    from taizhang.ledger.models import KeyList, KeyListMembership
    from taizhang.ledger.services.keylists import apply_for_list

    key_list = KeyList.objects.create(level="province", kind="key", year=2022)
    membership = apply_for_list(world.alice_project, key_list, actor=world.office,
                                applied_on=JULY.first_day)
    office = _english(client, world.office)
    html = office.get(_history_url("membership", membership)).content.decode()
    assert "Applied for a key list" in html
    assert isinstance(membership, KeyListMembership)
    assert office.get(_history_url("user", world.alice)).status_code == 200
    owner = _english(client, world.alice)
    assert owner.get(_history_url("user", world.alice)).status_code == 200
    assert owner.get(_history_url("user", world.bob)).status_code == 404
    assert owner.get(reverse("audit:history", args=["nonsense", 1])).status_code == 404


@pytest.mark.parametrize("kind", ["project", "report", "plan", "membership", "user"])
def test_unknown_ids_are_404(client, world, kind):
    office = _english(client, world.office)
    assert office.get(reverse("audit:history", args=[kind, 999999])).status_code == 404


def test_approved_report_is_reopened_then_reverted_then_reviewed_again(world):
    from taizhang.core.audit.revert import revert_to
    from taizhang.ledger.services.reports import reopen_report

    report, first, _latest = _two_versions(world)
    report = approve_report(submit_report(report, actor=world.alice,
                                          expected_version=UNCHECKED), actor=world.office,
                            expected_version=UNCHECKED)
    report = reopen_report(report, actor=world.office, reason="figure disputed",
                           expected_version=UNCHECKED)
    newest = AuditEvent.objects.for_object(report).order_by("-id").first()
    revert_to(report, first, actor=world.office, reason="back to 10", seen_latest=newest.pk)
    report.refresh_from_db()
    assert (report.completed, report.status) == (Decimal("10.00"), ReportStatus.RETURNED)
    # The reverted figure counts only after it is submitted and approved again.
    report = approve_report(submit_report(report, actor=world.alice,
                                          expected_version=UNCHECKED), actor=world.office,
                            expected_version=UNCHECKED)
    actions = list(AuditEvent.objects.for_object(report).order_by("id")
                   .values_list("action", "reverts_id"))
    assert actions[-4:] == [("report.reopened", None), ("report.updated", first.pk),
                            ("report.submitted", None), ("report.approved", None)]


def test_a_version_followed_only_by_stage_changes_has_nothing_to_restore(client, world):
    # Stage changes are not restored by a revert: with nothing else changed since, the revert
    # must say so, not fail on an empty field list.
    from taizhang.ledger.choices import Stage
    from taizhang.ledger.services.projects import change_stage

    project = world.alice_project
    project.refresh_from_db()
    update_project(project, actor=world.office, expected_version=project.version,
                   changes={"planned_total": Decimal("61000")})
    version = AuditEvent.objects.for_object(project).order_by("-id").first()
    project.refresh_from_db()
    from datetime import date

    change_stage(project, Stage.ON_HOLD, actor=world.office, effective_date=date(2022, 8, 1),
                 reason="停工待审", expected_version=project.version)
    newest = AuditEvent.objects.for_object(project).order_by("-id").first()
    assert newest.action == "project.stage_changed"
    page = _revert(_english(client, world.office), project, version, newest, kind="project")
    assert page.status_code == 200
    assert "Nothing a revert can restore differs" in page.content.decode()
