"""Tests for taizhang.core.sheets against real files built the way offices build them."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlwt

from taizhang.core.sheets import (
    CellError,
    HeaderMap,
    RawSheet,
    SheetFormatError,
    SheetLimitError,
    SheetLimits,
    cell_ref,
    clean_text,
    column_letter,
    fill_merged,
    header_key,
    is_blank_row,
    is_total_row,
    iter_data_rows,
    locate_header,
    parse_date,
    parse_decimal,
    parse_percent,
    read_workbook,
    split_unit,
    to_halfwidth,
)

YTD = re.compile(r"(\d{4}年)?(1|一)?[-—~至到]?\d{1,2}月(份)?(累计)?完成(投资)?")
FIELDS = {
    "seq": ["序号"],
    "name": ["项目名称", "项目"],
    "owner": ["建设单位", "项目单位"],
    "total": ["总投资", "计划总投资"],
    "year_plan": ["年度计划投资", "年度计划"],
    "ytd": [YTD],
    "month": ["本月完成投资", "当月完成投资"],
    "start": ["开工时间", "开工日期"],
    "rate": ["完成率"],
}
REQUIRED = ["name", "total", "ytd"]
WAN, YI = Decimal(1), Decimal(10000)


# --------------------------------------------------------------------------- fixtures


def _ledger_xlsx(path: Path) -> Path:
    """Two title rows, a two-row merged header, 合计/小计/section/note rows, messy cells."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2022年7月"
    ws["A1"] = "迁安市2022年重点项目台账"
    ws.merge_cells("A1:J1")
    ws["A2"] = "单位：万元"
    ws["H2"] = "填报日期：2022年8月5日"
    vertical = ["序号", "项目名称", "建设单位", "开工\n时间", "完成率(%)", "备注"]
    for col, text in zip("ABCHIJ", vertical, strict=True):
        ws[f"{col}3"] = text
        ws.merge_cells(f"{col}3:{col}4")
    ws["D3"] = "投资情况（万元）"
    ws.merge_cells("D3:G3")
    ws["D4"] = "总投资\n（亿元）"
    ws["E4"] = "年度计划投资"
    ws["F4"] = " 1-7月累计完成投资 "
    ws["G4"] = "本月完成投资"
    ws.append(["合\u3000\u3000计", None, None, 15.5, "13,545.6", "2,581.06", 120])  # row 5
    ws.append(["一、续建项目"])  # row 6
    ws.append([1, "迁安 钢铁项目", "迁安钢铁公司", 12.5, "１２，３４５．６", "1,234.56", 100,
               "2022.3", 0.452])  # row 7
    ws["B8"] = " \u3000\xa0"  # row 8: looks blank
    ws.append([2, "\xa0城区道路\xa0", "城建局", "3", "1，000", 1234.5, "0", 44621, "45.2%",
               "新开工"])  # row 9
    ws.append([3, "污水厂", None, 0, "0.5", "12.5", "-",
               datetime(2022, 3, 15), None])  # row 10  # noqa: DTZ001
    ws.merge_cells("C9:C10")
    ws.append([None, "小  计", None, 15.5])  # row 11
    ws.append([4, "学校", "教育局", "0.8", 800, 1234.56, 20, "2022年3月15日", "100%"])  # row 12
    ws.append(["填报人：张三"])  # row 13
    path = path / "ledger.xlsx"
    wb.save(path)
    return path


def _csv_text() -> str:
    return (
        "迁安市重点项目台账,,,,\n"
        ",,单位：亿元,,\n"
        "序号,项目名称,总投资,1-7月完成,开工日期\n"
        '1,钢铁项目,"1,234.56",0.5,2022.03\n'
        ",,,,\n"
        "2,道路,２．５,0,2022年3月\n"
        "3,学校,\u30000.25 ,-,2022-03-15\n"
        "合计,,\"1,237.31\",0.5,\n"
    )


def _parse_rows(sheet: RawSheet, hmap: HeaderMap) -> list[tuple[int, str, dict[str, object]]]:
    out = []
    for row in iter_data_rows(sheet.rows, hmap, name_field="name"):
        values: dict[str, object] = {}
        for name in ("total", "year_plan", "ytd", "month"):
            if name in hmap.columns:
                amount = parse_decimal(hmap.cell(row.cells, name))
                values[name] = None if amount is None else amount * hmap.units[name]
        if "start" in hmap.columns and row.kind == "data":
            values["start"] = parse_date(hmap.cell(row.cells, "start"))
        if "rate" in hmap.columns and row.kind == "data":
            values["rate"] = parse_percent(hmap.cell(row.cells, "rate"))
        if "name" in hmap.columns:
            values["name"] = clean_text(hmap.cell(row.cells, "name"))
        out.append((row.number, row.kind, values))
    return out


