"""A large import: rows planned and written in chunks inside one transaction, and a very large
xlsx streamed.  Small sheets with a chunk of a few rows stand in for 100,000-row ones."""

from __future__ import annotations

import pytest
from django.utils import translation

from taizhang.accounts.models import Organization, Person
from taizhang.core.audit.models import AuditEvent
from taizhang.ledger.importing import import_ledger, service, source
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.tests.sheets_factory import (
    STANDARD_LABELS,
    ledger_grid,
    messy_ledger,
    to_xlsx,
)
from taizhang.ledger.tests.test_import import JULY, counts, stats_of


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(service, "CHUNK", 2)


def _row(i: int, **extra) -> dict:
    return {"项目名称": f"分批项目{i}", "建设单位": f"分批公司{i % 3}",
            "所属区域": ("迁安镇", "夏官营镇")[i % 2], "总投资（万元）": "1000",
            "年度计划投资": "100", "1-7月累计完成投资": "30", "本月完成投资": "10",
            "建设阶段": "在建", "包联领导": "严立新（市委常委、宣传部部长）", **extra}


def test_chunks_write_the_same_as_one_pass(world, monkeypatch):
    data = to_xlsx(ledger_grid([_row(i) for i in range(1, 8)],
                               labels=[*STANDARD_LABELS, "包联领导"]))
    preview = import_ledger(data, "a.xlsx", actor=world.office, dry_run=True)
    monkeypatch.setattr(service, "CHUNK", 2)
    chunked = import_ledger(data, "a.xlsx", actor=world.office, dry_run=True)
    assert chunked.digest == preview.digest  # new owners shared by rows of several chunks
    assert [c.name for c in chunked.changes] == [c.name for c in preview.changes]

    result = import_ledger(data, "a.xlsx", actor=world.office, expect_digest=preview.digest)
    assert result.errors == [] and result.applied and result.created == 7
    # One organization per owner and one leader, though their rows are in several chunks.
    assert Organization.objects.filter(name__startswith="分批公司").count() == 3
    assert Person.objects.filter(name="严立新").count() == 1
    assert sorted(result.new_owners) == ["分批公司0", "分批公司1", "分批公司2"]
    assert len(result.project_ids) == 7
    assert stats_of(result.project_ids)["ytd_completed_wan"] == "210.00"
    created = AuditEvent.objects.filter(action="project.imported", source="import")
    assert created.count() == 7


def test_an_error_in_a_later_chunk_writes_nothing(world, small_chunks):
    before = counts()
    rows = [_row(i) for i in range(1, 8)]
    rows[6]["总投资（万元）"] = "很多"  # the last chunk
    result = import_ledger(to_xlsx(ledger_grid(rows, total=False)), "a.xlsx",
                           actor=world.office, period=JULY)
    assert not result.applied
    assert [(e.row, e.column) for e in result.errors] == [(9, "总投资（万元）")]
    assert counts() == before
    assert result.project_ids == []


def test_a_wrong_total_row_at_the_end_writes_nothing(world, small_chunks):
    before = counts()
    grid = ledger_grid([_row(i) for i in range(1, 6)], total={"总投资（万元）": "1"})
    result = import_ledger(to_xlsx(grid), "a.xlsx", actor=world.office)
    assert not result.applied and result.errors[0].row == 8
    assert counts() == before


def test_a_row_repeated_in_a_later_chunk_is_refused(world, small_chunks):
    before = counts()
    rows = [_row(i) for i in range(1, 6)] + [_row(1)]  # no code: same name and owner
    result = import_ledger(to_xlsx(ledger_grid(rows, total=False)), "a.xlsx",
                           actor=world.office, period=JULY)
    (error,) = result.errors
    assert error.row == 8 and "row 3" in error.reason
    assert counts() == before


def test_a_later_chunk_does_not_match_what_an_earlier_one_created(world, small_chunks):
    """A row of a later chunk naming a project an earlier chunk renamed or created is planned as
    the dry run plans it, not against what the import has written meanwhile."""
    code = "2022-130283-07-01-000042"
    rows = [_row(1, **{"项目代码": code}), _row(2), _row(3),
            {"项目代码": code, "项目名称": "分批项目1", "总投资（万元）": "1000"}]
    data = to_xlsx(ledger_grid(rows, total=False))
    preview = import_ledger(data, "a.xlsx", actor=world.office, period=JULY, dry_run=True)
    result = import_ledger(data, "a.xlsx", actor=world.office, period=JULY)
    assert [(e.row, e.reason) for e in result.errors] == [
        (e.row, e.reason) for e in preview.errors]
    assert "row 3" in result.errors[0].reason
    assert not Project.objects.filter(name__startswith="分批项目").exists()


def test_a_very_large_sheet_is_streamed_with_the_same_result(world, monkeypatch):
    data = to_xlsx(messy_ledger())
    expected = import_ledger(data, "m.xlsx", actor=world.office, dry_run=True)
    monkeypatch.setattr(source, "STREAM_ABOVE", 0)
    sheets = source.open_sheets(data, "m.xlsx")
    assert all(isinstance(sheet, source.StreamedSheet) for sheet in sheets)
    assert sheets[0].merged  # read from the end of the sheet's XML
    streamed = import_ledger(data, "m.xlsx", actor=world.office, dry_run=True)
    assert streamed.errors == [] and streamed.digest == expected.digest
    assert streamed.totals == expected.totals
    assert [str(w) for w in streamed.warnings] == [str(w) for w in expected.warnings]
    assert streamed.changes == expected.changes

    result = import_ledger(data, "m.xlsx", actor=world.office, expect_digest=expected.digest)
    assert result.applied and result.created == 4
    assert MonthlyReport.objects.filter(project_id__in=result.project_ids).count() == 7


def test_merged_cells_down_the_rows_fill_every_row_they_cover(world, monkeypatch):
    grid = ledger_grid([_row(1, 所属区域="迁安镇"), _row(2, 所属区域=None),
                        _row(3, 所属区域="夏官营镇")], total=False)
    township = grid.rows[1].index("所属区域") + 1
    grid.merges.append((3, township, 4, township))  # 迁安镇 over rows 3 and 4
    data = to_xlsx(grid)
    for threshold in (source.STREAM_ABOVE, 0):
        monkeypatch.setattr(source, "STREAM_ABOVE", threshold)
        result = import_ledger(data, "a.xlsx", actor=world.office, period=JULY, dry_run=True)
        assert result.errors == []
        towns = {c.name: {f.field: f.after for f in c.fields}["division"]
                 for c in result.changes}
        assert towns == {"分批项目1": "迁安镇", "分批项目2": "迁安镇", "分批项目3": "夏官营镇"}


def test_the_import_audit_rows_fill_every_column_of_an_audit_event():
    """``record_many`` writes its rows by hand: a new AuditEvent field must be added there."""
    from taizhang.core.audit import service as audit

    columns = {f.name for f in AuditEvent._meta.concrete_fields} - {"id"}
    assert set(audit._BULK_FIELDS) == columns
