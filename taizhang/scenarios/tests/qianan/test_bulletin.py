"""The 2022-07 bulletin of the Qian'an county, in all three formats, read back from the
files and compared with the figures module (stats.service), figure by figure.

The scenario is loaded once for the package (conftest.py); the three files are written once
from it.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from taizhang.accounts.models import Division
from taizhang.assessment.results import ranking_for
from taizhang.bulletin import fmt
from taizhang.bulletin.content import NO_GROUP, Content
from taizhang.bulletin.services import build_live
from taizhang.bulletin.writers import write
from taizhang.core.periods import Period
from taizhang.dispatch import figures as dispatch_figures
from taizhang.dispatch.models import Meeting, Problem
from taizhang.ledger.models import Project
from taizhang.stats.service import GroupedStats, compute_grouped
from taizhang.warnings.lamps import lamps_for

pytestmark = pytest.mark.django_db
JULY = Period(2022, 7)
ARTICLE = ["284个", "1410.1亿元", "267.6亿元", "157.2亿元"]
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def county(django_db_blocker):
    """The county of the demo, loaded once for the package (conftest.py)."""
    with django_db_blocker.unblock():
        # The demo evaluates and publishes July's lamps as it loads.
        assert lamps_for(Project.objects.all(), JULY).exists()
        return Division.objects.get(code="130283")


@pytest.fixture(scope="module")
def content(county, django_db_blocker) -> Content:
    with django_db_blocker.unblock():
        return build_live(county, JULY)


@pytest.fixture(scope="module")
def files(content, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bulletin")
    paths = {}
    for kind in ("docx", "pdf", "xlsx"):
        paths[kind] = folder / f"bulletin.{kind}"
        with paths[kind].open("wb") as out:
            write(content, kind, out)
    return paths


@pytest.fixture(scope="module")
def figures(county, django_db_blocker) -> dict[str, GroupedStats]:
    """What the figures module says, asked directly (not through the bulletin)."""
    with django_db_blocker.unblock():
        projects = Project.objects.all()
        return {by: compute_grouped(projects, JULY, by) for by in ("unit", "township")}


def _name(grouped: GroupedStats, key) -> str:
    return grouped.names.get(key) or NO_GROUP


def _expected_rows(grouped: GroupedStats) -> dict[str, list[str]]:
    """name → the table's figures (count, planned, plan, ytd in 亿元, rate %, points)."""
    return {_name(grouped, key): [str(s.total.projects), fmt.yi(s.total.planned_total),
                                  fmt.yi(s.total.annual_plan), fmt.yi(s.total.ytd_completed),
                                  fmt.pct(s.completion_rate), fmt.points(s.points_vs_time)]
            for key, s in grouped.groups.items()}


def _headline(grouped: GroupedStats) -> list[str]:
    total = grouped.total
    return [fmt.pct(total.completion_rate) + "%", fmt.ahead_or_behind(total.points_vs_time)]


def test_the_groups_add_up_to_the_total(figures):
    for grouped in figures.values():
        total = grouped.total.total
        for name in ("projects", "planned_total", "annual_plan", "ytd_completed",
                     "month_completed"):
            assert sum(getattr(s.total, name) for s in grouped.groups.values()) == getattr(
                total, name), name
    assert figures["unit"].total.total.projects == 284


# --- Word ----------------------------------------------------------------------------------

def _docx_tables(path: Path) -> list[list[list[str]]]:
    document = Document(str(path))
    return [[[cell.text for cell in row.cells] for row in table.rows]
            for table in document.tables]


def test_the_word_file_states_the_articles_figures(files, figures):
    text = "\n".join(p.text for p in Document(str(files["docx"])).paragraphs)
    for figure in ARTICLE + _headline(figures["unit"]):
        assert figure in text, figure
    assert "迁重点办〔2022〕" in text