# --------------------------------------------------------------------------- xlsx end to end


def test_xlsx_header_columns_units_and_rows(tmp_path: Path) -> None:
    sheets = read_workbook(_ledger_xlsx(tmp_path), "迁安台账.XLSX")
    assert [s.name for s in sheets] == ["2022年7月"]
    sheet = sheets[0]
    hmap = locate_header(sheet.rows, FIELDS, required=REQUIRED)
    assert hmap.ok
    assert hmap.header_rows == (2, 3)
    assert hmap.data_start == 4
    assert hmap.columns == {
        "seq": 0, "name": 1, "owner": 2, "total": 3, "year_plan": 4, "ytd": 5,
        "month": 6, "start": 7, "rate": 8,
    }
    assert hmap.units["total"] == YI  # column's own （亿元） beats the group's （万元）
    assert hmap.units["year_plan"] == WAN
    assert hmap.labels["ytd"] == "1-7月累计完成投资"
    assert hmap.labels["start"] == "开工时间"  # the line break inside the cell is gone
    assert hmap.unmatched == ["备注"]
    assert hmap.missing == []

    rows = _parse_rows(sheet, hmap)
    assert [(number, kind) for number, kind, _ in rows] == [
        (5, "total"), (6, "section"), (7, "data"), (9, "data"), (10, "data"),
        (11, "subtotal"), (12, "data"), (13, "note"),
    ]
    by_number = {number: values for number, _, values in rows}
    assert by_number[5]["total"] == Decimal("155000")
    assert by_number[5]["ytd"] == Decimal("2581.06")
    assert by_number[7] == {
        "total": Decimal("125000"), "year_plan": Decimal("12345.6"),
        "ytd": Decimal("1234.56"), "month": Decimal("100"),
        "start": date(2022, 3, 1), "rate": Decimal("0.452"), "name": "迁安钢铁项目",
    }
    assert by_number[9] == {
        "total": Decimal("30000"), "year_plan": Decimal("1000"), "ytd": Decimal("1234.5"),
        "month": Decimal("0"), "start": date(2022, 3, 1), "rate": Decimal("0.452"),
        "name": "城区道路",
    }
    assert by_number[10] == {
        "total": Decimal("0"), "year_plan": Decimal("0.5"), "ytd": Decimal("12.5"),
        "month": None, "start": date(2022, 3, 15), "rate": None, "name": "污水厂",
    }
    assert by_number[12]["start"] == date(2022, 3, 15)
    assert by_number[12]["rate"] == Decimal("1")
    assert str(by_number[12]["ytd"]) == "1234.56"  # float cell went through repr, not binary


def test_xlsx_row_labels_and_merged_fill(tmp_path: Path) -> None:
    sheet = read_workbook(_ledger_xlsx(tmp_path), "ledger.xlsx")[0]
    hmap = locate_header(sheet.rows, FIELDS, required=REQUIRED)
    labels = {r.number: r.label for r in iter_data_rows(sheet.rows, hmap) if r.kind != "data"}
    assert labels == {5: "合计", 6: "一、续建项目", 11: "小计", 13: "填报人：张三"}

    assert ((8, 2), (9, 2)) in sheet.merged
    assert hmap.cell(sheet.rows[9], "owner") is None  # merged cell: value only at the top
    filled = fill_merged(sheet.rows, sheet.merged, min_row=hmap.data_start, columns=[2])
    assert hmap.cell(filled[9], "owner") == "城建局"
    assert filled[0][5] is None  # title merge lies above min_row: untouched
    assert sheet.rows[9][2] is None  # input not mutated


def test_read_workbook_accepts_bytes_and_file_objects(tmp_path: Path) -> None:
    path = _ledger_xlsx(tmp_path)
    from_path = read_workbook(str(path), "a.xlsx")[0].rows
    assert read_workbook(path.read_bytes(), "a.xlsx")[0].rows == from_path
    with path.open("rb") as handle:
        handle.read(10)  # an upload that was already peeked at
        assert read_workbook(handle, "a.xlsx")[0].rows == from_path
    assert from_path[-1] == ["填报人：张三"] + [None] * 9  # trailing blanks trimmed, '' → None


