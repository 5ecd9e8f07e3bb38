"""Limits of an import as settings (issue 8, findings 3, 4 and 7): rows, cells, merged ranges,
bytes, the preview's size and lifetime; the sheet's <dimension> never trusted."""

from __future__ import annotations

import io
import os
import re
import time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from taizhang.core.sheets import DataRow
from taizhang.core.tests.bombs import billion_laughs, parts, rezip
from taizhang.jobs.models import Job
from taizhang.ledger.importing import import_ledger, source
from taizhang.ledger.importing.parse import LedgerSheet, _body, parse_ledger
from taizhang.ledger.importing.source import open_sheets
from taizhang.ledger.importing.staging import stage, staging_dir
from taizhang.ledger.models import Project
from taizhang.ledger.tests.import_steps import confirm, upload
from taizhang.ledger.tests.sheets_factory import STANDARD_LABELS, ledger_grid, to_csv, to_xlsx
from taizhang.ledger.tests.test_import import JULY

URL = reverse("ledger:import")
PATHS = pytest.mark.parametrize("stream", [False, True], ids=["calamine", "streamed"])


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def streamed(monkeypatch):
    def use(stream: bool) -> None:
        monkeypatch.setattr(source, "STREAM_ABOVE", 0 if stream else 64 << 20)
    return use


def _row(i: int, **extra) -> dict:
    return {"项目名称": f"限额项目{i}", "建设单位": f"限额公司{i % 3}", "所属区域": "迁安镇",
            "总投资（万元）": "1000", "年度计划投资": "100", **extra}


def _sheet(n: int, **kwargs) -> bytes:
    return to_xlsx(ledger_grid([_row(i) for i in range(n)], total=False, **kwargs))


def _reasons(result) -> list[str]:
    return [error.reason for error in result.errors]


# ------------------------------------------------------------------ rows, cells, merges


@PATHS
def test_rows_over_the_limit_are_refused_with_the_limit(world, settings, streamed, stream):
    streamed(stream)
    settings.TAIZHANG_IMPORT_MAX_ROWS = 30
    ok = import_ledger(_sheet(20), "a.xlsx", actor=world.office, period=JULY, dry_run=True)
    assert ok.errors == [] and ok.created == 20
    refused = import_ledger(_sheet(40), "a.xlsx", actor=world.office, period=JULY)
    assert _reasons(refused) == [
        "The file has more than 30 rows, the most an import accepts (setting "
        "TAIZHANG_IMPORT_MAX_ROWS); split it into smaller files."]
    assert not refused.applied and not Project.objects.filter(name__startswith="限额").exists()


def test_rows_over_the_limit_in_a_csv_are_refused(world, settings):
    settings.TAIZHANG_IMPORT_MAX_ROWS = 30
    data = to_csv(ledger_grid([_row(i) for i in range(40)], total=False))
    refused = import_ledger(data, "a.csv", actor=world.office, period=JULY, dry_run=True)
    assert "more than 30 rows" in _reasons(refused)[0]


def test_rows_count_across_the_sheets_of_an_import(world, settings):
    settings.TAIZHANG_IMPORT_MAX_ROWS = 30
    one = ledger_grid([_row(i) for i in range(20)], total=False)
    assert import_ledger(to_xlsx(one), "a.xlsx", actor=world.office, period=JULY,
                         dry_run=True).errors == []  # one sheet of 22 rows
    workbook = openpyxl.Workbook()
    for index in range(2):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = f"台账{index}"
        for row in one.rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    refused = import_ledger(out.getvalue(), "b.xlsx", actor=world.office, period=JULY,
                            dry_run=True)
    assert "more than 30 rows" in _reasons(refused)[0]


@PATHS
def test_cells_over_the_limit_are_refused(world, settings, streamed, stream):
    streamed(stream)
    limit = settings.TAIZHANG_IMPORT_MAX_CELLS = 30 * len(STANDARD_LABELS)  # 22 rows fit
    assert import_ledger(_sheet(20), "a.xlsx", actor=world.office, period=JULY,
                         dry_run=True).errors == []
    refused = import_ledger(_sheet(40), "a.xlsx", actor=world.office, period=JULY,
                            dry_run=True)
    assert _reasons(refused) == [
        f"A sheet has more than {limit} cells (rows × columns), the most an import accepts "
        "(setting TAIZHANG_IMPORT_MAX_CELLS); delete the empty rows and columns or split "
        "the sheet."]


