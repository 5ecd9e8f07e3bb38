"""Items, nodes, kinds and campaigns through the services: transitions, permissions, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from taizhang.core.audit.models import AuditEvent
from taizhang.core.services import UNCHECKED, ConcurrentEdit, ServiceError
from taizhang.procedures import queries, services
from taizhang.procedures.choices import ItemStatus, StandardKind
from taizhang.procedures.models import ProcedureItem, ProcedureKind
from taizhang.procedures.tests.helpers import checklist, day, department_user, item_of

pytestmark = pytest.mark.django_db

S = ItemStatus


def test_a_checklist_opens_with_the_standard_items_and_the_office_s_own(world):
    services.add_kind(world.county, name="人防审批", actor=world.office, time_limit_days=10)
    new = services.open_checklist(world.alice_project, actor=world.office)
    codes = [item.kind.code for item in new]
    assert codes[:8] == [
        k.value
        for k in (
            StandardKind.APPROVAL,
            StandardKind.LAND_PRE_REVIEW,
            StandardKind.LAND_PLANNING,
            StandardKind.LAND_ACQUIRED,
            StandardKind.ENGINEERING_PLANNING,
            StandardKind.ENVIRONMENT,
            StandardKind.ENERGY,
            StandardKind.CONSTRUCTION_PERMIT,
        )
    ]
    assert [str(item.kind) for item in new][-1] == "人防审批"
    assert services.open_checklist(world.alice_project, actor=world.office) == []
    assert AuditEvent.objects.filter(action="procedure.checklist_opened").count() == 1


def test_only_the_office_adds_kinds_and_opens_checklists(world):
    for user in (world.alice, world.dave, world.carol):
        with pytest.raises(PermissionDenied):
            services.add_kind(world.county, name="文物勘探", actor=user)
        with pytest.raises(PermissionDenied):
            services.open_checklist(world.alice_project, actor=user)
    with pytest.raises(ServiceError) as refused:
        services.add_kind(world.county, name="  ", actor=world.office)
    assert refused.value.field == "name"


def test_every_transition_the_office_may_make(world):
    item = checklist(world, world.alice_project)
    office = world.office
    steps = [
        (S.IN_PROGRESS, None),
        (S.NOT_STARTED, None),
        (S.NOT_NEEDED, None),
        (S.NOT_STARTED, None),
        (S.DONE, day("2022-05-10")),
        (S.IN_PROGRESS, None),
        (S.DONE, day("2022-05-12")),
        (S.IN_PROGRESS, None),
        (S.NOT_NEEDED, None),
    ]
    for status, done_on in steps:
        item = services.update_item(
            item, actor=office, expected_version=item.version, status=status, done_on=done_on
        )
        assert item.status == status
        assert item.done_on == done_on  # leaving done clears its date
    assert AuditEvent.objects.filter(
        action="procedure.item_updated", object_id=str(item.pk)
    ).count() == len(steps)


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (S.DONE, S.NOT_STARTED),
        (S.DONE, S.NOT_NEEDED),
        (S.NOT_NEEDED, S.DONE),
        (S.NOT_NEEDED, S.IN_PROGRESS),
    ],
)
def test_transitions_refused_even_to_the_office(world, start, to):
    item = checklist(world, world.alice_project)
    item = services.update_item(
        item,
        actor=world.office,
        expected_version=UNCHECKED,
        status=start,
        done_on=day("2022-05-10") if start == S.DONE else None,
    )
    with pytest.raises(ServiceError) as refused:
        services.update_item(
            item,
            actor=world.office,
            expected_version=UNCHECKED,
            status=to,
            done_on=day("2022-05-10"),
        )
    assert refused.value.field == "status"


def test_a_department_moves_its_own_item_forward_only(world):
    item = checklist(world, world.bob_project, department=world.unit)  # dave's unit
    item = services.update_item(
        item,
        actor=world.dave,
        expected_version=item.version,
        status=S.IN_PROGRESS,
        accepted_on=day("2022-04-01"),
    )
    with pytest.raises(ServiceError):  # back to not started: the office's
        services.update_item(
            item, actor=world.dave, expected_version=item.version, status=S.NOT_STARTED
        )
    with pytest.raises(PermissionDenied):  # the deadline is the office's
        services.update_item(
            item, actor=world.dave, expected_version=item.version, deadline=day("2022-09-01")
        )
    with pytest.raises(ServiceError) as refused:
        services.update_item(item, actor=world.dave, expected_version=item.version, status=S.DONE)
    assert refused.value.field == "done_on"
    item = services.update_item(
        item,
        actor=world.dave,
        expected_version=item.version,
        status=S.DONE,
        done_on=day("2022-04-20"),
    )
    assert item.status == S.DONE
    with pytest.raises(ServiceError):  # re-opening is the office's
        services.update_item(
            item, actor=world.dave, expected_version=item.version, status=S.IN_PROGRESS
        )


def test_a_unit_cannot_act_on_another_unit_s_item(world):
    other_org, frank = department_user(world)
    mine = checklist(world, world.bob_project, department=other_org)
    for user in (world.dave, world.carol, world.victor, world.eve):
        with pytest.raises(PermissionDenied):
            services.update_item(
                mine, actor=user, expected_version=mine.version, status=S.IN_PROGRESS
            )
    assert not ProcedureItem.objects.restrict(world.dave, "change").filter(pk=mine.pk).exists()
    services.update_item(mine, actor=frank, expected_version=mine.version, status=S.IN_PROGRESS)
    # frank sees the item assigned to him, not the project's other items
    seen = ProcedureItem.objects.restrict(frank).filter(project=world.bob_project)
    assert list(seen) == [mine]


def test_owners_update_their_own_projects_items_only(world):
    alice_item = checklist(world, world.alice_project)
    bob_item = checklist(world, world.bob_project)
    services.update_item(
        alice_item,
        actor=world.alice,
        expected_version=alice_item.version,
        status=S.IN_PROGRESS,
        note="材料已报送",
    )
    with pytest.raises(PermissionDenied):
        services.update_item(
            bob_item, actor=world.alice, expected_version=bob_item.version, status=S.IN_PROGRESS
        )
    with pytest.raises(PermissionDenied):
        services.update_item(
            alice_item, actor=world.alice, expected_version=UNCHECKED, department=world.unit
        )
    assert (
        not ProcedureItem.objects.restrict(world.alice).filter(project=world.bob_project).exists()
    )


def test_a_stale_form_is_refused(world):
    item = checklist(world, world.alice_project)
    opened_at = item.version
    services.update_item(item, actor=world.office, expected_version=opened_at, status=S.IN_PROGRESS)
    with pytest.raises(ConcurrentEdit):
        services.update_item(item, actor=world.alice, expected_version=opened_at, note="x")


def test_a_deadline_within_working_days_of_acceptance_skips_the_spring_festival(world):
    item = item_of_approval = None
    services.open_checklist(world.alice_project, actor=world.office)
    item_of_approval = item_of(world.alice_project, StandardKind.APPROVAL)  # 20 working days
    item = services.update_item(
        item_of_approval,
        actor=world.office,
        expected_version=UNCHECKED,
        status=S.IN_PROGRESS,
        accepted_on=day("2022-01-27"),
    )
    assert item.deadline == day("2022-03-01")  # not 2022-02-24: the festival week is off
    permit = item_of(world.alice_project, StandardKind.CONSTRUCTION_PERMIT)
    permit = services.update_item(
        permit,
        actor=world.office,
        expected_version=UNCHECKED,
        accepted_on=day("2023-01-20"),
        within_working_days=1,
    )
    assert permit.deadline == day("2023-01-28")  # the make-up Saturday
    with pytest.raises(ServiceError) as refused:
        services.update_item(
            permit,
            actor=world.office,
            expected_version=UNCHECKED,
            accepted_on=None,
            within_working_days=5,
        )
    assert refused.value.field == "accepted_on"


def test_nodes_are_added_by_office_and_owner_and_kept_to_their_project(world):
    node = services.add_node(
        world.alice_project,
        name="完成施工图审查",
        planned_date=day("2022-08-15"),
        actor=world.alice,
    )
    services.update_node(
        node,
        name=node.name,
        planned_date=node.planned_date,
        done_on=day("2022-08-10"),
        actor=world.office,
        expected_version=node.version,
    )
    for user in (world.bob, world.dave, world.carol):
        with pytest.raises(PermissionDenied):
            services.add_node(
                world.alice_project, name="x", planned_date=day("2022-09-01"), actor=user
            )
        with pytest.raises(PermissionDenied):
            services.update_node(
                node,
                name="x",
                planned_date=day("2022-09-01"),
                done_on=None,
                actor=user,
                expected_version=UNCHECKED,
            )
    with pytest.raises(ServiceError):
        services.add_node(
            world.alice_project, name="", planned_date=day("2022-09-01"), actor=world.office
        )


def test_a_campaign_counts_targets_done_by_its_end_in_sql(world, django_assert_max_num_queries):
    campaign = services.create_campaign(
        world.county,
        name="2022年手续办理季",
        start=day("2022-03-01"),
        end=day("2022-06-30"),
        actor=world.office,
    )
    services.open_checklist(world.alice_project, actor=world.office)
    services.open_checklist(world.bob_project, actor=world.office)
    targets = list(
        ProcedureItem.objects.filter(
            kind__code__in=[StandardKind.ENVIRONMENT, StandardKind.CONSTRUCTION_PERMIT]
        )
    )
    assert services.add_targets(campaign, targets, actor=world.office) == 4
    done_in, done_late = targets[0], targets[1]
    services.update_item(
        done_in,
        actor=world.office,
        expected_version=UNCHECKED,
        status=S.DONE,
        done_on=day("2022-06-30"),
    )
    services.update_item(
        done_late,
        actor=world.office,
        expected_version=UNCHECKED,
        status=S.DONE,
        done_on=day("2022-07-01"),
    )
    with django_assert_max_num_queries(1):
        progress = queries.campaign_progress(campaign)
    assert (progress.targets, progress.done) == (4, 1)
    by_project = {
        row["project"]: (row["targets"], row["done"])
        for row in queries.progress_by(campaign, "project")
    }
    assert by_project[done_in.project_id][1] == 1
    with pytest.raises(PermissionDenied):
        services.add_targets(campaign, targets, actor=world.alice)
    with pytest.raises(ServiceError):
        services.create_campaign(
            world.county,
            name="x",
            start=day("2022-06-01"),
            end=day("2022-05-01"),
            actor=world.office,
        )


def test_land_to_start_days_from_the_land_item_and_the_actual_start(world):
    from taizhang.ledger.models import Project

    services.open_checklist(world.alice_project, actor=world.office)
    land = item_of(world.alice_project, StandardKind.LAND_ACQUIRED)
    services.update_item(
        land,
        actor=world.office,
        expected_version=UNCHECKED,
        status=S.DONE,
        done_on=day("2022-02-15"),
    )
    project = queries.with_land_to_start(Project.objects.filter(pk=world.alice_project.pk)).get()
    assert project.land_on == day("2022-02-15")
    assert project.actual_start == day("2022-03-15")
    assert project.land_to_start.days == 28
    assert queries.average_land_to_start(Project.objects.all()) == 28.0


def test_standard_kinds_read_in_the_reader_s_language(world):
    from django.utils import translation

    kind = ProcedureKind.objects.get(code=StandardKind.ENVIRONMENT)
    with translation.override("en"):
        assert str(kind) == "Environmental impact assessment"
    with translation.override("zh-hans"):
        assert str(kind) != "Environmental impact assessment"