def test_hidden_sheets_are_flagged(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "台账"
    wb.active["A1"] = "项目名称"
    wb.create_sheet("字典").sheet_state = "hidden"
    path = tmp_path / "h.xlsm"
    wb.save(path)
    sheets = read_workbook(path, "h.xlsm")
    assert [(s.name, s.hidden) for s in sheets] == [("台账", False), ("字典", True)]
    assert sheets[0].rows == [["项目名称"]]
    assert sheets[1].rows == []


# --------------------------------------------------------------------------- xls


def test_xls_written_by_xlwt(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("台账")
    book.add_sheet("说明").write(0, 0, "notes")
    ws.write_merge(0, 0, 0, 4, "重点项目台账")
    header = ["序号", "项目名称", "总投资（亿元）", "1-7月完成投资（万元）", "开工时间"]
    for c, text in enumerate(header):
        ws.write(1, c, text)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    data = [
        [1, "钢铁", 1.25, "1,234.56", "2022/3/15"],
        [2, "道路", "０．５", 10, "2022-03"],
        [3, "学校", 2, 1234.56, date(2022, 3, 15)],
        [4, "医院", 0.1, "  ", 44621],
        ["总计", None, 3.85, "2,479.12", None],
    ]
    for r, values in enumerate(data, start=2):
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, date):
                ws.write(r, c, value, date_style)
            else:
                ws.write(r, c, value)
    path = tmp_path / "old.xls"
    book.save(str(path))

    sheets = read_workbook(path.read_bytes(), "old.xls")
    assert [s.name for s in sheets] == ["台账", "说明"]
    sheet = sheets[0]
    hmap = locate_header(sheet.rows, FIELDS, required=REQUIRED)
    assert hmap.header_rows == (1,)
    assert hmap.data_start == 2
    assert hmap.columns == {"seq": 0, "name": 1, "total": 2, "ytd": 3, "start": 4}
    assert hmap.units == {"seq": WAN, "name": WAN, "total": YI, "ytd": WAN, "start": WAN}
    assert ((0, 0), (0, 4)) in sheet.merged
    rows = _parse_rows(sheet, hmap)
    assert [(n, k) for n, k, _ in rows] == [
        (3, "data"), (4, "data"), (5, "data"), (6, "data"), (7, "total"),
    ]
    values = {n: v for n, _, v in rows}
    assert [values[n]["total"] for n in (3, 4, 5, 6, 7)] == [
        Decimal("12500"), Decimal("5000"), Decimal("20000"), Decimal("1000"), Decimal("38500"),
    ]
    assert [values[n]["ytd"] for n in (3, 4, 5, 6)] == [
        Decimal("1234.56"), Decimal("10"), Decimal("1234.56"), None,
    ]
    assert [values[n]["start"] for n in (3, 4, 5, 6)] == [
        date(2022, 3, 15), date(2022, 3, 1), date(2022, 3, 15), date(2022, 3, 1),
    ]


# --------------------------------------------------------------------------- csv


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "台账.csv"
    path.write_bytes(_csv_text().encode(encoding))
    sheets = read_workbook(path, "台账.CSV")
    assert [s.name for s in sheets] == ["台账"]
    sheet = sheets[0]
    assert sheet.rows[0][0] == "迁安市重点项目台账"  # BOM stripped, text decoded
    hmap = locate_header(sheet.rows, FIELDS, required=REQUIRED)
    assert hmap.header_rows == (2,)
    assert hmap.columns == {"seq": 0, "name": 1, "total": 2, "ytd": 3, "start": 4}
    assert hmap.units["total"] == YI  # from the "单位：亿元" line above the header
    assert hmap.units["ytd"] == YI
    rows = _parse_rows(sheet, hmap)
    assert [(n, k) for n, k, _ in rows] == [(4, "data"), (6, "data"), (7, "data"), (8, "total")]
    values = {n: v for n, _, v in rows}
    assert values[4]["total"] == Decimal("12345600")
    assert values[6]["total"] == Decimal("25000")
    assert values[7]["total"] == Decimal("2500")
    assert values[7]["ytd"] is None
    assert [values[n]["start"] for n in (4, 6, 7)] == [
        date(2022, 3, 1), date(2022, 3, 1), date(2022, 3, 15),
    ]


def test_csv_tab_separated_and_ragged() -> None:
    data = "项目名称\t总投资\n钢铁\t1\t多余\n".encode()
    sheet = read_workbook(io.BytesIO(data), "x.csv")[0]
    assert sheet.rows == [["项目名称", "总投资", None], ["钢铁", "1", "多余"]]


# --------------------------------------------------------------------------- file errors


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"whatever", "ledger.ods", "unsupported_type"),
        (b"whatever", "ledger", "unsupported_type"),
        (b"this is not a workbook", "ledger.xlsx", "corrupt"),
        (b"PK\x03\x04broken zip", "ledger.xlsx", "corrupt"),
        (b"  \r\n", "ledger.xls", "empty"),
        (b"<html><table><tr><td>1</td></tr></table></html>", "export.xls", "html_disguised"),
        (b"a,b\n\x80\x80\n", "ledger.csv", "encoding"),
    ],
)
def test_bad_files_raise_sheet_format_error(data: bytes, filename: str, code: str) -> None:
    with pytest.raises(SheetFormatError) as info:
        read_workbook(data, filename)
    assert info.value.code == code
    assert info.value.reason


