"""The production factors section (要素保障): the statistics sections other apps register with a
view (read through the registry, never imported), in every format, only when one exists and
only for a division that holds the whole deployment; frozen in a published snapshot."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from taizhang.bulletin import services
from taizhang.bulletin.content import Content, FactorLine, FactorSection
from taizhang.bulletin.writers import write
from taizhang.core.periods import Period
from taizhang.stats.testing import NAME, hidden_sections, viewed_section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _installed_sections_hidden():
    """The mechanism alone: the installed apps' own sections (financing, land, …) are
    checked with the Qian'an bulletin (scenarios/tests/qianan)."""
    with hidden_sections():
        yield
JULY = Period(2022, 7)
HEADING = "要素保障"
TITLE = "银企对接测试"
LINES = [("项目", "18"), ("意向金额（万元）", "12345.60"), ("统计期", "2022-07")]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def section():
    with viewed_section() as view:
        yield view


def _docx_text(content: Content) -> str:
    """The paragraphs and every table cell."""
    out = io.BytesIO()
    write(content, "docx", out)
    document = Document(out)
    cells = [" | ".join(cell.text for cell in row.cells)
             for table in document.tables for row in table.rows]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _pdf_text(content: Content) -> str:
    out = io.BytesIO()
    write(content, "pdf", out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def _sheets(content: Content) -> dict[str, list[tuple]]:
    out = io.BytesIO()
    write(content, "xlsx", out)
    book = openpyxl.load_workbook(out, read_only=True)
    return {name: [tuple(c for c in row if c is not None)
                   for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames}


def test_no_viewed_section_no_part(world):
    content = services.build_live(world.county, JULY)
    assert content.factors is None
    assert HEADING not in _docx_text(content)
    assert HEADING not in _pdf_text(content)
    assert HEADING not in _sheets(content)


def test_the_section_in_each_format_with_the_stats_commands_numbers(world, section, capsys):
    with translation.override("en"):  # the document is Chinese whoever asks
        content = services.build_live(world.county, JULY)
    assert content.factors == [
        FactorSection(NAME, TITLE, [FactorLine(label, value) for label, value in LINES])]
    call_command("stats", "--period", "2022-07", "--json")
    data = json.loads(capsys.readouterr().out)[NAME]
    assert (data["needs"], data["intention_amount_wan"]) == (18, "12345.60")

    text = _docx_text(content)
    assert "要素保障情况" in text and f"（一）{TITLE}" in text
    for label, value in LINES:
        assert f"{label} | {value}" in text
    # The part comes before the month's new starts, numbered in the headings' run.
    assert re.search(r"[一二三四五六七八九十]、要素保障情况", text)
    assert text.index("要素保障情况") < text.index("月份新开工和竣工投产项目")

    pdf = _pdf_text(content)
    assert "要素保障情况" in pdf and TITLE in pdf
    for label, value in LINES:
        assert label in pdf and value in pdf

    sheets = _sheets(content)
    assert sheets[HEADING][0] == ("要素保障情况",)
    assert sheets[HEADING][1:] == [("指标", "数值"), (TITLE,), *LINES]
    names = list(sheets)
    assert names.index(HEADING) < names.index("本月新开工")


def test_a_townships_bulletin_has_none(world, section):
    # The section counts the whole deployment, not the township's projects.
    content = services.build_live(world.town, JULY)
    assert content.factors is None
    assert HEADING not in _docx_text(content)


def test_published_the_section_stays_as_it_was(world):
    with viewed_section():
        bulletin = services.publish(world.office, world.county, JULY)
        published = services.content_for(world.county, JULY).factors
    assert published is not None and published[0].title == TITLE
    # The app's figures change (here: it is gone); the published numbers do not.
    assert services.content_for(world.county, JULY).factors == published
    assert services.content_for(world.county, JULY, live=True).factors is None
    frozen = Content.from_json(bulletin.snapshot["content"])
    assert "要素保障情况" in _docx_text(frozen)


def test_an_older_snapshot_without_the_part_reads_back(world):
    content = services.build_live(world.county, JULY)
    data = json.loads(content.to_json())
    data.pop("factors")
    assert Content.from_json(json.dumps(data)).factors is None
