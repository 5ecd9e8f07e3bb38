"""The Qian'an demo's procedures: every pipeline project and 2022 new start has its checklist,
the 2022 campaign has targets and progress, land-to-start days are measured."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db.models import Count

from taizhang.accounts.models import User
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import Project
from taizhang.procedures import queries
from taizhang.procedures.choices import ItemStatus
from taizhang.procedures.models import Campaign, Node, ProcedureItem, ProcedureKind

pytestmark = pytest.mark.django_db


def test_every_pipeline_project_has_its_checklist_and_nodes():
    kinds = ProcedureKind.objects.filter(active=True).count()
    assert kinds == 9  # the eight standard items and the office's 人防工程审批
    pipeline = Project.objects.filter(stage__in=[Stage.PLANNING, Stage.PRELIMINARY])
    assert pipeline.count() > 60
    counts = set(pipeline.annotate(n=Count("procedure_items")).values_list("n", flat=True))
    assert counts == {kinds}
    assert not pipeline.filter(procedure_nodes__isnull=True).exists()
    assert not ProcedureItem.objects.filter(department__isnull=True).exists()
    # the demo's unit login (the industry bureau) has the industrial projects' filings
    unit = User.objects.get(username="unit")
    assert ProcedureItem.objects.restrict(unit, "change").filter(kind__code="approval").exists()


def test_the_2022_campaign_has_targets_and_progress():
    campaign = Campaign.objects.get()
    progress = queries.campaign_progress(campaign)
    assert progress.targets > 100
    assert 0 < progress.done < progress.targets


def test_land_to_start_of_the_new_starts():
    average = queries.average_land_to_start(Project.objects.all())
    assert average is not None and 0 <= average <= 120
    in_a_week = (
        queries.with_land_to_start(Project.objects.filter(actual_start__year=2022))
        .filter(land_on__isnull=False, land_on__gte="2022-01-01")
        .count()
    )
    assert in_a_week > 0


def test_some_items_are_overdue_by_the_reporting_month_and_stats_say_who_lacks():
    from datetime import date

    assert queries.overdue_items(ProcedureItem.objects.all(), date(2022, 8, 31)).exists()
    assert ProcedureItem.objects.filter(status=ItemStatus.IN_PROGRESS).exists()
    out = io.StringIO()
    call_command("stats", "--period", "2022-07", "--json", stdout=out)
    assert set(json.loads(out.getvalue())["responsibility"]) == {
        "lacking_person",
        "lacking_plan",
        "lacking_deadline",
        "any",
    }
    assert Node.objects.exists()
