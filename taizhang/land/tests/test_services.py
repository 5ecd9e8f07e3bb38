"""Land's services: the quota, requests, key projects first (the override), the quota's cap
at its boundary, supply, consolidation records; who may do what; the audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import ConcurrentEdit, ServiceError
from taizhang.land import figures, services
from taizhang.land.choices import AllocationStatus, ConsolidationKind
from taizhang.land.models import LandQuota
from taizhang.land.rules import is_key, key_lists_for, waiting_key
from taizhang.land.tests.helpers import DAY, land, make_key

pytestmark = pytest.mark.django_db
D = Decimal


def _allocate(allocation, area, world, reason=""):
    allocation.refresh_from_db()
    return services.allocate(allocation, D(area), actor=world.office, on=date(2022, 4, 1),
                             expected_version=allocation.version, override_reason=reason)


def test_a_project_is_key_with_an_approved_membership_of_the_year_above_the_quota(world):
    from taizhang.ledger.services.keylists import apply_for_list, enlist, get_or_create_list

    county = LandQuota(division=world.county, year=2022, quota=D("1"))
    town = LandQuota(division=world.town, year=2022, quota=D("1"))
    assert key_lists_for("county") == ("province", "prefecture")
    assert key_lists_for("township") == ("province", "prefecture", "county")
    assert key_lists_for("province") == ("province",)
    assert not is_key(world.alice_project.pk, county)
    apply_for_list(world.bob_project, get_or_create_list("province", "key", 2022,
                                                         actor=world.office),
                   actor=world.office, applied_on=DAY)
    assert not is_key(world.bob_project.pk, county)  # applied, not approved
    make_key(world, world.alice_project, level="county")
    assert not is_key(world.alice_project.pk, county)  # the county's own list: everyone's
    assert is_key(world.alice_project.pk, town)  # above a township
    make_key(world, world.alice_project, level="prefecture")
    assert is_key(world.alice_project.pk, county)
    assert not is_key(world.alice_project.pk, LandQuota(division=world.county, year=2023,
                                                        quota=D("1")))  # another year's
    prestage = get_or_create_list("province", "prestage", 2022, actor=world.office)
    enlist(world.bob_project, prestage, actor=world.office, applied_on=DAY, decided_on=DAY)
    assert not is_key(world.bob_project.pk, county)  # a pre-stage list is not a key list


def test_it_refuses_a_non_key_project_while_a_key_one_waits_unless_overridden(world):
    found = land(world)
    with translation.override("zh-hans"), pytest.raises(ServiceError) as refused:
        _allocate(found.other, "10.00", world)
    assert refused.value.field == "override_reason"
    assert "1" in str(refused.value) and "重点项目" in str(refused.value)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        _allocate(found.other, "10.00", world, reason="   ")
    assert "1 key project of this quota is still waiting" in str(refused.value)
    done = _allocate(found.other, "10.00", world, reason="省级督办的民生项目，年内必须开工")
    assert done.allocated == D("10.00") and done.override_reason.startswith("省级督办")
    assert done.status == AllocationStatus.ALLOCATED
    event = AuditEvent.objects.filter(action="land.allocated").get()
    assert event.reason.startswith("省级督办")
    assert event.changes["allocated"] == ["0.00", "10.00"]


def test_a_key_project_needs_no_override_and_once_served_the_others_neither(world):
    found = land(world)
    assert services.override_needed(found.key) == 0
    _allocate(found.key, "60.00", world)  # all it asked for: it no longer waits
    assert not waiting_key(found.quota).exists()
    done = _allocate(found.other, "10.00", world)
    assert done.override_reason == ""


def test_a_key_project_supplied_in_part_no_longer_waits(world):
    found = land(world)
    key = _allocate(found.key, "20.00", world)
    assert waiting_key(found.quota).count() == 1
    services.record_supply(key, D("20.00"), actor=world.office, on=date(2022, 5, 1),
                           expected_version=key.version)
    assert not waiting_key(found.quota).exists()  # supplied: it is being served
    assert _allocate(found.other, "5.00", world).override_reason == ""


def test_the_total_allocated_reaches_the_quota_but_never_passes_it(world):
    found = land(world, quota="80.00", key="60.00", other="30.00")
    _allocate(found.key, "60.00", world)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        _allocate(found.other, "20.01", world)
    assert refused.value.field == "area"
    assert "only 20.00 亩 remain" in str(refused.value)
    assert _allocate(found.other, "20.00", world).allocated == D("20.00")  # exactly the quota
    with pytest.raises(ServiceError):
        _allocate(found.other, "0.01", world)
    assert services.allocated_total(found.quota) == D("80.00")


def test_it_allocates_no_more_than_requested_and_supplies_no_more_than_allocated(world):
    found = land(world)
    with pytest.raises(ServiceError) as refused:
        _allocate(found.key, "60.01", world)
    assert refused.value.field == "area"
    key = _allocate(found.key, "60.00", world)
    with pytest.raises(ServiceError):
        services.record_supply(key, D("60.01"), actor=world.office, on=DAY,
                               expected_version=key.version)
    key = services.record_supply(key, D("60.00"), actor=world.office, on=date(2022, 6, 1),
                                 expected_version=key.version)
    assert key.status == AllocationStatus.SUPPLIED


@pytest.mark.parametrize("area", ["0", "-1", "1.001", "abc", "NaN", "1e20"])
def test_a_bad_area_is_refused_naming_the_field(world, area):
    found = land(world)
    with pytest.raises(ServiceError) as refused:
        services.allocate(found.key, area, actor=world.office, on=DAY,
                          expected_version=found.key.version)
    assert refused.value.field == "area"


def test_the_quota_cannot_drop_below_what_is_allocated(world):
    found = land(world)
    _allocate(found.key, "60.00", world)
    found.quota.refresh_from_db()
    with pytest.raises(ServiceError) as refused:
        services.set_quota(world.county, 2022, D("59.99"), actor=world.office,
                           expected_version=found.quota.version)
    assert refused.value.field == "quota"
    changed = services.set_quota(world.county, 2022, D("60.00"), actor=world.office,
                                 expected_version=found.quota.version)
    assert changed.quota == D("60.00")
    with pytest.raises(ConcurrentEdit):  # an old version
        services.set_quota(world.county, 2022, D("70.00"), actor=world.office,
                           expected_version=found.quota.version)


def test_an_allocation_saved_meanwhile_is_not_overwritten(world):
    found = land(world)
    old = found.key.version
    _allocate(found.key, "10.00", world)
    with pytest.raises(ConcurrentEdit):
        services.allocate(found.key, D("10.00"), actor=world.office, on=DAY,
                          expected_version=old)


def test_one_request_per_project_and_year_from_the_quotas_division(world):
    found = land(world)
    with pytest.raises(ServiceError):
        services.request_land(found.quota, world.alice_project, D("1.00"), actor=world.office,
                              on=DAY)
    town_quota = services.set_quota(world.town, 2022, D("10.00"), actor=world.office)
    with pytest.raises(ServiceError) as refused:  # Bob's project is in another township
        services.request_land(town_quota, world.bob_project, D("1.00"), actor=world.office,
                              on=DAY)
    assert refused.value.field == "project"


def test_an_owner_requests_for_its_own_project_only(world):
    quota = services.set_quota(world.county, 2022, D("100.00"), actor=world.office)
    mine = services.request_land(quota, world.alice_project, D("5.00"), actor=world.alice,
                                 on=DAY)
    assert mine.requested_by == world.alice
    with pytest.raises(PermissionDenied):
        services.request_land(quota, world.bob_project, D("5.00"), actor=world.alice, on=DAY)


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "victor", "eve"])
def test_only_the_office_sets_allocates_and_supplies(world, who):
    found = land(world)
    user = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.set_quota(world.county, 2023, D("1.00"), actor=user)
    with pytest.raises(PermissionDenied):
        services.allocate(found.key, D("1.00"), actor=user, on=DAY,
                          expected_version=found.key.version)
    with pytest.raises(PermissionDenied):
        services.record_supply(found.key, D("1.00"), actor=user, on=DAY,
                               expected_version=found.key.version)
    with pytest.raises(PermissionDenied):
        services.save_consolidation(actor=user, division=world.county,
                                    kind=ConsolidationKind.IDLE, name="x", area=D("1"),
                                    date=DAY)


def test_an_office_of_another_county_reaches_nothing(world):
    from taizhang.accounts.choices import DivisionLevel, Role
    from taizhang.accounts.models import Division, User

    far = Division.objects.create(code="130284", name="滦州市", level=DivisionLevel.COUNTY,
                                  parent=world.county.parent)
    other = User.objects.create(username="far", role=Role.OFFICE_ADMIN, division=far)
    found = land(world)
    with pytest.raises(PermissionDenied):
        services.set_quota(world.county, 2022, D("1.00"), actor=other)
    with pytest.raises(PermissionDenied):
        services.allocate(found.key, D("1.00"), actor=other, on=DAY,
                          expected_version=found.key.version)
    from taizhang.land.models import Allocation, LandQuota
    assert not Allocation.objects.restrict(other).exists()
    assert not LandQuota.objects.restrict(other).exists()


def test_scope_an_owner_reads_its_own_allocations_only(world):
    from taizhang.land.models import Allocation, ConsolidationRecord, LandQuota

    found = land(world)
    assert list(Allocation.objects.restrict(world.alice)) == [found.key]
    assert list(Allocation.objects.restrict(world.bob)) == [found.other]
    for who in ("alice", "carol", "dave", "victor", "eve"):
        user = getattr(world, who)
        assert not LandQuota.objects.restrict(user).exists()
        assert not ConsolidationRecord.objects.restrict(user).exists()
        assert not Allocation.objects.restrict(user, "change").exists()
    for who in ("carol", "dave", "victor", "eve"):
        assert not Allocation.objects.restrict(getattr(world, who)).exists()
    assert Allocation.objects.restrict(world.office).count() == 2


def test_the_figures_and_the_supply_rate_year_to_date(world):
    found = land(world)
    key = services.allocate(found.key, D("60.00"), actor=world.office, on=date(2022, 3, 10),
                            expected_version=found.key.version)
    services.record_supply(key, D("45.00"), actor=world.office, on=date(2022, 6, 10),
                           expected_version=key.version)
    may = figures.totals(Period(2022, 5))
    assert (may["quota"], may["allocated"], may["supplied"]) == (D("100"), D("60"), D("0"))
    assert may["supply_rate"] == D("0.0")
    june = figures.totals(Period(2022, 6))
    assert june["supplied"] == D("45.00") and june["supply_rate"] == D("75.0")
    assert june["remaining"] == D("40.00")
    assert figures.totals(Period(2021, 12))["supply_rate"] is None
    assert figures.stats_section(Period(2022, 7)) == {
        "year": 2022, "quota": "100.00", "allocated": "60.00", "supplied": "45.00"}


def test_consolidation_records_are_saved_and_changed_with_their_versions(world):
    record = services.save_consolidation(
        actor=world.office, division=world.county, kind=ConsolidationKind.IDLE,
        name="原焦化厂闲置用地", location="迁安镇", area=D("120.50"), date=DAY,
        projects=[world.alice_project])
    assert list(record.projects.all()) == [world.alice_project]
    changed = services.save_consolidation(
        actor=world.office, division=world.county, kind=ConsolidationKind.IDLE,
        name="原焦化厂闲置用地", area=D("130.00"), date=DAY, status="completed",
        projects=[world.alice_project, world.bob_project], instance=record,
        expected_version=record.version)
    assert changed.version == 2 and changed.projects.count() == 2
    event = AuditEvent.objects.filter(action="land.consolidation_changed").get()
    assert event.changes["area"] == ["120.50", "130.00"]
    with pytest.raises(ConcurrentEdit):
        services.save_consolidation(
            actor=world.office, division=world.county, kind=ConsolidationKind.IDLE,
            name="x", area=D("1.00"), date=DAY, instance=record, expected_version=1)
    with pytest.raises(ServiceError) as refused:
        services.save_consolidation(actor=world.office, division=world.town,
                                    kind=ConsolidationKind.CONSOLIDATION, name="y",
                                    area=D("1.00"), date=DAY, projects=[world.bob_project])
    assert refused.value.field == "projects"
