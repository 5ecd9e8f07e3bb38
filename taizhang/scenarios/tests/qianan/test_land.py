"""The Qian'an demo's land: the 2022 quota of 迁安市, allocations with key projects first (the
one non-key project allocated while a key one waits carries its override reason), the
consolidation and idle-land records, and `taizhang stats --json`'s land section."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from taizhang.accounts.models import User
from taizhang.core.audit.models import AuditEvent
from taizhang.land.choices import ConsolidationKind
from taizhang.land.models import Allocation, ConsolidationRecord, LandQuota
from taizhang.land.rules import key_projects_q, waiting_key
from taizhang.land.services import allocated_total

pytestmark = pytest.mark.django_db


def test_the_county_has_its_2022_quota_and_allocations_within_it():
    quota = LandQuota.objects.get(division__code="130283", year=2022)
    assert quota.quota == Decimal("2600.00")
    rows = Allocation.objects.filter(quota=quota)
    assert rows.count() == 10
    assert rows.filter(key_projects_q(quota, "project__")).count() == 8
    assert Decimal(0) < allocated_total(quota) <= quota.quota
    assert all(r.supplied <= r.allocated <= r.requested for r in rows)


def test_key_projects_come_first_and_the_one_exception_says_why():
    quota = LandQuota.objects.get(division__code="130283", year=2022)
    assert waiting_key(quota).count() == 1  # the late key project still waits
    non_key = Allocation.objects.filter(quota=quota).exclude(
        key_projects_q(quota, "project__"))
    overridden = non_key.filter(allocated__gt=0)
    assert overridden.count() == 1
    assert "优先保障" in overridden.get().override_reason
    event = AuditEvent.objects.get(action="land.allocated", object_id=str(overridden.get().pk))
    assert "优先保障" in event.reason
    assert non_key.filter(allocated=0).count() == 1


def test_consolidation_and_idle_land_are_recorded():
    records = ConsolidationRecord.objects.filter(division__code="130283")
    assert records.filter(kind=ConsolidationKind.CONSOLIDATION).count() == 2
    assert records.filter(kind=ConsolidationKind.IDLE).count() == 2
    assert records.filter(projects__isnull=False).distinct().count() == 3


def test_stats_show_the_land_section():
    out = io.StringIO()
    call_command("stats", "--period", "2022-07", "--json", stdout=out)
    land = json.loads(out.getvalue())["land"]
    assert land["year"] == 2022 and land["quota"] == "2600.00"
    assert Decimal(land["supplied"]) <= Decimal(land["allocated"]) <= Decimal(land["quota"])
    assert Decimal(land["supplied"]) > 0


def test_the_demo_office_reads_the_land_pages():
    office = User.objects.get(username="office")
    client = Client()
    client.force_login(office)
    html = client.get(reverse("land:allocations") + "?year=2022").content.decode()
    assert html.count('id="allocation-') == 10 and 'id="waiting-key"' in html
    assert client.get(reverse("land:overview") + "?year=2022").status_code == 200