def _merged_sheet(merges: int, rows: int) -> bytes:
    """``rows`` projects and ``merges`` copies of one merged range down the 所属区域 column
    (the issue's 7.8 KB file: duplicated merges down to row 20,001)."""
    grid = ledger_grid([_row(i) for i in range(rows)], total=False)
    column = grid.rows[1].index("所属区域") + 1
    xml = parts(to_xlsx(grid))["xl/worksheets/sheet1.xml"]
    ref = f"{_letter(column)}3:{_letter(column)}{rows + 2}"
    cells = "".join(f'<mergeCell ref="{ref}"/>' for _ in range(merges))
    xml = re.sub(rb"<mergeCells.*?</mergeCells>", b"", xml)
    xml = xml.replace(b"</sheetData>",
                      f'</sheetData><mergeCells count="{merges}">{cells}</mergeCells>'.encode())
    return rezip(to_xlsx(grid), {"xl/worksheets/sheet1.xml": xml})


def _letter(column: int) -> str:
    return chr(ord("A") + column - 1)


@PATHS
def test_merged_ranges_over_the_limit_are_refused(world, settings, streamed, stream):
    streamed(stream)
    settings.TAIZHANG_IMPORT_MAX_MERGED = 50
    assert import_ledger(_merged_sheet(50, 5), "a.xlsx", actor=world.office, period=JULY,
                         dry_run=True).errors == []
    refused = import_ledger(_merged_sheet(51, 5), "a.xlsx", actor=world.office, period=JULY,
                            dry_run=True)
    assert _reasons(refused) == [
        "A sheet has more than 50 merged cell ranges, the most an import accepts (setting "
        "TAIZHANG_IMPORT_MAX_MERGED); unmerge the cells and upload it again."]


class _CountingRow(list):
    writes = 0

    def __setitem__(self, index, value):
        _CountingRow.writes += 1
        super().__setitem__(index, value)


@PATHS
def test_merges_times_rows_is_not_quadratic(streamed, stream):
    """10,000 copies of one range over 2,000 rows (a 7.8 KB file in the issue took 48 s): each
    cell of the range is written once per row, not once per copy (20 million writes)."""
    streamed(stream)
    data = _merged_sheet(10_000, 2_000)
    parsed = parse_ledger(open_sheets(data, "a.xlsx"))
    sheet = parsed.sheets[0]
    assert len(sheet.source.merged) == 10_000
    counted = _CountingSource(sheet.source)
    _CountingRow.writes = 0
    rows: list[DataRow] = list(_body(LedgerSheet(counted, sheet.hmap, sheet.columns)))
    assert len(rows) == 2_000
    column = sheet.hmap.columns["township"]
    assert {row.cells[column] for row in rows} == {"迁安镇"}
    assert _CountingRow.writes <= 2_000


class _CountingSource(source.SheetSource):
    def __init__(self, wrapped: source.SheetSource) -> None:
        self._wrapped = wrapped
        self.name, self.hidden, self.merged = wrapped.name, wrapped.hidden, wrapped.merged
        self.head = wrapped.head

    def rows(self, start: int = 0):
        for index, row in self._wrapped.rows(start):
            yield index, _CountingRow(row)


def test_the_upload_size_is_one_setting_for_the_form_and_the_reader(world, settings, client):
    settings.TAIZHANG_MAX_IMPORT_BYTES = 1000
    data = _sheet(20)
    assert len(data) > 1000
    refused = import_ledger(data, "a.xlsx", actor=world.office, period=JULY, dry_run=True)
    assert _reasons(refused) == [
        "The file is larger than 1000\xa0bytes, the most an import accepts (setting "
        "TAIZHANG_MAX_IMPORT_BYTES)."]
    client.force_login(world.office)
    response = client.post(URL, {"file": SimpleUploadedFile("a.xlsx", data),
                                 "period": "2022-07"})
    assert response.status_code == 200
    assert "TAIZHANG_MAX_IMPORT_BYTES" in response.content.decode()


# ------------------------------------------------------------------ the <dimension> element


def _lying(n: int) -> bytes:
    """``n`` projects in a sheet that declares only A1:E1002 (its real extent is wider)."""
    data = _sheet(n)
    xml = parts(data)["xl/worksheets/sheet1.xml"]
    xml, found = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:E1002"', xml)
    assert found == 1
    return rezip(data, {"xl/worksheets/sheet1.xml": xml})


