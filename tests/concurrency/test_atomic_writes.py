"""Multi-step writes are one transaction: a failure half-way leaves nothing behind.

The failure is injected into our own code after earlier steps have written rows (the database
is real); every table must be as it was.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from taizhang.accounts.models import Organization, Person
from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import Stage
from taizhang.ledger.importing import apply as import_apply
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.models import (
    AnnualPlan,
    KeyListMembership,
    MonthlyReport,
    Project,
    StageChange,
)
from taizhang.ledger.services import projects as project_services
from taizhang.ledger.services import reports as report_services
from taizhang.ledger.tests.sheets_factory import messy_ledger, to_xlsx

TABLES = [Project, Organization, Person, AnnualPlan, MonthlyReport, StageChange,
          KeyListMembership, AuditEvent]


class Boom(Exception):
    pass


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def _explode(*args, **kwargs):
    raise Boom


@pytest.mark.parametrize("step", ["_update_projects", "_write_plans", "_write_reports",
                                  "_write_memberships"])
def test_an_import_failing_half_way_writes_nothing(world, monkeypatch, step):
    before = _counts()
    monkeypatch.setattr(import_apply, step, _explode)
    with pytest.raises(Boom):
        import_ledger(to_xlsx(messy_ledger()), "台账.xlsx", actor=world.office,
                      period=Period(2022, 7))
    assert _counts() == before
    monkeypatch.undo()  # the same file imports cleanly afterwards: nothing half-done blocks it
    result = import_ledger(to_xlsx(messy_ledger()), "台账.xlsx", actor=world.office,
                           period=Period(2022, 7))
    assert result.applied and Project.objects.count() > before["Project"]


def test_a_stage_change_failing_at_the_audit_step_leaves_the_project_as_it_was(
    world, monkeypatch
):
    project = Project.objects.get(pk=world.alice_project.pk)
    before = _counts(), project.stage, project.version
    monkeypatch.setattr(project_services, "record", _explode)
    with pytest.raises(Boom):
        project_services.change_stage(project, Stage.COMPLETED, actor=world.office,
                                      effective_date=date(2022, 8, 1), expected_version=UNCHECKED)
    project = Project.objects.get(pk=project.pk)
    assert (_counts(), project.stage, project.version) == before
    assert project.actual_completion is None


def test_a_report_save_failing_at_the_audit_step_leaves_no_report(world, monkeypatch):
    before = _counts()
    monkeypatch.setattr(report_services, "record", _explode)
    with pytest.raises(Boom):
        report_services.save_report(world.alice_project, Period(2022, 7), actor=world.alice,
                                    data={"completed": Decimal("1"), "image_progress": "x"},
                                    expected_version=UNCHECKED)
    assert _counts() == before


def test_a_web_import_crashing_on_confirm_leaves_nothing_half_imported(
    world, client, monkeypatch
):
    """An unexpected crash (not a row error) in the web import's job also rolls everything
    back, and the job says so."""
    from taizhang.ledger.tests.import_steps import confirm, upload

    client.force_login(world.office)
    response = upload(client, to_xlsx(messy_ledger()), period="2022-07")
    token = response.context["token"]
    before = _counts()
    monkeypatch.setattr(import_apply, "_write_reports", _explode)
    response = confirm(client, token)
    job = response.context["job"]["obj"]
    assert job.state == "failed" and "没有写入" in job.error
    after = _counts()
    after["AuditEvent"] -= 1  # the import job's own start (job.started), in its own commit
    assert after == before
    assert get_user_model().objects.filter(pk=world.office.pk).exists()
