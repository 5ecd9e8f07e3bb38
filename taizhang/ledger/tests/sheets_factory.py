"""Builders for the messy ledger sheets offices really send (xlsx, xls, csv).

A ``Grid`` is rows of cell values plus merged ranges; ``to_xlsx``/``to_xls``/``to_csv`` turn it
into file bytes.  ``messy_ledger`` is the acceptance sheet; ``ledger_grid`` builds simple
one-row-header sheets for focused tests.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import xlwt
from openpyxl.utils import get_column_letter


@dataclass
class Grid:
    """``rows[i][j]`` is spreadsheet row i+1, column j+1; merges are 1-based (r1, c1, r2, c2)."""

    name: str
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def row_of(self, text: str, col: int | None = None) -> int:
        """1-based number of the first row with a cell equal to ``text``."""
        for number, row in enumerate(self.rows, start=1):
            cells = row if col is None else row[col : col + 1]
            if text in cells:
                return number
        raise KeyError(text)


def to_xlsx(grid: Grid) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = grid.name
    for r, row in enumerate(grid.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                cell = ws.cell(r, c, value)
                if isinstance(value, date | datetime):
                    cell.number_format = "yyyy-mm-dd"
    for r1, c1, r2, c2 in grid.merges:
        ws.merge_cells(f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_xls(grid: Grid) -> bytes:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(grid.name)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    merged_away = set()
    for r1, c1, r2, c2 in grid.merges:
        value = grid.rows[r1 - 1][c1 - 1] if c1 - 1 < len(grid.rows[r1 - 1]) else None
        ws.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, _xls_value(value))
        merged_away |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    for r, row in enumerate(grid.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or (r, c) in merged_away:
                continue
            if isinstance(value, date | datetime):
                ws.write(r - 1, c - 1, value, date_style)
            else:
                ws.write(r - 1, c - 1, _xls_value(value))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xls_value(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def to_csv(grid: Grid, encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in grid.rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v
                         for v in row])
    return out.getvalue().encode(encoding)


# ------------------------------------------------------------------ the acceptance sheet

#: What the messy sheet holds, in 万元, for the checks (the sheet writes them messily).
MESSY_PROJECTS = {
    "迁安市城区集中供热管网改造": {
        "code": "2021-130283-30-03-012345", "owner": "迁安热力有限公司",
        "planned_total": Decimal("12000.00"), "annual_plan": Decimal("3000.00"),
        "ytd": Decimal("1850.50"), "month": Decimal("220.50"), "since_start": Decimal("5850.50"),
        "planned_start": date(2022, 3, 1), "actual_start": date(2022, 3, 15),
        "planned_completion": date(2023, 10, 1), "township": "迁安镇",
        "nature": "expansion", "stage": "under_construction", "industry": "D",
        "project_type": "infrastructure", "leader": ("王建国", "副市长"),
        "unit": "迁安市住建局", "contact_name": "张伟", "contact_phone": "13800000001",
    },
    "迁安镇污水处理厂提标改造": {
        "code": None, "owner": "迁安市城投集团有限公司",
        "planned_total": Decimal("3500.00"), "annual_plan": Decimal("1200.00"),
        "ytd": Decimal("800.00"), "month": Decimal("100.00"), "since_start": Decimal("800.00"),
        "planned_start": date(2022, 3, 1), "actual_start": date(2022, 3, 15),
        "planned_completion": date(2022, 12, 31), "township": "夏官营镇",
        "nature": "reconstruction", "stage": "under_construction", "industry": "N",
        "project_type": "infrastructure", "leader": ("李明", "副市长"),
        "unit": "杨店子街道办事处", "contact_name": "李娜", "contact_phone": "0315-7654321",
    },
    "河北鑫达钢铁产能减量置换转型升级": {
        "code": "2022-130283-07-01-000123", "owner": "河北鑫达钢铁集团有限公司",
        "planned_total": Decimal("86000.00"), "annual_plan": Decimal("20000.00"),
        "ytd": Decimal("6000.00"), "month": Decimal("1000.00"), "since_start": Decimal("6000.00"),
        "planned_start": date(2022, 5, 1), "actual_start": date(2022, 6, 1),
        "planned_completion": date(2024, 6, 1), "township": "夏官营镇",
        "nature": "tech_upgrade", "stage": "under_construction", "industry": "C",
        "project_type": "industry", "leader": ("王建国", "副市长"),
        "unit": "迁安市工信局", "contact_name": "", "contact_phone": "",
    },
    "首钢智新高性能取向硅钢": {
        "code": None, "owner": "燕山钢铁有限公司",
        "planned_total": Decimal("125000.00"), "annual_plan": Decimal("5000.00"),
        "ytd": Decimal("0.00"), "month": Decimal("0.00"), "since_start": Decimal("0.00"),
        "planned_start": date(2022, 9, 1), "actual_start": None, "planned_completion": None,
        "township": "迁安市", "nature": "new", "stage": "preliminary", "industry": "C",
        "project_type": "industry", "leader": None,
        "unit": "迁安市发改局", "contact_name": "", "contact_phone": "",
    },
}
MESSY_TOTALS = {
    "projects": 4,
    "planned_total_wan": "226500.00",
    "annual_plan_wan": "29200.00",
    "ytd_completed_wan": "8650.50",
    "since_start_completed_wan": "12650.50",
}
MESSY_NEW_OWNERS = {"迁安热力有限公司", "迁安市城投集团有限公司", "河北鑫达钢铁集团有限公司"}
MESSY_NEW_UNITS = {"迁安市住建局": "department", "杨店子街道办事处": "township",
                   "迁安市工信局": "department"}


def messy_ledger(*, month_column: bool = True, total_ok: bool = True) -> Grid:
    """Two title rows, a two-row merged header with synonyms, 总投资 in 亿元, full-width digits,
    thousands separators, stray spaces, four date spellings, sections, a blank row, 小计 and
    合计 rows and a footnote — for period 2022-07.  Projects: ``MESSY_PROJECTS``.

    Without ``month_column`` the sheet gives only the year-to-date figure.
    """
    header_top = [
        "序号", "项目代码", "项目全称", "项目业主", "建设性质", "所属乡镇", "建设地点",
        "建设规模及主要内容", "计划总投资\n（亿元）", "投资完成情况（万元）",
        None, None, None, None,
        "形象进度", "计划开工时间", "实际开工 时间", "计划竣工时间", "挂钩领导", "挂钩责任单位",
        "联系人", "联系电话", "所属行业", "建设阶段", "项目类型", "存在问题", "下步计划",
    ]
    width = len(header_top)
    header_bottom: list[Any] = [None] * width
    header_bottom[9:14] = ["2022年计划投资", " 1-7月累计完成投资 ", "当月完成投资", "占年计划(%)",
                           "开工至今累计"]

    def row(*cells: Any) -> list[Any]:
        return list(cells) + [None] * (width - len(cells))

    rows = [
        row("迁安市2022年重点项目建设台账"),
        row("（2022年1-7月）", *[None] * 24, "单位：万元"),
        header_top,
        header_bottom,
        row("一、续建项目"),
        row(1, "２０２１－１３０２８３－３０－０３－０１２３４５", "  迁安市城区集中供热管网改造 ",
            "迁安热力有限公司", "改扩建", "迁安镇", "迁安市区", "改造管网56公里\n新建换热站12座",
            "１．２", "3,000", "1,850.5", "220.50", 0.6168, "5,850.5", "管网铺设完成60%",
            "2022.3", 44635, "2023年10月", "王建国（副市长）", "迁安市住建局", "张  伟",
            13800000001, "D", "续建", "基础设施", "资金缺口较大", "10月底前完成主管网"),
        row(2, None, "迁安镇污水处理厂提标改造", "迁安市城投集团有限公司", "改建", " 夏官营镇 ",
            None, None, "0.35", "  1200  ", "800", "100", None, "800", None,
            "2022年3月", "2022-03-15", datetime(2022, 12, 31), "李明\u3000副市长",  # noqa: DTZ001
            "杨店子街道办事处", "李娜", "0315-7654321", "水利、环境和公共设施管理业", "在建",
            "基础设施"),
        row(),
        row("小计", None, None, None, None, None, None, None, "1.55", "4,200", "2,650.5",
            "320.5"),
        row("二、新开工项目"),
        row(3, "2022-130283-07-01-000123", "河北鑫达钢铁产能减量置换转型升级",
            "河北鑫达钢铁集团有限公司", "技术改造", "夏官营镇", None, None, 8.6, "20,000",
            "6,000", "1,000", None, "6000", None, 2022.5, "2022.6", "2024年6月",
            "王建国 副市长", "迁安市工信局", None, None, "制造业", "新开工", "产业"),
        row(4, None, "首钢智新高性能取向硅钢", "燕山钢铁有限公司", "新建", None, None, None,
            "12.5", "5000", "0", "0", None, None, None, "2022年9月", None, None, None,
            "迁安市发改局", None, None, "C", "前期", "产业"),
        row("合  计", None, None, None, None, None, None, None, "22.65",
            "29,200" if total_ok else "29,300", "8,650.5", "1,320.5"),
        row("填报人：张三    审核人：李四"),
    ]
    merges = [(1, 1, 1, width), (3, 10, 3, 14)]
    merges += [(3, c, 4, c) for c in range(1, width + 1) if not 10 <= c <= 14]
    if not month_column:
        for r in rows:
            del r[11]
        merges = [(1, 1, 1, width - 1), (3, 10, 3, 13)]
        merges += [(3, c, 4, c) for c in range(1, width) if not 10 <= c <= 13]
    return Grid("2022年7月", rows, merges)


# ------------------------------------------------------------------ simple sheets

STANDARD_LABELS = [
    "序号", "项目代码", "项目名称", "建设单位", "所属区域", "建设地点", "总投资（万元）",
    "年度计划投资", "1-7月累计完成投资", "本月完成投资", "建设阶段", "计划开工时间",
]
_SUMMED = ("总投资（万元）", "年度计划投资", "1-7月累计完成投资", "本月完成投资")


def ledger_grid(
    projects: list[dict[str, Any]],
    *,
    labels: list[str] | None = None,
    title: str = "迁安市2022年1-7月重点项目台账",
    total: dict[str, Any] | bool = True,
) -> Grid:
    """A title row, a one-row header of ``labels`` and one row per dict (keys are labels).

    ``total=True`` appends a correct 合计 row; a dict overrides some of its cells.
    """
    labels = labels or STANDARD_LABELS
    rows: list[list[Any]] = [[title] + [None] * (len(labels) - 1), list(labels)]
    for seq, project in enumerate(projects, start=1):
        rows.append([project.get(label, seq if label == "序号" else None) for label in labels])
    if total:
        sums: dict[str, Any] = {}
        for label in labels:
            if label in _SUMMED:
                values = [_number(p.get(label)) for p in projects]
                sums[label] = str(sum((v for v in values if v is not None), Decimal(0)))
        if isinstance(total, dict):
            sums.update(total)
        rows.append(["合计" if i == 0 else sums.get(label) for i, label in enumerate(labels)])
    return Grid("台账", rows, [(1, 1, 1, len(labels))])


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", ""))
    except ArithmeticError:
        return None
