"""The Qian'an demo's investment attraction: the article's 42 signings of 2022, some landed
and started as the ledger's own projects, without changing the ledger's figures."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from taizhang.attraction.models import Lead
from taizhang.ledger.models import Project

pytestmark = pytest.mark.django_db


def test_stats_show_42_signed_in_2022():
    out = io.StringIO()
    call_command("stats", "--period", "2022-07", "--json", stdout=out)
    data = json.loads(out.getvalue())
    attraction = data["attraction"]
    assert attraction["signed"] == 42
    assert 0 < attraction["started"] < attraction["landed"] < attraction["signed"]
    assert attraction["landed_rate"] is not None and attraction["days"]["signed"] is not None
    # the ledger's own figures are the demo's as before
    assert data["projects"] == 284


def test_leads_are_linked_to_existing_projects_with_dates_in_order():
    assert Project.objects.count() == 284
    signed = Lead.objects.filter(signed_on__year=2022)
    assert signed.count() == 42
    assert not signed.filter(signed_on__gt=date(2022, 7, 31)).exists()
    started = Lead.objects.with_current_stage().filter(current_stage="started")
    assert started.count() >= 5
    for lead in started.select_related("project"):
        assert lead.registered_on <= lead.negotiating_on <= lead.signed_on <= lead.landed_on
        assert lead.landed_on <= lead.project.actual_start
    assert Lead.objects.filter(stage="landed", project__isnull=True).exists()  # to convert
    assert Lead.objects.filter(stage="negotiating").exists()
    assert Lead.objects.filter(stage="lead").exists()