@PATHS
def test_a_sheet_declaring_fewer_rows_than_it_holds_is_read_whole(world, streamed, stream):
    streamed(stream)
    data = _lying(1_200)
    result = import_ledger(data, "a.xlsx", actor=world.office, period=JULY, dry_run=True)
    assert result.errors == []
    assert result.totals.projects == result.created == 1_200
    # Every column too: the dimension stops at E, the sheet's 年度计划投资 is further right.
    assert {f.field for f in result.changes[-1].figures} >= {"plan:2022"}


def test_the_rows_limit_counts_the_rows_read_not_the_rows_declared(world, settings, streamed):
    streamed(True)
    settings.TAIZHANG_IMPORT_MAX_ROWS = 1_100
    refused = import_ledger(_lying(1_200), "a.xlsx", actor=world.office, period=JULY,
                            dry_run=True)
    assert "more than 1100 rows" in _reasons(refused)[0]


# ------------------------------------------------------------------ the web page


def _upload(client, data: bytes, name: str = "台账.xlsx"):
    return upload(client, data, name, period="2022-07")


def _staged_token(preview_job_id) -> str:
    return Job.objects.get(pk=preview_job_id).params["token"]


def test_the_web_upload_of_a_bomb_shows_the_reason(client, world):
    client.force_login(world.office)
    response = _upload(client, billion_laughs("xl/sharedStrings.xml"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="job-row-errors"' in body and 'name="confirm"' not in body
    assert "工作簿中含有 XML 文档类型声明（DTD）或实体" in body
    assert not list(staging_dir().iterdir())  # the refused upload is not kept


def test_the_web_upload_over_the_row_limit_shows_the_limit(client, world, settings):
    settings.TAIZHANG_IMPORT_MAX_ROWS = 30
    client.force_login(world.office)
    response = _upload(client, _sheet(40))
    assert response.status_code == 200
    assert "文件的行数超过 30 行" in response.content.decode()  # in the default language


def test_the_preview_page_lists_at_most_the_preview_rows(client, world, settings):
    settings.TAIZHANG_IMPORT_PREVIEW_ROWS = 5
    client.force_login(world.office)
    response = _upload(client, _sheet(12))
    body = response.content.decode()
    assert response.context["result"].created == 12
    assert len(set(re.findall(r"限额项目\d+", body))) == 5
    assert "每个列表只显示前 5 条，另有 7 条未显示。" in body
    assert response.context["token"]  # the whole sheet can still be confirmed


# ------------------------------------------------------------------ previews expire


def _age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_a_confirm_of_an_expired_preview_is_refused(client, world, settings):
    client.force_login(world.office)
    response = _upload(client, _sheet(3))
    token = response.context["token"]
    staged_token = _staged_token(token)
    _age(staging_dir() / staged_token, settings.TAIZHANG_IMPORT_PREVIEW_HOURS + 1)
    response = client.post(URL, {"confirm": "1", "token": token}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "该预览已过期（预览保留 24 小时），请重新上传文件。"]
    assert not (staging_dir() / staged_token).exists()
    assert not Project.objects.filter(name__startswith="限额").exists()


def test_a_confirm_within_the_lifetime_imports(client, world, settings,
                                               django_capture_on_commit_callbacks):
    client.force_login(world.office)
    token = _upload(client, _sheet(3)).context["token"]
    staged_token = _staged_token(token)
    _age(staging_dir() / staged_token, settings.TAIZHANG_IMPORT_PREVIEW_HOURS - 1)
    with django_capture_on_commit_callbacks(execute=True):  # deleted once the import commits
        assert confirm(client, token).context["job"]["obj"].state == "succeeded"
    assert Project.objects.filter(name__startswith="限额").count() == 3
    assert not (staging_dir() / staged_token).exists()


def test_purge_previews_deletes_only_the_expired_ones(settings):
    old, _ = stage([b"old"])
    fresh, _ = stage([b"fresh"])
    other = staging_dir() / "README"
    other.write_text("not a preview")
    _age(staging_dir() / old, settings.TAIZHANG_IMPORT_PREVIEW_HOURS + 1)
    _age(other, 1000)
    call_command("purge-previews", stdout=(out := _Output()))
    assert sorted(p.name for p in staging_dir().iterdir()) == sorted([fresh, "README"])
    assert "Deleted 1 import previews older than 24 hours." in out.text


def test_storing_a_preview_purges_the_expired_ones(settings):
    old, _ = stage([b"old"])
    _age(staging_dir() / old, settings.TAIZHANG_IMPORT_PREVIEW_HOURS + 1)
    new, _ = stage([b"new"])
    assert [p.name for p in staging_dir().iterdir()] == [new]


class _Output:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass
