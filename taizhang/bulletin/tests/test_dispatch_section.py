"""The dispatch section: absent without meetings or problems; present, scoped to the
division, and frozen in a published bulletin's snapshot."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from docx import Document

from taizhang.bulletin import services
from taizhang.bulletin.content import Content
from taizhang.bulletin.writers import write
from taizhang.core.periods import Period
from taizhang.dispatch.tests.helpers import meeting_with_problems

pytestmark = pytest.mark.django_db
JULY = Period(2022, 7)
HEADING = "项目调度和问题协调解决情况"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _docx_text(content: Content) -> str:
    out = io.BytesIO()
    write(content, "docx", out)
    return "\n".join(p.text for p in Document(out).paragraphs)


def _sheets(content: Content) -> list[str]:
    out = io.BytesIO()
    write(content, "xlsx", out)
    return openpyxl.load_workbook(out, read_only=True).sheetnames


def test_no_meetings_nor_problems_no_section(world):
    content = services.build_live(world.county, JULY)
    assert content.dispatch is None
    assert HEADING not in _docx_text(content)
    assert "调度和问题" not in _sheets(content)


def test_the_section_counts_the_divisions_and_its_snapshot_stays(world):
    meeting_with_problems(world)
    content = services.build_live(world.county, JULY)
    d = content.dispatch
    assert [(m.key, m.count) for m in d.meetings] == [
        ("centralized", 0), ("single_project", 0), ("on_site", 1)]
    assert (d.raised, d.resolved, d.open, d.overdue) == (2, 0, 2, 2)  # due on 20 July
    assert d.by_category == d.by_unit == []
    text = _docx_text(content)
    assert HEADING in text
    assert ("今年以来，共召开现场调度1次，协调解决问题0个；"
            "截至7月底尚有2个问题未解决，其中2个已超期。") in text
    assert "调度和问题" in _sheets(content)
    # A township's bulletin: its own project's problem, not the county's meeting.
    town = services.build_live(world.other_town, JULY).dispatch
    assert (sum(m.count for m in town.meetings), town.raised) == (0, 1)

    bulletin = services.publish(world.office, world.county, JULY)
    meeting_with_problems(world, day=date(2022, 7, 6), deadline=date(2022, 7, 10))
    frozen = services.content_for(world.county, JULY)
    assert frozen.dispatch == d
    live = services.content_for(world.county, JULY, live=True).dispatch
    assert (live.meetings[-1].count, live.raised, live.overdue) == (2, 4, 4)
    assert HEADING in _docx_text(Content.from_json(bulletin.snapshot["content"]))