@pytest.mark.parametrize(("index", "by"), [(0, "unit"), (1, "township")])
def test_every_figure_of_the_word_tables_is_the_figures_modules(files, figures, index, by):
    table = _docx_tables(files["docx"])[index]
    expected = _expected_rows(figures[by])
    body, total = table[1:-1], table[-1]
    assert {row[1] for row in body} == set(expected)
    for row in body:
        assert row[2:] == expected[row[1]], row
    grouped = figures[by].total
    assert total[1] == "合计"
    assert total[2:] == [str(grouped.total.projects), fmt.yi(grouped.total.planned_total),
                         fmt.yi(grouped.total.annual_plan), fmt.yi(grouped.total.ytd_completed),
                         fmt.pct(grouped.completion_rate), fmt.points(grouped.points_vs_time)]
    assert sum(int(row[2]) for row in body) == 284
    ranks = [int(row[0]) for row in body if row[0]]
    assert ranks == sorted(ranks) and ranks[0] == 1


def _after(tables: list[list[list[str]]], header: list[str]) -> list[list[list[str]]]:
    return [t for t in tables if t[0] == header]


def test_the_red_and_yellow_lists_are_the_stored_lamps_with_their_reasons(files, county,
                                                                         django_db_blocker):
    with django_db_blocker.unblock(), translation.override("zh-hans"):
        lamps = {color: {(lamp.project.name, lamp.explanation) for lamp in
                         lamps_for(Project.objects.all(), JULY).filter(color=color)
                         .select_related("project")} for color in ("red", "yellow")}
    red, yellow = _after(_docx_tables(files["docx"]), ["序号", "项目名称", "责任单位", "原因"])
    assert {(row[1], row[3]) for row in red[1:]} == lamps["red"]
    assert {(row[1], row[3]) for row in yellow[1:]} == lamps["yellow"]
    assert lamps["red"] and lamps["yellow"]
    book = openpyxl.load_workbook(files["xlsx"], read_only=True)
    column = [r[15] for r in book["项目台账"].iter_rows(min_row=3, values_only=True)]
    assert column.count("红灯") == len(lamps["red"])
    assert column.count("黄灯") == len(lamps["yellow"])


@pytest.mark.parametrize(("level", "what"), [("unit", "责任单位"), ("township", "乡镇（街道）")])
def test_the_ranking_is_the_assessments(files, county, django_db_blocker, level, what):
    with django_db_blocker.unblock():
        ranking = ranking_for(county, JULY, level)
    (table,) = _after(_docx_tables(files["docx"]), ["排名", what, "得分", "备注"])
    assert [row[:3] for row in table[1:]] == [[str(r.rank), r.name, str(r.total)]
                                             for r in ranking.rows]


# --- Excel ---------------------------------------------------------------------------------

def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


@pytest.mark.parametrize(("sheet", "by"), [("分责任单位", "unit"), ("分乡镇", "township")])
def test_every_figure_of_the_sheets_is_the_figures_modules_and_adds_up(files, figures, sheet,
                                                                        by):
    book = openpyxl.load_workbook(files["xlsx"], read_only=True)
    rows = [list(r) for r in book[sheet].iter_rows(min_row=3, values_only=True)]
    body, total = rows[:-1], rows[-1]
    grouped = figures[by]
    expected = {_name(grouped, k): s for k, s in grouped.groups.items()}
    assert {row[1] for row in body} == set(expected)
    for row in body:
        s = expected[row[1]]
        assert row[2] == s.total.projects
        assert [_money(v) for v in row[3:7]] == [s.total.planned_total, s.total.annual_plan,
                                                s.total.ytd_completed, s.total.month_completed]
        assert (row[7] is None and s.completion_rate is None) or (
            Decimal(str(row[7])) == s.completion_rate)
    assert total[1] == "合计"
    for column, name in zip(range(3, 7), ("planned_total", "annual_plan", "ytd_completed",
                                          "month_completed"), strict=True):
        assert sum(_money(row[column]) for row in body) == _money(total[column]) == getattr(
            grouped.total.total, name)
    assert sum(row[2] for row in body) == total[2] == 284