def test_csv_named_xlsx_is_corrupt() -> None:
    with pytest.raises(SheetFormatError) as info:
        read_workbook(_csv_text().encode(), "ledger.xlsx")
    assert info.value.code == "corrupt"


# --------------------------------------------------------------------------- headers


def test_unit_precedence_column_then_group_then_sheet() -> None:
    rows = [
        ["台账", None, None, None],
        ["（单位：亿元）", None, None, None],
        ["项目名称", "投资（万元）", None, "本月完成投资"],
        [None, "总投资（元）", "1-6月完成", None],
        ["钢铁", "1", "2", "3"],
    ]
    hmap = locate_header(rows, FIELDS, required=REQUIRED)
    assert hmap.header_rows == (2, 3)
    assert hmap.columns == {"name": 0, "total": 1, "ytd": 2, "month": 3}
    assert hmap.units == {
        "name": YI, "total": Decimal("0.0001"), "ytd": WAN, "month": YI,
    }


def test_default_unit_and_column_number_row_skipped() -> None:
    rows = [
        ["序号", "项目", "计划总投资", "2022年1-7月累计完成投资"],
        ["1", "2", "3", 4],
        [1, "钢铁", 5, 6],
    ]
    hmap = locate_header(rows, FIELDS, required=REQUIRED)
    assert hmap.header_rows == (0,)
    assert hmap.data_start == 2
    assert set(hmap.units.values()) == {WAN}
    assert [r.number for r in iter_data_rows(rows, hmap)] == [3]


def test_missing_duplicates_and_not_found() -> None:
    rows = [["项目名称", "总投资", "总投资（亿元）", "其他"], ["a", 1, 2, 3]]
    hmap = locate_header(rows, FIELDS, required=REQUIRED)
    assert hmap.columns == {"name": 0, "total": 1}
    assert hmap.units["total"] == WAN  # the first 总投资 column wins
    assert hmap.duplicates == {"total": [2]}
    assert hmap.missing == ["ytd"]
    assert hmap.unmatched == ["其他"]
    assert not hmap.ok
    with pytest.raises(SheetFormatError) as info:
        hmap.require()
    assert info.value.code == "missing_columns"
    assert "ytd" in info.value.reason

    nothing = locate_header([["a", "b"], [1, 2]], FIELDS, required=REQUIRED)
    assert nothing.header_rows == () and nothing.columns == {} and not nothing.ok
    assert nothing.missing == REQUIRED
    with pytest.raises(ValueError, match="not declared"):
        locate_header(rows, FIELDS, required=["nope"])


def test_header_beyond_max_scan_is_not_found() -> None:
    rows = [["标题"]] * 5 + [["项目名称", "总投资", "7月累计完成"]]
    assert locate_header(rows, FIELDS, required=REQUIRED, max_scan=5).header_rows == ()
    assert locate_header(rows, FIELDS, required=REQUIRED, max_scan=6).header_rows == (5,)


def test_split_unit() -> None:
    assert split_unit("总投资\n（亿元）") == (["总投资"], YI)
    assert split_unit("总投资【万元】") == (["总投资"], WAN)
    assert split_unit("总投资/元") == (["总投资"], Decimal("0.0001"))
    assert split_unit("*完成率（%）") == (["完成率(%)", "完成率"], None)
    assert split_unit(" 项 目 名 称 ") == (["项目名称"], None)


