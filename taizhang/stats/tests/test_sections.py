"""The statistics sections the bulletin and the cockpit show (stats/sections.py): the very
dict `taizhang stats --json` prints, and only for a division that holds the deployment."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from taizhang.accounts.choices import DivisionLevel
from taizhang.accounts.models import Division, OfficeSettings
from taizhang.core.periods import Period
from taizhang.ledger.models import Project
from taizhang.stats import sections
from taizhang.stats.testing import NAME, compute, hidden_sections, viewed_section

pytestmark = pytest.mark.django_db
JULY = Period(2022, 7)


@pytest.fixture(autouse=True)
def _installed_sections_hidden():
    """The mechanism alone (test_installed_sections.py looks at the apps' own)."""
    with hidden_sections():
        yield


def test_the_county_holds_the_deployment_a_township_does_not(world):
    assert sections.holds_everything(world.county)
    assert not sections.holds_everything(world.town)
    assert not sections.holds_everything(None)
    # Above the county: the province holds it too (nothing beside the county).
    assert sections.holds_everything(world.county.parent)


def test_a_second_county_or_an_office_above_takes_it_away(world):
    Division.objects.create(code="130281", name="遵化市", level=DivisionLevel.COUNTY,
                            parent=world.county.parent)
    assert not sections.holds_everything(world.county)
    Division.objects.filter(code="130281").delete()
    # A county with one township: the township holds every division below the office, but
    # the county's office sits above it (projects may be placed in the county itself).
    Project.objects.filter(division=world.other_town).update(division=world.town)
    Division.objects.filter(pk=world.other_town.pk).delete()
    assert sections.holds_everything(world.county)
    assert not sections.holds_everything(world.town)
    OfficeSettings.objects.filter(division=world.county).delete()
    assert sections.holds_everything(world.town)


def test_nothing_viewed_nothing_shown_and_no_query(world):
    with CaptureQueriesContext(connection) as captured:
        assert sections.shown_for(world.county, JULY) == []
    assert len(captured) == 0


def test_the_lines_are_the_stats_commands_dict(world, capsys):
    with viewed_section() as view:
        call_command("stats", "--period", "2022-07", "--json")
        data = json.loads(capsys.readouterr().out)[NAME]
        assert data == compute(JULY)
        with translation.override("zh-hans"):
            (shown,) = sections.shown_for(world.county, JULY)
        assert (shown.name, shown.title) == (NAME, "银企对接测试")
        assert shown.lines == [(str(label), value) for label, value in view.lines(data)]
        assert shown.lines[0] == ("项目", "18")
        assert sections.shown_for(world.town, JULY) == []
        assert sections.shown_for(None, JULY, everything=True) == [shown]
    assert NAME not in json.dumps(sections.shown_for(world.county, JULY))


def test_sections_come_lightest_first(world):
    with viewed_section("乙", name="b", weight=20), viewed_section("甲", name="a", weight=10):
        assert [s.title for s in sections.shown(JULY)] == ["甲", "乙"]


def test_the_sections_come_from_the_cache_until_the_next_write(world):
    """Worked out once, then read from the cache in each language until any audited write
    (core.audit.service.last_write) moves their key."""
    from taizhang.core.registry import registry
    from taizhang.core.services import UNCHECKED
    from taizhang.ledger.services.projects import update_project

    calls = []

    def counted(period):
        calls.append(str(period))
        return compute(period)

    july = Period(2022, 7)
    with viewed_section():
        registry.stats_sections[NAME] = counted
        first = sections.shown(july)
        assert sections.shown(july) == first and calls == ["2022-07"]
        with translation.override("en"):
            english = sections.shown(july)
        assert calls == ["2022-07"] * 2 and english[0].lines[0][0] == "Projects"
        update_project(world.alice_project, actor=world.office,
                       expected_version=UNCHECKED, changes={"contact_name": "王工"})
        assert sections.shown(july) == first and calls == ["2022-07"] * 3
