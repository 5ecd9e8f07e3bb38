"""The attraction figures against hand-computed values, and the statistics section."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import translation

from taizhang.attraction import figures, services
from taizhang.attraction.tests.helpers import TODAY, lead, walk
from taizhang.core.periods import Period
from taizhang.core.registry import registry
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import Stage
from taizhang.ledger.services.projects import change_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads(world):
    """Five leads, by hand:

    A: registered 01-10, negotiating 01-20 (10 d), signed 02-01 (12 d), landed 03-01 (28 d),
       project started 04-01 (31 d)
    B: registered 01-05, negotiating 01-15 (10 d), signed 03-01 (45 d), landed 06-15 (106 d),
       converted, not started
    C: registered 2021-12-01, negotiating 2021-12-20, signed 2021-12-30 (last year),
       landed 02-10 (42 d)
    D: registered 02-01, negotiating 03-03 (30 d), signed 07-20 (139 d), contract 5000
    E: registered 03-01, negotiating 08-10 (after July)
    """
    a = walk(world, lead(world, "A", registered=date(2022, 1, 10)),
             negotiating=date(2022, 1, 20), signed=date(2022, 2, 1), landed=date(2022, 3, 1),
             contract="10000.00")
    project = services.convert(a, actor=world.office, expected_version=UNCHECKED, today=TODAY)
    change_stage(project, Stage.UNDER_CONSTRUCTION, actor=world.office,
                 effective_date=date(2022, 4, 1), expected_version=UNCHECKED)
    b = walk(world, lead(world, "B", registered=date(2022, 1, 5)),
             negotiating=date(2022, 1, 15), signed=date(2022, 3, 1), landed=date(2022, 6, 15),
             contract="20000.50")
    services.convert(b, actor=world.office, expected_version=UNCHECKED, today=TODAY)
    walk(world, lead(world, "C", registered=date(2021, 12, 1)),
         negotiating=date(2021, 12, 20), signed=date(2021, 12, 30), landed=date(2022, 2, 10),
         contract="7000.00")
    walk(world, lead(world, "D", registered=date(2022, 2, 1)),
         negotiating=date(2022, 3, 3), signed=date(2022, 7, 20), contract="5000.00")
    walk(world, lead(world, "E", registered=date(2022, 3, 1)), negotiating=date(2022, 8, 10))


def test_counts_and_rates_by_hand(leads):
    july = figures.counts(Period(2022, 7))
    # signed in 2022 up to July: A, B, D; landed: A, B, C; started: A
    assert (july["signed"], july["landed"], july["started"]) == (3, 3, 1)
    assert july["contract_amount_wan"] == "35000.50"
    # cohort A, B, D: landed A, B (2 of 3); of those started A (1 of 2)
    assert july["landed_rate"] == "0.6667" and july["started_rate"] == "0.5000"
    march = figures.counts(Period(2022, 3))
    # signed A, B; landed A, C; started none by March; cohort landed by March: A
    assert (march["signed"], march["landed"], march["started"]) == (2, 2, 0)
    assert march["landed_rate"] == "0.5000" and march["started_rate"] == "0.0000"
    last_year = figures.counts(Period(2021, 12))
    assert last_year["signed"] == 1 and last_year["started_rate"] is None


def test_days_per_stage_by_hand(leads):
    days = figures.days_per_stage(Period(2022, 7))
    # lead → negotiating in 2022 by July: A 10, B 10, D 30 (C left in 2021, E in August)
    assert days["lead"] == "16.7"
    # negotiating → signed: A 12, B 45, D 139 (C signed in 2021)
    assert days["negotiating"] == "65.3"
    # signed → landed: A 28, B 106, C 42
    assert days["signed"] == "58.7"
    # landed → started: A 31
    assert days["landed"] == "31.0"
    assert figures.days_per_stage(Period(2022, 1)) == {
        "lead": "10.0", "negotiating": None, "signed": None, "landed": None}


def test_no_leads_no_figures(world):
    data = figures.summary(Period(2022, 7))
    assert (data["signed"], data["landed"], data["started"]) == (0, 0, 0)
    assert data["landed_rate"] is None and data["days"]["signed"] is None


def test_the_statistics_section_and_its_view(leads):
    out = io.StringIO()
    call_command("stats", "--period", "2022-07", "--json", stdout=out)
    data = json.loads(out.getvalue())["attraction"]
    assert (data["signed"], data["landed"], data["started"]) == (3, 3, 1)
    view = registry.section_views["attraction"]
    with translation.override("en"):
        lines = dict((str(label), value) for label, value in view.lines(data))
    assert lines["Signed this year"] == "3"
    assert lines["Signed → landed"] == "66.7%"
