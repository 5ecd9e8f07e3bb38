"""Optimistic locking cannot be skipped (issue 8, finding 6).

Every form that writes a versioned record carries the version it was opened at; a POST
without it, with an empty or malformed one, or with a stale one is refused and nothing changes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED, ConcurrentEdit, MissingVersion
from taizhang.ledger.choices import ReportStatus, Stage
from taizhang.ledger.models import AnnualPlan, MonthlyReport, Project
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import change_stage, update_project
from taizhang.ledger.services.reports import (
    approve_report,
    return_report,
    save_report,
    submit_report,
)

JULY = Period(2022, 7)
MISSING = object()
# (what the form sends as its version, or MISSING for no field at all)
BAD = [MISSING, "", "abc", "²", "-1", "1.0", "99999999999999999999"]


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _with(data: dict, name: str, version) -> dict:
    return data if version is MISSING else {**data, name: version}


def _draft(world) -> MonthlyReport:
    return save_report(world.alice_project, JULY, actor=world.alice, expected_version=0,
                       data={"completed": Decimal("10"), "image_progress": "mine"})


def _events() -> int:
    return AuditEvent.objects.count()


@pytest.mark.parametrize("version", [*BAD, "stale"])
def test_report_form_refuses_a_write_without_the_version_it_was_opened_at(world, version):
    """The reported case: Alice opened the form, the office saved; Alice's POST without a
    version overwrote that save."""
    report = _draft(world)
    opened_at = report.version
    save_report(world.alice_project, JULY, actor=world.office, expected_version=opened_at,
                data={"completed": Decimal("20"), "image_progress": "office's"})
    before = _events()
    url = reverse("ledger:report-form", args=[world.alice_project.pk, "2022-07"])
    sent = str(opened_at) if version == "stale" else version
    response = _client(world.alice).post(url, _with(
        {"completed": "30", "image_progress": "overwrite"}, "version", sent))
    assert response.status_code == 200
    report.refresh_from_db()
    assert (report.completed, report.image_progress) == (Decimal("20"), "office's")
    assert _events() == before
    errors = " ".join(response.context["form"].non_field_errors())
    expected = ConcurrentEdit() if version == "stale" else MissingVersion()
    assert str(expected) in errors


@pytest.mark.parametrize("version", [*BAD, "1"])
def test_first_save_of_a_report_needs_version_zero(world, version):
    """0 says "there was no report when I opened the form"; anything else is refused, so of
    two first saves the second is refused instead of overwriting."""
    url = reverse("ledger:report-form", args=[world.alice_project.pk, "2022-07"])
    response = _client(world.alice).post(url, _with(
        {"completed": "30", "image_progress": "first"}, "version", version))
    assert response.status_code == 200
    assert not MonthlyReport.objects.filter(project=world.alice_project).exists()
    response = _client(world.alice).post(url, {"completed": "30", "image_progress": "first",
                                               "version": "0"})
    assert response.status_code == 302
    assert MonthlyReport.objects.get(project=world.alice_project).image_progress == "first"


@pytest.mark.parametrize("version", [*BAD, "stale"])
def test_stage_form_refuses_a_missing_or_stale_version(world, version):
    project = Project.objects.get(pk=world.alice_project.pk)
    sent = str(project.version - 1) if version == "stale" else version
    before = _events()
    response = _client(world.office).post(
        reverse("ledger:project-stage", args=[project.pk]),
        _with({"to_stage": Stage.ON_HOLD, "effective_date": "2022-08-01", "reason": "停工"},
              "version", sent))
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).stage == Stage.UNDER_CONSTRUCTION
    assert _events() == before


@pytest.mark.parametrize("versions", [MISSING, "", "abc", "2022:1", "plans:2022=x", "stale"])
def test_plan_form_refuses_a_missing_or_stale_version(world, versions):
    plan = AnnualPlan.objects.get(project=world.alice_project, year=2022)
    set_annual_plan(world.alice_project, 2022, actor=world.office, expected_version=plan.version,
                    planned_investment=Decimal("13000"))  # someone else's save
    sent = f"plans:2022={plan.version}" if versions == "stale" else versions
    before = _events()
    response = _client(world.office).post(
        reverse("ledger:project-plan", args=[world.alice_project.pk]),
        _with({"year": "2022", "planned_investment": "1"}, "versions", sent))
    assert response.status_code == 302
    assert AnnualPlan.objects.get(pk=plan.pk).planned_investment == Decimal("13000")
    assert _events() == before


def test_plan_form_carries_the_versions_the_page_showed(world):
    page = _client(world.office).get(reverse("ledger:project-detail",
                                             args=[world.alice_project.pk]))
    plan = AnnualPlan.objects.get(project=world.alice_project, year=2022)
    shown = f"plans:2022={plan.version}"
    assert f'value="{shown}"' in page.content.decode()
    url = reverse("ledger:project-plan", args=[world.alice_project.pk])
    # A year without a plan when the page was opened: a first plan (version 0).
    assert _client(world.office).post(url, {"year": "2023", "planned_investment": "5",
                                            "versions": shown}).status_code == 302
    assert AnnualPlan.objects.filter(project=world.alice_project, year=2023).exists()
    assert _client(world.office).post(url, {"year": "2022", "planned_investment": "7",
                                            "versions": shown}).status_code == 302
    assert AnnualPlan.objects.get(pk=plan.pk).planned_investment == Decimal("7")


@pytest.mark.parametrize("version", [*BAD, "stale"])
@pytest.mark.parametrize("action", ["approve", "return"])
def test_review_refuses_a_missing_or_stale_version(world, action, version):
    report = submit_report(_draft(world), actor=world.alice, expected_version=UNCHECKED)
    sent = str(report.version - 1) if version == "stale" else version
    before = _events()
    response = _client(world.office).post(
        reverse("ledger:review-action", args=[report.pk, action]),
        _with({"reason": "照片不清晰"}, "version", sent))
    assert response.status_code == 302
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    assert _events() == before


def test_review_with_the_version_shown_takes_effect(world):
    report = submit_report(_draft(world), actor=world.alice, expected_version=UNCHECKED)
    page = _client(world.office).get(reverse("ledger:review-queue"))
    assert f'name="version" value="{report.version}"' in page.content.decode()
    _client(world.office).post(reverse("ledger:review-action", args=[report.pk, "approve"]),
                               {"version": str(report.version)})
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED


@pytest.mark.parametrize("version", [*BAD, "stale"])
def test_admin_project_form_refuses_a_missing_or_stale_version(world, version):
    world.office.is_staff = True
    world.office.save(update_fields=["is_staff"])
    project = Project.objects.get(pk=world.alice_project.pk)
    sent = str(project.version - 1) if version == "stale" else version
    before = _events()
    _client(world.office).post(f"/admin/ledger/project/{project.pk}/change/", _with({
        "name": "改名", "owner": project.owner_id, "division": project.division_id,
        "planned_total": "1", "industry": "C", "nature": project.nature,
        "project_type": project.project_type, "completed_before": "0",
        "plans-TOTAL_FORMS": 0, "plans-INITIAL_FORMS": 0,
    }, "seen_version", sent))
    assert Project.objects.get(pk=project.pk).name == project.name
    assert _events() == before


@pytest.mark.parametrize("latest", [MISSING, "", "abc", "²", "٣", "stale"])
def test_revert_refuses_without_the_newest_event_seen(world, latest):
    project = Project.objects.get(pk=world.alice_project.pk)
    update_project(project, actor=world.office, expected_version=project.version,
                   changes={"address": "新址"})
    events = list(AuditEvent.objects.for_object(project).order_by("-at", "-id"))
    sent = str(events[1].pk) if latest == "stale" else latest
    before = _events()
    _client(world.office).post(
        reverse("audit:history-revert", args=["project", project.pk, events[1].pk]),
        _with({"reason": "改错了"}, "latest", sent))
    assert Project.objects.get(pk=project.pk).address == "新址"
    assert _events() == before


@pytest.mark.parametrize("bad", [None, "", "3", 1.0, True, -1, 2**31])
def test_every_versioned_service_refuses_a_malformed_version(world, bad):
    project = Project.objects.get(pk=world.alice_project.pk)
    report = submit_report(_draft(world), actor=world.alice, expected_version=UNCHECKED)
    calls = [
        lambda: save_report(world.alice_project, JULY, actor=world.office, expected_version=bad,
                            data={"completed": Decimal("1"), "image_progress": "x"}),
        lambda: save_report(world.alice_project, Period(2022, 6), actor=world.office,
                            expected_version=bad,
                            data={"completed": Decimal("1"), "image_progress": "x"}),
        lambda: approve_report(report, actor=world.office, expected_version=bad),
        lambda: return_report(report, actor=world.office, reason="r", expected_version=bad),
        lambda: set_annual_plan(project, 2022, actor=world.office, expected_version=bad,
                                planned_investment=Decimal("1")),
        lambda: set_annual_plan(project, 2024, actor=world.office, expected_version=bad,
                                planned_investment=Decimal("1")),
        lambda: update_project(project, actor=world.office, expected_version=bad,
                               changes={"address": "x"}),
        lambda: change_stage(project, Stage.ON_HOLD, actor=world.office, reason="r",
                             effective_date=date(2022, 8, 1), expected_version=bad),
    ]
    before = _events()
    for call in calls:
        with pytest.raises(MissingVersion):
            call()
    assert _events() == before


@pytest.mark.parametrize("service", [
    "taizhang.ledger.services.reports:save_report",
    "taizhang.ledger.services.reports:submit_report",
    "taizhang.ledger.services.reports:approve_report",
    "taizhang.ledger.services.reports:return_report",
    "taizhang.ledger.services.plans:set_annual_plan",
    "taizhang.ledger.services.projects:update_project",
    "taizhang.ledger.services.projects:change_stage",
])
def test_no_versioned_service_has_a_default_version(service):
    """A caller that forgets the version is a TypeError, not a silently skipped check: code
    that may skip it (imports, scenarios) says so with UNCHECKED."""
    import importlib
    import inspect

    module, name = service.split(":")
    parameter = inspect.signature(
        getattr(importlib.import_module(module), name)).parameters["expected_version"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is inspect.Parameter.empty


def test_a_stale_page_does_not_reopen_a_newer_approval(world):
    """Approved at v, reopened, corrected and approved again: a reopen form still showing v
    must not send the newer approval back to the owner."""
    from taizhang.ledger.services.reports import approve_report, reopen_report

    report = approve_report(submit_report(_draft(world), actor=world.alice,
                                          expected_version=UNCHECKED),
                            actor=world.office, expected_version=UNCHECKED)
    shown = report.version
    report = reopen_report(report, actor=world.office, reason="数字有误", expected_version=shown)
    report = approve_report(submit_report(report, actor=world.alice,
                                          expected_version=report.version),
                            actor=world.office, expected_version=report.version + 1)
    before = _events()
    response = _client(world.office).post(
        reverse("ledger:review-action", args=[report.pk, "reopen"]),
        {"reason": "旧页面", "version": str(shown)})
    assert response.status_code == 302
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    assert _events() == before
    for bad in BAD:
        response = _client(world.office).post(
            reverse("ledger:review-action", args=[report.pk, "reopen"]),
            _with({"reason": "无版本"}, "version", bad))
        assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED
