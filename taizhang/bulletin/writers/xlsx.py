"""The bulletin as a workbook (openpyxl, write-only: a 100,000-row ledger streams to disk).

Sheets: 总体情况 (the overview's numbers), 分责任单位, 分乡镇, 考核排名, 红黄灯预警, 调度和问题
and 要素保障 (when those parts exist), 本月新开工, 本月竣工投产, and 项目台账 (the period's full
ledger with each project's lamp). Money in 万元 as numbers, exact to the cent (the documents
round to 亿元); rates as fractions formatted as percentages. Text goes in as inert text (no
formulas).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from os import PathLike
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from taizhang.bulletin import document as doc
from taizhang.bulletin.content import Content, Figures, ProjectLine
from taizhang.core.sheets.safe_cells import FORMULA_STARTS, put_value

MONEY, RATE, POINTS = "#,##0.00", "0.0%", "+0.00;-0.00;0.00"
BOLD = Font(bold=True)


def _text(sheet: Any, value: str) -> Any:
    """Plain text as is; text a spreadsheet could run or refuse, as a safe cell."""
    if value.startswith(FORMULA_STARTS) or ILLEGAL_CHARACTERS_RE.search(value):
        cell = WriteOnlyCell(sheet)
        put_value(cell, value)
        return cell
    return value


def _styled(sheet: Any, value: Any, number_format: str = "", bold: bool = False) -> Any:
    cell = WriteOnlyCell(sheet)
    put_value(cell, value)
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = BOLD
    return cell


def _sheet(book: Workbook, title: str, heading: str, header: list[str],
           widths: Iterable[float]) -> Any:
    sheet = book.create_sheet(title)
    for i, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    sheet.append([_styled(sheet, heading, bold=True)])
    sheet.append([_styled(sheet, h, bold=True) for h in header])
    return sheet


def _overview(book: Workbook, content: Content) -> None:
    sheet = _sheet(book, "总体情况", doc.title_of(content), ["指标", "数值", "单位"], [28, 18, 10])
    t = content.total
    rows: list[tuple[str, Any, str, str]] = [
        ("项目个数", t.projects, "个", ""),
        ("计划总投资", t.planned_total, "万元", MONEY),
        ("年度计划投资", t.annual_plan, "万元", MONEY),
        (f"{doc.months(content)}累计完成投资", t.ytd_completed, "万元", MONEY),
        ("本月完成投资", t.month_completed, "万元", MONEY),
        ("占年度计划", t.completion_rate, "", RATE),
        ("序时进度", content.time_progress, "", RATE),
        ("超/慢序时进度", t.points_vs_time, "百分点", POINTS),
        ("新开工项目", t.new_starts, "个", ""),
        ("开工率", content.start_rate, "", RATE),
    ]
    for b in content.batches:
        rows += [(f"{b.word}一批项目", b.projects, "个", ""),
                 (f"{b.word}一批计划总投资", b.planned_total, "万元", MONEY)]
    for name, value, unit, number_format in rows:
        sheet.append([name, _styled(sheet, value, number_format), unit])
    sheet.append([])
    sheet.append([_text(sheet, doc.overview(content))])
    sheet.append([_text(sheet, doc.batches(content))])


GROUP_HEADER = ["排名", "名称", "项目数", "计划总投资（万元）", "年度计划（万元）",
                "累计完成（万元）", "本月完成（万元）", "完成率", "超/慢序时（百分点）", "新开工"]


def _group_row(sheet: Any, line: Figures, name: str | None = None,
               rank: bool = True) -> list[Any]:
    return [line.rank if rank else None, _text(sheet, name or line.name), line.projects,
            _styled(sheet, line.planned_total, MONEY), _styled(sheet, line.annual_plan, MONEY),
            _styled(sheet, line.ytd_completed, MONEY),
            _styled(sheet, line.month_completed, MONEY),
            _styled(sheet, line.completion_rate, RATE),
            _styled(sheet, line.points_vs_time, POINTS), line.new_starts]


def _groups(book: Workbook, title: str, what: str, lines: list[Figures], total: Figures) -> None:
    header = [GROUP_HEADER[0], what, *GROUP_HEADER[2:]]
    sheet = _sheet(book, title, title, header, [6, 28, 8, 18, 16, 16, 16, 10, 14, 8])
    for line in lines:
        sheet.append(_group_row(sheet, line))
    sheet.append(_group_row(sheet, total, "合计", rank=False))


LEDGER_HEADER = ["序号", "项目编号", "项目名称", "责任单位", "所属乡镇", "建设阶段",
                 "总投资（万元）", "年度计划（万元）", "累计完成（万元）", "本月完成（万元）",
                 "开工至今累计（万元）", "占年计划(%)", "超/慢序时（百分点）", "实际开工",
                 "实际竣工", "预警", "预警原因"]


def _ledger_row(sheet: Any, i: int, p: ProjectLine) -> list[Any]:
    rate = None if p.completion_rate is None else p.completion_rate * 100
    return [i, _text(sheet, p.code), _text(sheet, p.name), _text(sheet, p.unit),
            _text(sheet, p.township), p.stage, p.planned_total, p.annual_plan,
            p.ytd_completed, p.month_completed, p.since_start_completed, rate,
            p.points_vs_time, p.actual_start or None, p.actual_completion or None,
            doc.COLOR_WORDS.get(p.lamp, ""), _text(sheet, p.lamp_reason)]


def _projects(book: Workbook, title: str, lines: list[ProjectLine]) -> None:
    sheet = _sheet(book, title, title, LEDGER_HEADER,
                   [6, 26, 36, 22, 12, 10, 14, 14, 14, 14, 14, 10, 12, 12, 12, 8, 40])
    for i, line in enumerate(lines, start=1):
        sheet.append(_ledger_row(sheet, i, line))


def _dispatch(book: Workbook, content: Content) -> None:
    """The dispatch summary's counts, its paragraph, then the problems solved per category and
    per unit (every unit, however many)."""
    d = content.dispatch
    assert d is not None
    sheet = _sheet(book, "调度和问题", "项目调度和问题协调解决情况", ["指标", "数值", "单位"],
                   [30, 12, 8])
    for m in d.meetings:
        sheet.append([_text(sheet, m.name), m.count, "次"])
    for name, value in (("今年以来提出问题", d.raised), ("协调解决问题", d.resolved),
                        ("尚未解决问题", d.open), ("其中已超期", d.overdue)):
        sheet.append([name, value, "个"])
    sheet.append([])
    sheet.append([_text(sheet, doc.dispatch_summary(content, d))])
    for what, lines in (("问题类别", d.by_category), ("责任单位", d.by_unit)):
        sheet.append([])
        sheet.append([_styled(sheet, what, bold=True),
                      _styled(sheet, "解决问题（个）", bold=True)])
        for line in lines:
            sheet.append([_text(sheet, line.name), line.count])


def _factors(book: Workbook, content: Content) -> None:
    """Each production factors section: its title, then its lines (label, value as shown)."""
    sheet = _sheet(book, "要素保障", doc.FACTORS_HEADING, ["指标", "数值"], [36, 24])
    for i, section in enumerate(content.factors or []):
        if i:
            sheet.append([])
        sheet.append([_styled(sheet, section.title, bold=True)])
        for line in section.lines:
            sheet.append([_text(sheet, line.label), _text(sheet, line.value)])


def write_xlsx(content: Content, target: str | PathLike[str] | IO[bytes]) -> None:
    book = Workbook(write_only=True)
    _overview(book, content)
    _groups(book, "分责任单位", "责任单位", content.units, content.total)
    _groups(book, "分乡镇", "乡镇（街道）", content.townships, content.total)
    if content.rankings is not None:
        sheet = _sheet(book, "考核排名", "考核排名", ["层级", "排名", "名称", "得分", "备注"],
                       [10, 6, 28, 10, 12])
        for level, rows in doc.ranking_levels(content):
            for r in rows:
                sheet.append([level, r.rank, _text(sheet, r.name), Decimal(r.total),
                              _text(sheet, r.mark)])
    if content.lamps is not None:
        sheet = _sheet(book, "红黄灯预警", "红黄灯预警", ["灯", "项目名称", "责任单位", "原因"],
                       [8, 36, 22, 60])
        for lamp in content.lamps:
            sheet.append([doc.COLOR_WORDS.get(lamp.color, lamp.color),
                          _text(sheet, lamp.project), _text(sheet, lamp.unit),
                          _text(sheet, lamp.reason)])
    if content.dispatch is not None:
        _dispatch(book, content)
    if content.factors:
        _factors(book, content)
    _projects(book, "本月新开工", content.new_starts)
    _projects(book, "本月竣工投产", content.completions)
    _projects(book, "项目台账", content.ledger)
    book.save(target)
