"""Free text has a limit per field, and the audit keeps a capped copy (issue 8, finding 7).

The limits live in core/limits.py (settings TAIZHANG_MAX_TEXT_CHARS, _REASON_CHARS,
_AUDIT_VALUE_CHARS); forms, services and the importer all refuse text over them, naming the
field and the limit.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.revert import revert_to
from taizhang.core.audit.service import record_event
from taizhang.core.limits import capped, truncated_length
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED, ServiceError
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import change_stage, update_project
from taizhang.ledger.services.reports import return_report, save_report, submit_report
from taizhang.ledger.tests.sheets_factory import STANDARD_LABELS, ledger_grid, to_xlsx

JULY = Period(2022, 7)


def test_a_9_mb_image_progress_is_refused_by_the_report_form(world):
    """The reported case: 9 MB of text was accepted, shown on three pages, kept forever."""
    client = Client()
    client.force_login(world.alice)
    url = reverse("ledger:report-form", args=[world.alice_project.pk, "2022-07"])
    response = client.post(url, {"completed": "1", "image_progress": "进" * (9 * 1024 * 1024 // 3),
                                 "version": "0"})
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["image_progress"])
    assert "“形象进度”最多 2000 个字" in message  # the field and the limit, in Chinese
    assert not MonthlyReport.objects.exists()
    assert not AuditEvent.objects.filter(object_type="ledger.monthlyreport").exists()
    assert 'maxlength="2000"' in client.get(url).content.decode()


@pytest.mark.parametrize("field", ["image_progress", "behind_reason", "problems", "next_steps"])
def test_every_report_text_has_the_limit_in_the_service(world, field, settings):
    settings.TAIZHANG_MAX_TEXT_CHARS = 50
    data = {"completed": Decimal("1"), "image_progress": "x", field: "长" * 51}
    with pytest.raises(ServiceError) as refused:
        save_report(world.alice_project, JULY, actor=world.alice, data=data,
                    expected_version=UNCHECKED)
    assert refused.value.field == field and "50" in str(refused.value)
    save_report(world.alice_project, JULY, actor=world.alice, data={**data, field: "长" * 50},
                expected_version=UNCHECKED)


def test_project_plan_stage_and_review_texts_have_limits(world, settings):
    settings.TAIZHANG_MAX_TEXT_CHARS = 100
    settings.TAIZHANG_MAX_REASON_CHARS = 20
    project = Project.objects.get(pk=world.alice_project.pk)
    refusals = {
        "scale_content": lambda: update_project(project, actor=world.office,
                                                expected_version=project.version,
                                                changes={"scale_content": "x" * 101}),
        # A text column: its max_length (SQLite would store any length).
        "name": lambda: update_project(project, actor=world.office,
                                       expected_version=project.version,
                                       changes={"name": "x" * 201}),
        "image_target": lambda: set_annual_plan(project, 2022, actor=world.office,
                                                planned_investment=Decimal("1"),
                                                image_target="x" * 201, expected_version=UNCHECKED),
        "reason": lambda: change_stage(project, "on_hold", actor=world.office,
                                       effective_date=project.actual_start,
                                       reason="x" * 21, expected_version=UNCHECKED),
    }
    for field, call in refusals.items():
        with pytest.raises(ServiceError) as refused:
            call()
        assert refused.value.field == field, field
    report = submit_report(save_report(project, JULY, actor=world.alice,
                                       data={"completed": Decimal("1"), "image_progress": "x"},
                                       expected_version=UNCHECKED),
                           actor=world.alice, expected_version=UNCHECKED)
    with pytest.raises(ServiceError):
        return_report(report, actor=world.office, reason="x" * 21, expected_version=UNCHECKED)
    assert Project.objects.get(pk=project.pk).scale_content == project.scale_content


def test_the_audit_keeps_a_long_value_capped_with_its_length(world, settings):
    settings.TAIZHANG_MAX_AUDIT_VALUE_CHARS = 5000
    long_text = "查" * 1_000_000
    event = record_event("ledger.exported", "accounts.user", str(world.office.pk), "office",
                         actor=world.office, reason=long_text,
                         changes={"query": long_text, "filters": {"q": [long_text, "ok"]}})
    event = AuditEvent.objects.get(pk=event.pk)
    for kept in (event.changes["query"], event.changes["filters"]["q"][0], event.reason):
        assert len(kept) < 5100 and kept.startswith("查" * 5000)
        assert truncated_length(kept) == 1_000_000
    assert event.changes["filters"]["q"][1] == "ok"


def test_a_value_within_the_field_limits_is_kept_whole(world, settings):
    """The cap is never below the longest field, so history and revert see whole values."""
    settings.TAIZHANG_MAX_AUDIT_VALUE_CHARS = 10
    text = "进" * 2000
    report = save_report(world.alice_project, JULY, actor=world.alice,
                         data={"completed": Decimal("1"), "image_progress": text},
                         expected_version=UNCHECKED)
    event = AuditEvent.objects.for_object(report).get()
    assert event.changes["image_progress"] == text


def test_the_importer_refuses_a_text_cell_over_its_limit_for_that_row(world, settings):
    settings.TAIZHANG_MAX_TEXT_CHARS = 30
    grid = ledger_grid([
        {"项目名称": world.alice_project.name, "建设单位": world.alice_org.name,
         "总投资（万元）": "50000", "建设规模及主要内容": "规" * 31},
        {"项目名称": "新项目", "建设单位": world.alice_org.name, "总投资（万元）": "100",
         "建设规模及主要内容": "规" * 30},
    ], labels=[*STANDARD_LABELS, "建设规模及主要内容"], title="2022年1-7月重点项目台账")
    result = import_ledger(to_xlsx(grid), "台账.xlsx", actor=world.office,
                           period=JULY, dry_run=True)
    assert not result.ok
    errors = [e for e in result.errors if "30" in e.reason]
    assert errors and all(e.row == errors[0].row for e in errors)
    assert Project.objects.get(pk=world.alice_project.pk).scale_content == ""


def test_a_revert_never_restores_a_value_the_audit_kept_cut(world):
    """Defensive: within the limits every value is kept whole, but a cut one (an older,
    longer limit) must not be written back as if it were the text."""
    report = save_report(world.alice_project, JULY, actor=world.alice,
                         data={"completed": Decimal("1"), "image_progress": "old"},
                         expected_version=UNCHECKED)
    first = AuditEvent.objects.for_object(report).get()
    MonthlyReport.objects.filter(pk=report.pk).update(image_progress="new")
    AuditEvent.objects.create(
        action="report.updated", object_type="ledger.monthlyreport", object_id=str(report.pk),
        object_repr=str(report), source="web",
        changes={"image_progress": [capped("长" * 500, 200), "new"]})
    with pytest.raises(ServiceError) as refused:
        revert_to(report, first, actor=world.office, reason="恢复",
                  seen_latest=AuditEvent.objects.for_object(report).first().pk)
    assert "形象进度" in str(refused.value)
    assert MonthlyReport.objects.get(pk=report.pk).image_progress == "new"
