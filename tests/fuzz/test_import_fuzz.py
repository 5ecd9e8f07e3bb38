"""Hostile cells fed to the importer: every one is a row error naming the cell, or stored as
plain text / an exact amount. Never an exception, never half an import."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from taizhang.core.money import MAX_WAN
from taizhang.core.periods import Period
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.models import Project
from taizhang.ledger.tests.import_steps import upload
from taizhang.ledger.tests.sheets_factory import ledger_grid, to_csv, to_xlsx

from .strategies import DB, FORMULAS, MARKUP, NUMBERS, PATHS, hostile_text

AMOUNT = "总投资（万元）"
_ILLEGAL_XML = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"}


def _row(**cells: object) -> dict[str, object]:
    return {"项目名称": "测试项目", "建设单位": "测试公司", "所属区域": "迁安镇",
            AMOUNT: "1000", "年度计划投资": "100", **cells}


def _import(world, grid, *, csv: bool = False, dry_run: bool = True):
    content, name = (to_csv(grid), "台账.csv") if csv else (to_xlsx(grid), "台账.xlsx")
    return import_ledger(content, name, actor=world.office, period=Period(2022, 7),
                         dry_run=dry_run)


@DB
@given(amount=st.one_of(
    st.sampled_from(NUMBERS + FORMULAS),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    hostile_text,
))
def test_any_amount_cell_is_an_error_on_that_cell_or_an_exact_value(world, amount):
    grid = ledger_grid([_row(**{AMOUNT: amount})], total=False)
    result = _import(world, grid, csv=True)
    if result.errors:
        for error in result.errors:
            assert str(error.reason).strip()  # says why, and where:
            assert error.row is not None or error.sheet
        return
    change = result.changes[0] if result.changes else None
    assert result.created == 1, (amount, change)
    before = Project.objects.count()
    applied = _import(world, grid, csv=True, dry_run=False)
    project = Project.objects.order_by("-pk").first()
    assert applied.applied and Project.objects.count() == before + 1
    assert Decimal(0) <= project.planned_total <= MAX_WAN


@DB
@given(name=hostile_text, address=hostile_text, owner=hostile_text)
def test_any_text_cell_is_refused_or_stored_as_plain_text(world, name, address, owner):
    grid = ledger_grid([_row(**{"项目名称": name, "建设地点": address, "建设单位": owner})],
                       total=False)
    result = _import(world, grid, csv=True, dry_run=False)
    if not result.applied:
        assert result.errors and all(str(e.reason).strip() for e in result.errors)
        return
    project = Project.objects.select_related("owner").get(pk=result.project_ids[0])
    for stored in (project.name, project.address, project.owner.name):
        assert "\x00" not in stored
        assert not _ILLEGAL_XML & set(stored)


def test_formula_and_markup_cells_are_stored_as_the_same_text(world):
    rows = [_row(**{"项目名称": f"项目{i}{text}", "建设地点": text, "建设单位": f"公司{i}"})
            for i, text in enumerate(FORMULAS + MARKUP + PATHS) if "\x00" not in text]
    # As text (CSV): an xlsx formula cell would be read as its cached value, never run.
    result = _import(world, ledger_grid(rows, total=False), csv=True, dry_run=False)
    assert result.applied, result.errors
    addresses = set(Project.objects.filter(pk__in=result.project_ids)
                    .values_list("address", flat=True))
    assert "=cmd|' /C calc'!A0" in addresses and "<script>alert('x')</script>" in addresses


def test_the_upload_page_shows_hostile_cells_escaped(world, client):
    client.force_login(world.office)
    payload = "<script>alert('x')</script>"
    grid = ledger_grid([_row(**{AMOUNT: payload, "项目名称": payload})], total=False)
    response = upload(client, to_xlsx(grid), f"../../{payload}.xlsx", period="2022-07")
    body = response.content.decode()
    assert response.status_code == 200 and response.context["job"]["obj"].row_errors
    assert payload not in body and "&lt;script&gt;" in body


def test_an_upload_name_with_path_tricks_is_staged_under_a_random_name(world, client, settings,
                                                                        tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world.office)
    grid = ledger_grid([_row()], total=False)
    for name in ["../../../evil.xlsx", "..\\..\\evil.xlsx", "/tmp/evil.xlsx", "a/b/../c.xlsx"]:
        response = client.post(reverse("ledger:import"), {
            "file": SimpleUploadedFile(name, to_xlsx(grid)), "period": "2022-07"})
        assert response.status_code == 302  # to the preview's job
    staged = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert staged and all(p.parent == tmp_path / "media" / "imports" for p in staged)
    assert all(len(p.name) == 32 and p.name.isalnum() for p in staged)