def test_the_workbook_holds_the_full_ledger_and_the_overview(files, figures):
    book = openpyxl.load_workbook(files["xlsx"], read_only=True)
    ledger = [r for r in book["项目台账"].iter_rows(min_row=3, values_only=True)]
    assert len(ledger) == 284
    total = figures["unit"].total.total
    assert sum(_money(r[8]) for r in ledger) == total.ytd_completed
    assert sum(_money(r[6]) for r in ledger) == total.planned_total
    overview = {r[0]: r[1] for r in book["总体情况"].iter_rows(min_row=3, values_only=True)
                if len(r) > 1 and r[0]}
    assert overview["项目个数"] == 284
    assert _money(overview["计划总投资"]) == Decimal("14101000.00")
    assert _money(overview["年度计划投资"]) == Decimal("2676000.00")
    assert _money(overview["1-7月累计完成投资"]) == Decimal("1572000.00")
    text = " ".join(str(r[0]) for r in book["总体情况"].iter_rows(values_only=True) if r and r[0])
    for figure in ARTICLE + _headline(figures["unit"]):
        assert figure in text, figure


# --- PDF -----------------------------------------------------------------------------------

def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_pdf_states_the_articles_figures_and_every_table_row(files, figures):
    text = _pdf_text(files["pdf"])
    squeezed = text.replace(" ", "")
    for figure in ARTICLE + _headline(figures["unit"]):
        assert figure in squeezed, figure
    for by in ("unit", "township"):
        for name, values in _expected_rows(figures[by]).items():
            # The name may wrap inside its cell; the figures after it stay in one run.
            assert " ".join(values) in text, (name, values)


# --- Dispatch -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dispatched(county, django_db_blocker) -> dict[str, object]:
    """What dispatch/figures.py says of the county, asked directly."""
    with django_db_blocker.unblock():
        problems = Problem.objects.filter(county.subtree_q("project__division__"))
        meetings = Meeting.objects.filter(county.subtree_q("division__"))
        return {"meetings": dispatch_figures.meetings_by_kind(JULY, meetings),
                "problems": dispatch_figures.problem_counts(JULY, problems),
                "category": dispatch_figures.solved_by(JULY, "category", problems)}


def _dispatch_sentence(dispatched) -> str:
    m, p = dispatched["meetings"], dispatched["problems"]
    assert (m["centralized"], m["single_project"], m["on_site"], p["resolved"]) == (7, 10, 23,
                                                                                     54)
    return (f"今年以来，共召开集中调度会{m['centralized']}次、单体项目调度会"
            f"{m['single_project']}次、现场调度{m['on_site']}次，协调解决问题{p['resolved']}个；"
            f"截至7月底尚有{p['open']}个问题未解决，其中{p['overdue']}个已超期。")


def test_the_word_file_states_dispatchs_figures_and_the_solved_by_category(files, dispatched):
    paragraphs = [p.text for p in Document(str(files["docx"])).paragraphs]
    assert "六、项目调度和问题协调解决情况" in paragraphs
    assert _dispatch_sentence(dispatched) in paragraphs
    (table,) = _after(_docx_tables(files["docx"]), ["序号", "问题类别", "解决问题（个）"])
    assert [int(row[2]) for row in table[1:-1]] == [r["solved"] for r in dispatched["category"]]
    assert table[-1][1:] == ["合计", "54"]


def test_the_pdf_states_dispatchs_figures(files, dispatched):
    assert _dispatch_sentence(dispatched) in _pdf_text(files["pdf"]).replace(" ", "")


def test_the_workbook_has_dispatchs_sheet(files, dispatched):
    rows = {r[0]: r[1] for r in openpyxl.load_workbook(files["xlsx"], read_only=True)[
        "调度和问题"].iter_rows(min_row=3, values_only=True) if len(r) > 1 and r[0]}
    assert (rows["集中调度会"], rows["单体项目调度会"], rows["现场调度"]) == (7, 10, 23)
    assert rows["协调解决问题"] == 54
    assert rows["尚未解决问题"] == dispatched["problems"]["open"]


def test_a_snapshot_keeps_dispatchs_numbers(content):
    again = Content.from_json(content.to_json())
    assert again.dispatch == content.dispatch
    assert [m.count for m in again.dispatch.meetings] == [7, 10, 23]


def test_the_pdf_embeds_its_fonts(files):
    reader = PdfReader(io.BytesIO(files["pdf"].read_bytes()))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("CJK" in f or "Song" in f or "Fang" in f for f in fonts), fonts
