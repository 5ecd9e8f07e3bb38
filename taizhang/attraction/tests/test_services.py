"""The lead's transitions (forward only, dates never backwards), conversion into a ledger
project through the ledger's service, linking, and who may act."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from taizhang.accounts.choices import Role
from taizhang.accounts.models import User
from taizhang.attraction import services
from taizhang.attraction.choices import LeadStage
from taizhang.attraction.models import Lead
from taizhang.attraction.tests.helpers import TODAY, lead, walk
from taizhang.core.audit.models import AuditEvent
from taizhang.core.services import UNCHECKED, ConcurrentEdit, MissingVersion, ServiceError
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import Project
from taizhang.ledger.services.projects import change_stage

pytestmark = pytest.mark.django_db


def test_a_lead_walks_forward_with_its_dates_and_steps(world):
    found = walk(world, lead(world), negotiating=date(2022, 2, 1), signed=date(2022, 3, 1),
                 landed=date(2022, 5, 1))
    found.refresh_from_db()
    assert found.stage == LeadStage.LANDED
    assert (found.negotiating_on, found.signed_on, found.landed_on) == (
        date(2022, 2, 1), date(2022, 3, 1), date(2022, 5, 1))
    assert found.contract_amount == Decimal("28000.00")
    assert list(found.steps.values_list("stage", flat=True)) == [
        "lead", "negotiating", "signed", "landed"]
    assert AuditEvent.objects.filter(action="lead.advanced").count() == 3
    assert AuditEvent.objects.filter(action="lead.created").count() == 1
    assert found.version == 4


@pytest.mark.parametrize("to_stage", ["signed", "landed", "lead", "started", "nonsense"])
def test_only_the_next_stage(world, to_stage):
    found = lead(world)
    with pytest.raises(ServiceError) as refused:
        services.advance(found, to_stage, actor=world.office, expected_version=found.version,
                         on=date(2022, 2, 1), contract_amount=Decimal("1.00"), today=TODAY)
    assert refused.value.field == "stage"
    assert Lead.objects.get(pk=found.pk).stage == LeadStage.LEAD


def test_dates_cannot_go_backwards_nor_into_the_future(world):
    found = walk(world, lead(world), negotiating=date(2022, 2, 1))
    for day in (date(2022, 1, 31), date(2022, 9, 1)):
        with pytest.raises(ServiceError) as refused:
            services.advance(found, "signed", actor=world.office, expected_version=found.version,
                             on=day, contract_amount=Decimal("1.00"), today=TODAY)
        assert refused.value.field == "on"
    # the same day as the previous stage is fine
    services.advance(found, "signed", actor=world.office, expected_version=found.version,
                     on=date(2022, 2, 1), contract_amount=Decimal("1.00"), today=TODAY)


def test_signing_needs_its_contract_amount(world):
    found = walk(world, lead(world), negotiating=date(2022, 2, 1))
    with pytest.raises(ServiceError) as refused:
        services.advance(found, "signed", actor=world.office, expected_version=found.version,
                         on=date(2022, 3, 1), today=TODAY)
    assert refused.value.field == "contract_amount"


def test_a_stale_or_missing_version_is_refused(world):
    found = lead(world)
    with pytest.raises(ConcurrentEdit):
        services.advance(found, "negotiating", actor=world.office, expected_version=7,
                         on=date(2022, 2, 1), today=TODAY)
    with pytest.raises(MissingVersion):
        services.update_lead(found, actor=world.office, expected_version=None,
                             changes={"name": "x"})
    services.update_lead(found, actor=world.office, expected_version=found.version,
                         changes={"name": "改名项目"})
    assert AuditEvent.objects.filter(action="lead.updated").count() == 1


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "victor", "eve"])
def test_only_the_office_acts(world, who):
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.create_lead(actor=actor, division=world.town, name="x", investor="y",
                             channel="other", intended_investment=Decimal("1.00"))
    found = lead(world)
    with pytest.raises(PermissionDenied):
        services.advance(found, "negotiating", actor=actor, expected_version=found.version,
                         on=date(2022, 2, 1), today=TODAY)


def test_another_countys_office_reaches_nothing(world):
    from taizhang.accounts.models import Division
    far = Division.objects.create(code="130284", name="滦州市", level="county",
                                  parent=world.county.parent)
    other = User.objects.create(username="office2", role=Role.OFFICE_ADMIN, division=far)
    found = lead(world)
    assert not Lead.objects.restrict(other, "view").exists()
    with pytest.raises(PermissionDenied):
        services.advance(found, "negotiating", actor=other, expected_version=found.version,
                         on=date(2022, 2, 1), today=TODAY)
    with pytest.raises(PermissionDenied):
        services.create_lead(actor=other, division=world.town, name="x", investor="y",
                             channel="other", intended_investment=Decimal("1.00"))


def test_a_landed_lead_becomes_a_project_once(world):
    found = walk(world, lead(world, enterprise=world.alice_org), negotiating=date(2022, 2, 1),
                 signed=date(2022, 3, 1), landed=date(2022, 5, 1))
    project = services.convert(found, actor=world.office, expected_version=found.version,
                               today=TODAY)
    project.refresh_from_db()
    assert (project.name, project.owner, project.industry, project.division) == (
        "京津新材料产业园", world.alice_org, "C", world.town)
    assert project.planned_total == Decimal("28000.00")  # the contract amount
    assert project.stage == Stage.PLANNING
    found.refresh_from_db()
    assert found.project == project
    assert AuditEvent.objects.filter(action="project.created", object_id=str(project.pk)).exists()
    assert AuditEvent.objects.filter(action="lead.converted", object_id=str(found.pk)).exists()
    before = Project.objects.count()
    with pytest.raises(ServiceError):
        services.convert(found, actor=world.office, expected_version=found.version, today=TODAY)
    assert Project.objects.count() == before
    # Started is derived from the project: the ledger's stage change starts the lead.
    assert Lead.objects.with_current_stage().get(pk=found.pk).current_stage == "landed"
    change_stage(project, Stage.UNDER_CONSTRUCTION, actor=world.office,
                 effective_date=date(2022, 6, 1), expected_version=UNCHECKED)
    found = Lead.objects.with_current_stage().get(pk=found.pk)
    assert found.current_stage == "started" and found.started_on == date(2022, 6, 1)


def test_only_a_landed_lead_converts(world):
    found = walk(world, lead(world), negotiating=date(2022, 2, 1), signed=date(2022, 3, 1))
    with pytest.raises(ServiceError):
        services.convert(found, actor=world.office, expected_version=found.version, today=TODAY)
    assert not Project.objects.filter(name="京津新材料产业园").exists()


def test_an_owner_cannot_convert(world):
    found = walk(world, lead(world), negotiating=date(2022, 2, 1), signed=date(2022, 3, 1),
                 landed=date(2022, 5, 1))
    with pytest.raises(PermissionDenied):
        services.convert(found, actor=world.alice, expected_version=found.version)


def test_linking_an_existing_project(world):
    first = walk(world, lead(world), negotiating=date(2022, 1, 11), signed=date(2022, 1, 20),
                 landed=date(2022, 2, 1))
    services.link_project(first, world.alice_project, actor=world.office,
                          expected_version=first.version, today=TODAY)
    assert Lead.objects.with_current_stage().get(pk=first.pk).current_stage == "started"
    second = walk(world, lead(world, "另一个"), negotiating=date(2022, 1, 11),
                  signed=date(2022, 1, 20), landed=date(2022, 2, 1))
    with pytest.raises(ServiceError) as refused:
        services.link_project(second, world.alice_project, actor=world.office,
                              expected_version=second.version, today=TODAY)
    assert refused.value.field == "project"
    # bob's project started on 2022-03-15: before a lead that landed in April
    third = walk(world, lead(world, "第三个"), negotiating=date(2022, 2, 1),
                 signed=date(2022, 3, 1), landed=date(2022, 4, 1))
    with pytest.raises(ServiceError):
        services.link_project(third, world.bob_project, actor=world.office,
                              expected_version=third.version, today=TODAY)


def test_bad_fields_are_named(world):
    with pytest.raises(ServiceError) as refused:
        services.create_lead(actor=world.office, division=world.town, name=" ", investor="y",
                             channel="other", intended_investment=Decimal("1.00"))
    assert refused.value.field == "name"
    with pytest.raises(ServiceError) as refused:
        services.create_lead(actor=world.office, division=world.town, name="x", investor="y",
                             channel="nope", intended_investment=Decimal("1.00"))
    assert refused.value.field == "channel"
    with pytest.raises(ServiceError) as refused:
        services.create_lead(actor=world.office, division=world.town, name="x" * 201,
                             investor="y", channel="other", intended_investment=Decimal("1"))
    assert refused.value.field == "name"