# --------------------------------------------------------------------------- rows


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        (["合计", None], "total"),
        (["合\u3000 计", None], "total"),
        ([None, "总 计："], "total"),
        (["全市合计（30个）"], "total"),
        (["", "小计"], "subtotal"),
        (["", "续建项目合计"], "subtotal"),
        ([1, "迁安合计钢铁项目"], None),
        ([1, "钢铁项目"], None),
        ([None, None, None, None, "合计"], None),
    ],
)
def test_is_total_row(row: list[object], kind: str | None) -> None:
    assert is_total_row(row) == kind


def test_total_in_name_column_beyond_scan() -> None:
    row = [None, None, None, None, "合计"]
    assert is_total_row(row, name_col=4) == "total"


def test_is_blank_row_and_refs() -> None:
    assert is_blank_row([None, "", " \u3000\xa0\u200b", "\n"])
    assert not is_blank_row([None, 0])
    assert column_letter(0) == "A" and column_letter(25) == "Z" and column_letter(27) == "AB"
    assert cell_ref(7, 3) == "D7"


# --------------------------------------------------------------------------- normalize


def test_text_normalisation() -> None:
    assert to_halfwidth("１２３．４５（万元）\u3000ＡＢ") == "123.45(万元) AB"
    assert clean_text("合\u3000\u3000计") == "合计"
    assert clean_text("\xa0迁安 钢铁\n") == "迁安钢铁"
    assert clean_text("G1  高速\u3000 改造") == "G1 高速改造"
    assert clean_text(12.0) == "12" and clean_text(None) == ""
    assert clean_text(datetime(2022, 3, 1)) == "2022-03-01"  # noqa: DTZ001
    assert header_key(" 开工\n时间（ＡＢ） ") == "开工时间(ab)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("１２３．４５", Decimal("123.45")),
        ("1,234.56", Decimal("1234.56")),
        ("1，234.56", Decimal("1234.56")),
        ("12,345,678", Decimal("12345678")),
        ("\u3000 12 \xa0", Decimal("12")),
        ("-3.5", Decimal("-3.5")),
        ("\u22123.5", Decimal("-3.5")),
        (".5", Decimal("0.5")),
        (1234.56, Decimal("1234.56")),
        (0.1, Decimal("0.1")),
        (12.0, Decimal("12")),
        (7, Decimal("7")),
        (Decimal("1.10"), Decimal("1.10")),
        (None, None),
        ("", None),
        ("  ", None),
        ("-", None),
        ("—", None),
        ("/", None),
    ],
)
def test_parse_decimal_accepts(value: object, expected: Decimal | None) -> None:
    result = parse_decimal(value)
    assert result == expected
    if expected is not None:
        assert str(result) == str(expected)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("abc", "not_a_number"),
        ("12..3", "not_a_number"),
        ("NaN", "not_a_number"),
        ("1e400", "not_a_number"),
        ("1.2E+5", "not_a_number"),
        ("1,23.4", "not_a_number"),
        ("12万元", "not_a_number"),
        ("45%", "not_a_number"),
        (float("nan"), "not_a_number"),
        (float("inf"), "not_a_number"),
        (Decimal("NaN"), "not_a_number"),
        (True, "not_a_number"),
        (date(2022, 3, 1), "not_a_number"),
        (1e300, "too_large"),
        ("1000000000000000", "too_large"),
    ],
)
def test_parse_decimal_rejects(value: object, code: str) -> None:
    with pytest.raises(CellError) as info:
        parse_decimal(value)
    assert info.value.code == code
    assert info.value.reason


def test_parse_decimal_negative_flag() -> None:
    assert parse_decimal("-1", allow_negative=True) == Decimal("-1")
    with pytest.raises(CellError) as info:
        parse_decimal("-1", allow_negative=False)
    assert info.value.code == "negative"
    assert parse_decimal("0", allow_negative=False) == Decimal("0")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("45.2%", Decimal("0.452")),
        ("４５．２％", Decimal("0.452")),
        (" 100 % ", Decimal("1")),
        (0.452, Decimal("0.452")),
        ("0.452", Decimal("0.452")),
        (None, None),
        ("", None),
    ],
)
def test_parse_percent(value: object, expected: Decimal | None) -> None:
    assert parse_percent(value) == expected


