"""Importing a catalogue sheet: the ledger importer's rules (header found under a title row,
units in the header, every bad cell named, all or nothing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from taizhang.ledger.tests.sheets_factory import Grid, to_xlsx
from taizhang.policies.importing import import_catalogue
from taizhang.policies.models import Policy

pytestmark = pytest.mark.django_db

HEADER = ["序号", "政策名称", "发布机关", "层级", "支持内容", "截止日期", "免申即享", "适用行业",
          "企业规模", "乡镇", "项目阶段", "最低投资（亿元）", "重点项目", "资质标签"]


def _sheet(*rows: list[object]) -> bytes:
    return to_xlsx(Grid("政策清单", [["2022年迁安市惠企政策清单"], HEADER, *rows]))


GOOD = [1, "技改补助办法", "迁安市工业和信息化局", "县级", "按设备投资10%补助", "2022年12月31日",
        "否", "C、信息技术服务", "小型,微型", "迁安镇", "在建", "0.5", "省级",
        "专精特新，高新技术企业"]


def test_a_good_sheet_adds_every_policy_with_its_eligibility(world):
    free = [2, "稳岗返还", "迁安市人力资源和社会保障局", "县级", "返还失业保险费", None, "是"]
    result = import_catalogue(_sheet(GOOD, free), "政策.xlsx", actor=world.office,
                              division=world.county)
    assert result.applied and result.created == 2
    first = Policy.objects.get(title="技改补助办法")
    assert first.level == "county" and first.deadline == date(2022, 12, 31)
    assert first.industries == ["C", "I"] and first.sizes == ["micro", "small"]
    assert first.stages == ["under_construction"] and first.key_level == 3
    assert first.min_investment == Decimal("5000.00")  # 0.5 亿元
    assert first.tags == ["专精特新", "高新技术企业"]
    assert list(first.townships.all()) == [world.town]
    second = Policy.objects.get(title="稳岗返还")
    assert second.grant_without_application and second.industries == []


def test_every_bad_cell_is_named_and_nothing_is_written(world):
    bad = [2, "", "某局", "乡级", "x", "明年", "也许", "Z", "巨型", "外县镇", "施工", "-1", "特级",
           ""]
    result = import_catalogue(_sheet(GOOD, bad), "政策.xlsx", actor=world.office,
                              division=world.county)
    assert not result.applied and Policy.objects.count() == 0
    cells = {error.cell for error in result.errors}
    # Row 4 (title row, header, GOOD, then this one): every wrong cell, each with a reason.
    assert cells >= {"D4", "F4", "G4", "H4", "I4", "J4", "K4", "L4", "M4"}
    assert all(error.reason and error.row == 4 for error in result.errors)
    assert any(error.column == "政策名称" for error in result.errors)  # blank title


def test_a_sheet_without_the_required_columns_is_refused(world):
    sheet = to_xlsx(Grid("x", [["名称", "备注"], ["a", "b"]]))
    result = import_catalogue(sheet, "x.xlsx", actor=world.office, division=world.county)
    assert not result.applied and "发布机关" in result.errors[0].reason
    result = import_catalogue(b"not a sheet", "x.txt", actor=world.office, division=world.county)
    assert not result.applied and Policy.objects.count() == 0


def test_the_import_page(world, client):
    client.force_login(world.office)
    assert client.get(reverse("policies:import")).status_code == 200
    bad = SimpleUploadedFile("政策.xlsx", _sheet([1, "x", "y", "乡级", "z"]))
    response = client.post(reverse("policies:import"), {"file": bad})
    assert response.status_code == 200 and "D3" in response.content.decode()
    good = SimpleUploadedFile("政策.xlsx", _sheet(GOOD))
    response = client.post(reverse("policies:import"), {"file": good})
    assert response.status_code == 302 and Policy.objects.count() == 1
    client.force_login(world.alice)
    assert client.get(reverse("policies:import")).status_code == 403
