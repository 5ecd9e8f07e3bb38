"""The standard monthly ledger sheet (重点项目台账), written with openpyxl.

One query (annual plan, year-to-date, month and since-start as subquery annotations from
``taizhang.figures``) read in batches; the 合计 row comes from
``taizhang.stats.service.compute``, so the sheet and every other page agree.  The month
column (本月完成) holds only single-month reports: a lump (``MonthlyReport.covers_from``
set) has no known month split, so its cell stays empty.  The sheet re-imports without loss
through ``taizhang.ledger.importing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from os import PathLike
from typing import IO, Any

from django.db.models import Prefetch, QuerySet, Subquery
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from taizhang.core.money import ratio
from taizhang.core.periods import Period
from taizhang.core.sheets.safe_cells import put_value
from taizhang.figures import rates, reports
from taizhang.figures.per_project import counted, with_figures
from taizhang.ledger import lamps, privacy
from taizhang.ledger.choices import MembershipStatus
from taizhang.ledger.importing.columns import (
    INDUSTRY_WORDS,
    LEVEL_WORDS,
    NATURE_WORDS,
    STAGE_WORDS,
    TYPE_WORDS,
    sheet_word,
)
from taizhang.ledger.models import KeyListMembership, Project
from taizhang.stats.service import LedgerStats, compute

MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
INVEST_GROUP = "投资情况（万元）"
DATES_GROUP = "时间节点"
TITLE_ROW, SUBTITLE_ROW, HEADER_TOP, HEADER_BOTTOM, FIRST_DATA_ROW = 1, 2, 3, 4, 5
_CHUNK = 2000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str = ""
    kind: str = "text"  # text, money, rate, date, int
    width: float = 12


def columns_for(period: Period) -> list[Column]:
    """The standard columns, in order; the labels are the ones the importer reads."""
    ytd = f"1-{period.month}月累计完成投资" if period.month > 1 else "1月累计完成投资"
    return [
        Column("seq", "序号", kind="int", width=6),
        Column("code", "项目编号", width=26),
        Column("name", "项目名称", width=36),
        Column("owner", "建设单位", width=28),
        Column("nature", "建设性质", width=10),
        Column("township", "所属区域（乡镇）", width=12),
        Column("address", "建设地点", width=20),
        Column("scale_content", "建设规模及主要内容", width=40),
        Column("project_type", "项目类型", width=12),
        Column("industry", "所属行业", width=16),
        Column("stage", "建设阶段", width=10),
        Column("level", "项目级别", width=14),
        Column("planned_total", "总投资", INVEST_GROUP, "money", 14),
        Column("before_year", "至上年底累计完成", INVEST_GROUP, "money", 14),
        Column("annual_plan", f"{period.year}年计划投资", INVEST_GROUP, "money", 14),
        Column("ytd", ytd, INVEST_GROUP, "money", 14),
        Column("month", "本月完成投资", INVEST_GROUP, "money", 14),
        Column("pct_plan", "占年计划(%)", INVEST_GROUP, "rate", 10),
        Column("since_start", "开工至今累计完成投资", INVEST_GROUP, "money", 14),
        Column("pct_total", "占总投资(%)", INVEST_GROUP, "rate", 10),
        Column("image_progress", "形象进度", width=30),
        Column("planned_start", "计划开工时间", DATES_GROUP, "date", 12),
        Column("actual_start", "实际开工时间", DATES_GROUP, "date", 12),
        Column("planned_completion", "计划竣工时间", DATES_GROUP, "date", 12),
        Column("actual_completion", "实际竣工时间", DATES_GROUP, "date", 12),
        Column("leader", "包联领导", width=16),
        Column("unit", "责任单位", width=20),
        Column("contact_name", "联系人", width=10),
        Column("contact_phone", "联系电话", width=15),
        Column("problems", "存在问题", width=30),
        Column("next_steps", "下步计划", width=30),
        # The period's lamp (红黄绿灯) and why; the importer reads neither.
        Column("lamp", "灯色", width=10),
        Column("lamp_reason", "亮灯原因", width=50),
    ]


def sheet_title(period: Period, prefix: str = "") -> str:
    months = f"1-{period.month}月" if period.month > 1 else "1月"
    return f"{prefix}{period.year}年{months}重点项目台账"


def annotated(projects: QuerySet[Project], period: Period,
              viewer: Any = None) -> QuerySet[Project]:
    """``projects`` with the period's figures (taizhang/figures) and the texts of its
    approved report as annotations (one query, no per-row work), and the period's lamp
    ``viewer`` may read with its reasons (``ledger.lamps.with_reasons``)."""
    this_month = reports.at_period(period)
    memberships = KeyListMembership.objects.filter(
        key_list__year=period.year, status=MembershipStatus.APPROVED
    ).select_related("key_list")
    return (
        lamps.with_reasons(with_figures(projects.select_related(
            "owner", "division", "leader", "responsible_unit"), period, blank=True),
            period, viewer)
        .annotate(
            x_image_progress=Subquery(this_month.values("image_progress")[:1]),
            x_problems=Subquery(this_month.values("problems")[:1]),
            x_next_steps=Subquery(this_month.values("next_steps")[:1]),
        )
        .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="x_lists"))
    )


def _levels(project: Project) -> str:
    keys = {(m.key_list.level, m.key_list.kind) for m in project.x_lists}  # type: ignore[attr-defined]
    return "、".join(words[0] for key, words in LEVEL_WORDS.items() if key in keys)


def row_values(project: Project, seq: int) -> dict[str, Any]:
    """One project's cells, keyed like ``columns_for``."""
    p: Any = project
    since = p.since_start_completed
    ytd = p.ytd_completed
    return {
        "seq": seq,
        "code": p.code or "",
        "name": p.name,
        "owner": p.owner.name if p.owner else "",
        "nature": sheet_word(NATURE_WORDS, p.nature),
        "township": p.division.name,
        "address": p.address,
        "scale_content": p.scale_content,
        "project_type": sheet_word(TYPE_WORDS, p.project_type),
        "industry": sheet_word(INDUSTRY_WORDS, p.industry),
        "stage": sheet_word(STAGE_WORDS, p.stage),
        "level": _levels(p),
        "planned_total": p.planned_total,
        "before_year": since - ytd,
        "annual_plan": p.annual_plan,
        "ytd": ytd,
        "month": p.month_completed,
        "pct_plan": rates.completion_rate(ytd, p.annual_plan),
        "since_start": since,
        "pct_total": ratio(since, p.planned_total),
        "image_progress": p.x_image_progress or "",
        "planned_start": p.planned_start,
        "actual_start": p.actual_start,
        "planned_completion": p.planned_completion,
        "actual_completion": p.actual_completion,
        "leader": str(p.leader) if p.leader_id else "",
        "unit": p.responsible_unit.name if p.responsible_unit_id else "",
        "contact_name": p.contact_name,
        "contact_phone": p.contact_phone,
        "problems": p.x_problems or "",
        "next_steps": p.x_next_steps or "",
        **_lamp_cells(p),
    }