def test_parse_percent_bare_points_and_garbage() -> None:
    assert parse_percent("45.2", bare_is_fraction=False) == Decimal("0.452")
    assert parse_percent(45, bare_is_fraction=False) == Decimal("0.45")
    for bad in ("%", "abc%", "45.2%%"):
        with pytest.raises(CellError) as info:
            parse_percent(bad)
        assert info.value.code == "not_a_number"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022.3", date(2022, 3, 1)),
        ("2022.03", date(2022, 3, 1)),
        ("2022.10", date(2022, 10, 1)),
        (2022.3, date(2022, 3, 1)),
        (2022.03, date(2022, 3, 1)),
        ("2022年3月", date(2022, 3, 1)),
        ("2022年3月份", date(2022, 3, 1)),
        ("２０２２年３月１５日", date(2022, 3, 15)),
        ("2022 年 3 月 15 日", date(2022, 3, 15)),
        ("2022-03", date(2022, 3, 1)),
        ("2022-03-15", date(2022, 3, 15)),
        ("2022-03-15 00:00:00", date(2022, 3, 15)),
        ("2022/3/15", date(2022, 3, 15)),
        ("2022.3.15", date(2022, 3, 15)),
        ("20220315", date(2022, 3, 15)),
        ("202203", date(2022, 3, 1)),
        (44621, date(2022, 3, 1)),
        (44621.0, date(2022, 3, 1)),
        (44621.75, date(2022, 3, 1)),
        ("44621", date(2022, 3, 1)),
        (datetime(2022, 3, 15, 10, 30), date(2022, 3, 15)),  # noqa: DTZ001
        (date(2022, 3, 15), date(2022, 3, 15)),
        (None, None),
        ("", None),
        ("\u3000", None),
    ],
)
def test_parse_date_accepts(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


def test_parse_date_1904_datemode() -> None:
    assert parse_date(44621, datemode=1) == date(2026, 3, 2)
    with pytest.raises(ValueError, match="datemode"):
        parse_date(44621, datemode=2)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2022.13", "bad_month"),
        (2022.13, "bad_month"),
        ("2022年13月", "bad_month"),
        ("2022-00-01", "bad_month"),
        ("2022年2月30日", "bad_date"),
        ("2021-02-29", "bad_date"),
        ("abc", "bad_date"),
        ("2022", "bad_date"),
        (2022, "bad_date"),
        ("2022.3.", "bad_date"),
        ("2022-03/15", "bad_date"),
        (12345, "bad_date"),
        (90000, "bad_date"),
        ("1850-01-01", "bad_date"),
        (True, "bad_date"),
        (float("nan"), "bad_date"),
    ],
)
def test_parse_date_rejects(value: object, code: str) -> None:
    with pytest.raises(CellError) as info:
        parse_date(value)
    assert info.value.code == code
    assert info.value.value == value or value != value  # NaN is not equal to itself


@pytest.mark.parametrize("text", ["", " ", "\u3000", "\u200b\ufeff", "\x01", "\x7f", "\t\x00\n",
                                  "a", " 0 ", "\x01x", "—"])
def test_is_blank_text_agrees_with_clean_text(text):
    # The importer tests blank cells with the fast check; it must see what clean_text sees
    # (a cell of control characters only is blank, not a bad number).
    from taizhang.core.sheets.normalize import clean_text, is_blank_text

    assert is_blank_text(text) == (clean_text(text) == "")


def test_a_csv_wider_than_the_cells_limit_is_refused_before_it_is_parsed():
    limits = SheetLimits(max_cells=100)
    with pytest.raises(SheetLimitError) as caught:
        read_workbook(b"a," * 100 + b"a\n", "wide.csv", limits)
    assert caught.value.code == "too_many_cells"
    with pytest.raises(SheetLimitError):
        read_workbook(b"a,b,c,d\n" * 26, "long.csv", limits)  # 26 lines × 4 > 100
    assert read_workbook(b"a,b,c,d\n" * 25, "fits.csv", limits)[0].rows[-1] == list("abcd")


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_csv_lines_split_at_any_line_end_and_not_inside_quotes(end):
    text = f'名称,备注{end}项目一,"两{end}行"{end}项目二,x'
    rows = read_workbook(text.encode(), "ends.csv")[0].rows
    assert rows == [["名称", "备注"], ["项目一", f"两{end}行"], ["项目二", "x"]]