def _lamp_cells(project: Any) -> dict[str, str]:
    """The lamp's word and its explanation, in the reader's language."""
    stored = lamps.shown(project)
    return {"lamp": str(lamps.label(stored.color if stored else None)),
            "lamp_reason": stored.explanation if stored else ""}


def total_values(projects: QuerySet[Project], period: Period, *,
                 include_cancelled: bool = False) -> tuple[LedgerStats, dict]:
    """The 合计 row, from the statistics service (never summed here)."""
    stats = compute(projects, period, include_cancelled=include_cancelled)
    total = stats.total
    month = total.month_completed
    return stats, {
        "seq": "合计",
        "name": f"共{total.projects}个项目",
        "planned_total": total.planned_total,
        "before_year": total.since_start_completed - total.ytd_completed,
        "annual_plan": total.annual_plan,
        "ytd": total.ytd_completed,
        "month": month,
        "pct_plan": stats.completion_rate,
        "since_start": total.since_start_completed,
        "pct_total": stats.since_start_share,
    }


_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _put(ws: Any, row: int, col: int, value: Any, column: Column) -> None:
    cell = ws.cell(row=row, column=col)
    put_value(cell, None if value == "" else value)  # user text is never a formula
    if column.kind == "money":
        cell.number_format = MONEY_FORMAT
    elif column.kind == "rate":
        cell.number_format = RATE_FORMAT
    elif column.kind == "date" and isinstance(value, date):
        cell.number_format = DATE_FORMAT


def _header(ws: Any, columns: list[Column], period: Period, title: str) -> None:
    last = get_column_letter(len(columns))
    ws.cell(TITLE_ROW, 1, title).font = Font(size=16, bold=True)
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.row_dimensions[TITLE_ROW].height = 28
    ws.cell(SUBTITLE_ROW, 1, f"报告期：{period.year}年{period.month}月")
    ws.cell(SUBTITLE_ROW, len(columns), "单位：万元").alignment = Alignment(horizontal="right")
    bold = Font(bold=True)
    index = 0
    while index < len(columns):
        column = columns[index]
        col = index + 1
        if column.group:
            end = index
            while end + 1 < len(columns) and columns[end + 1].group == column.group:
                end += 1
            ws.cell(HEADER_TOP, col, column.group)
            ws.merge_cells(start_row=HEADER_TOP, start_column=col, end_row=HEADER_TOP,
                           end_column=end + 1)
            for sub in range(index, end + 1):
                ws.cell(HEADER_BOTTOM, sub + 1, columns[sub].label)
            index = end + 1
        else:
            ws.cell(HEADER_TOP, col, column.label)
            ws.merge_cells(start_row=HEADER_TOP, start_column=col, end_row=HEADER_BOTTOM,
                           end_column=col)
            index += 1
    for row in (HEADER_TOP, HEADER_BOTTOM):
        for col in range(1, len(columns) + 1):
            cell = ws.cell(row, col)
            cell.font, cell.alignment, cell.border = bold, _CENTER, _BORDER
    for col, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(col)].width = column.width
    name_col = next(i for i, c in enumerate(columns, start=1) if c.key == "name")
    ws.freeze_panes = f"{get_column_letter(name_col + 1)}{FIRST_DATA_ROW}"


def write_ledger_xlsx(
    projects: QuerySet[Project],
    period: Period,
    path_or_stream: str | PathLike[str] | IO[bytes],
    *,
    title_prefix: str = "",
    viewer: Any = None,
    include_cancelled: bool = False,
) -> LedgerStats:
    """Write the standard monthly sheet of ``projects`` (already scoped and filtered;
    cancelled ones only with ``include_cancelled``, as in the statistics).

    ``viewer``: the user the sheet is for; the contact columns stay empty where
    ``ledger.privacy`` does not give them the contact (None: a command's full export).
    Returns the statistics the 合计 row was taken from.
    """
    projects = counted(projects, period, include_cancelled=include_cancelled)
    columns = columns_for(period)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{period.year}年{period.month}月"
    _header(ws, columns, period, sheet_title(period, title_prefix))
    queryset = projects if projects.ordered else projects.order_by("pk")
    row = FIRST_DATA_ROW
    rows = annotated(queryset, period, viewer).iterator(chunk_size=_CHUNK)
    for seq, project in enumerate(rows, 1):
        values = row_values(project, seq)
        if viewer is not None and not privacy.sees_contact(viewer, project):
            values["contact_name"] = values["contact_phone"] = ""
        for col, column in enumerate(columns, start=1):
            _put(ws, row, col, values.get(column.key), column)
        row += 1
    stats, totals = total_values(projects, period, include_cancelled=True)  # counted above
    bold = Font(bold=True)
    for col, column in enumerate(columns, start=1):
        _put(ws, row, col, totals.get(column.key), column)
        ws.cell(row, col).font = bold
    wb.save(path_or_stream)
    return stats


__all__ = [
    "Column",
    "annotated",
    "columns_for",
    "row_values",
    "sheet_title",
    "total_values",
    "write_ledger_xlsx",
]
