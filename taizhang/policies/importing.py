"""Importing a catalogue of policies from a sheet, by the ledger importer's rules: the header
found among the first rows by its synonyms (title rows above it, two-row headers, units in
the header text), every row checked first and every bad cell named with its row, column and
reason; then all or nothing (one transaction through `services.save_policy`, audited per
policy). Read by `core.sheets` (python-calamine), with the import limits of the ledger.

Columns (synonyms in FIELDS): 政策名称, 发布机关, 层级 (国家级 / 省级 / 市级 / 县级), 支持内容
are required; 截止日期, 申报方式, 联系方式, 免申即享 (是 / 否), and the eligibility: 适用行业
(GB/T 4754 letters or names, 、 or commas between), 企业规模 (大型 / 中型 / 小型 / 微型), 乡镇
(names of the office's townships), 项目阶段 (谋划 / 前期 / 在建 / 竣工 / 暂缓), 最低投资（万元；
亿元 in the header is converted), 重点项目 (县级 / 市级 / 省级: that list or higher), 资质标签.
An empty cell leaves the criterion open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from taizhang.accounts.choices import DivisionLevel
from taizhang.accounts.models import Division
from taizhang.core.money import AMOUNT_VALIDATORS
from taizhang.core.services import ServiceError
from taizhang.core.sheets import (
    CellError,
    SheetFormatError,
    clean_text,
    column_letter,
    iter_data_rows,
    locate_header,
    parse_date,
    parse_decimal,
    read_workbook,
)
from taizhang.ledger.importing.limits import import_limits
from taizhang.ledger.importing.result import RowError
from taizhang.ledger.importing.service import format_reason
from taizhang.policies import services
from taizhang.policies.models import Policy

FIELDS: dict[str, list[str]] = {
    "title": ["政策名称", "政策标题", "名称", "标题", "title"],
    "issuer": ["发布机关", "发文单位", "发布单位", "发文机关", "issuer"],
    "level": ["层级", "政策层级", "级别", "level"],
    "benefit": ["支持内容", "扶持内容", "政策内容", "享受内容", "支持标准", "benefit"],
    "deadline": ["截止日期", "申报截止", "截止时间", "申报截止日期", "deadline"],
    "how_to_apply": ["申报方式", "申报流程", "办理方式", "申报渠道"],
    "contact": ["联系方式", "咨询电话", "联系人及电话", "contact"],
    "grant_without_application": ["免申即享", "是否免申即享"],
    "industries": ["适用行业", "行业", "行业门类"],
    "sizes": ["企业规模", "规模"],
    "townships": ["乡镇", "适用乡镇", "适用区域", "乡镇（街道）"],
    "stages": ["项目阶段", "阶段", "适用阶段"],
    "min_investment": ["最低投资", "投资门槛", "最低计划总投资", "计划总投资不低于"],
    "key_level": ["重点项目", "重点项目级别", "重点项目要求"],
    "tags": ["资质标签", "资质要求", "资质", "标签"],
}
REQUIRED = ["title", "issuer", "level", "benefit"]

LEVELS = {"国家": "national", "国家级": "national", "省": "provincial", "省级": "provincial",
          "市": "city", "市级": "city", "设区市": "city", "县": "county", "县级": "county",
          "县（市）级": "county", "县(市)级": "county", "县市级": "county"}
SIZES = {"大": "large", "大型": "large", "中": "medium", "中型": "medium", "小": "small",
         "小型": "small", "微": "micro", "微型": "micro"}
STAGES = {"谋划": "planning", "储备": "planning", "前期": "preliminary",
          "在建": "under_construction", "续建": "under_construction",
          "新开工": "under_construction", "竣工": "completed", "投产": "completed",
          "竣工投产": "completed", "暂缓": "on_hold"}
KEY_LEVELS = {"县": 1, "县级": 1, "县（市）级": 1, "市": 2, "市级": 2, "设区市级": 2, "省": 3,
              "省级": 3}
# GB/T 4754-2017 sections by their short names (DOMAIN.md).
INDUSTRIES = {"农林牧渔": "A", "采矿": "B", "制造": "C", "电力热力燃气及水": "D", "建筑": "E",
              "批发零售": "F", "交通运输仓储邮政": "G", "住宿餐饮": "H", "信息技术服务": "I",
              "金融": "J", "房地产": "K", "租赁商务服务": "L", "科研技术服务": "M",
              "水利环境公共设施": "N", "居民服务修理": "O", "教育": "P", "卫生社会工作": "Q",
              "文化体育娱乐": "R", "公共管理社会组织": "S", "国际组织": "T"}
SECTIONS = {letter: letter for letter in INDUSTRIES.values()}
YES = {"是", "y", "yes", "√", "✓", "1", "true"}
NO = {"否", "n", "no", "×", "0", "false", ""}
_SPLIT = re.compile(r"[,，、;；/\s]+")


@dataclass
class CatalogueImport:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def applied(self) -> bool:
        return not self.errors


def _items(text: str) -> list[str]:
    return [item for item in _SPLIT.split(text) if item]


class _Bad(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _choices(text: str, table: dict[str, Any], what: str) -> list[Any]:
    found = []
    for item in _items(text):
        value = table.get(item) or table.get(item.removesuffix("业")) or (
            item if item in table.values() else None)
        if value is None:
            raise _Bad(_("%(value)s is not a known %(what)s.") % {"value": item, "what": what})
        found.append(value)
    return sorted(set(found), key=str)


def import_catalogue(source: bytes | BinaryIO, filename: str, *, actor: Any,
                     division: Division, dry_run: bool = False) -> CatalogueImport:
    """Check every row of the sheet; with no error (and not `dry_run`) add every policy to
    `division`'s catalogue in one transaction."""
    result = CatalogueImport()
    try:
        sheets = read_workbook(source, filename, limits=import_limits())
    except SheetFormatError as exc:
        result.errors.append(RowError("", None, "", "", "", format_reason(exc)))
        return result
    best = None
    for sheet in sheets:
        if sheet.hidden:
            continue
        header = locate_header(sheet.rows, FIELDS, required=REQUIRED)
        if header.ok:
            best = (sheet, header)
            break
        if best is None and header.header_rows:
            best = (sheet, header)
    if best is None or not best[1].ok:
        missing = best[1].missing if best else REQUIRED
        result.errors.append(RowError(best[0].name if best else "", None, "", "", "", _(
            "Required columns are missing: %(columns)s.") % {"columns": "、".join(
                FIELDS[name][0] for name in missing)}))
        return result
    sheet, header = best
    towns = {d.name: d for d in Division.objects.filter(division.subtree_q(),
                                                        level=DivisionLevel.TOWNSHIP)}
    rows: list[tuple[int, dict[str, Any], list[Division]]] = []
    for data in iter_data_rows(sheet.rows, header, name_field="title"):
        if data.kind != "data":
            continue
        values: dict[str, Any] = {}
        chosen: list[Division] = []
        bad = False
        for name, index in header.columns.items():
            raw = header.cell(data.cells, name)
            text = clean_text(raw)
            try:
                if name == "townships":
                    for item in _items(text):
                        if item not in towns:
                            raise _Bad(_("%(value)s is not a township of your division.")
                                       % {"value": item})
                        chosen.append(towns[item])
                    continue
                values[name] = _value(name, raw, text, header.units.get(name, Decimal(1)))
            except (_Bad, CellError) as exc:
                bad = True
                reason = exc.reason if isinstance(exc, _Bad) else _cell_reason(exc)
                result.errors.append(RowError(sheet.name, data.number, header.labels[name],
                                              column_letter(index), text[:100], reason))
        # The model's checks of the cells that were read (a blank title, a long name).
        errors = [(name, reason) for name, reason in _model_errors(values, division)
                  if name in values or not bad]
        for name, reason in errors:
            found = header.columns.get(name)
            result.errors.append(RowError(
                sheet.name, data.number, header.labels.get(name, ""),
                column_letter(found) if found is not None else "",
                clean_text(header.cell(data.cells, name))[:100], reason))
        if not errors and not bad:
            rows.append((data.number, values, chosen))
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        for _number, values, chosen in rows:
            services.save_policy(division, actor=actor, expected_version=0, townships=chosen,
                                 **values)
    result.created = len(rows)
    return result


def _value(name: str, raw: object, text: str, unit: Decimal) -> Any:
    if name in ("title", "issuer", "benefit", "how_to_apply", "contact"):
        return text
    if name == "level":
        if text not in LEVELS and text not in LEVELS.values():
            raise _Bad(_("Write the level as 国家级, 省级, 市级 or 县级."))
        return LEVELS.get(text, text)
    if name == "deadline":
        return parse_date(raw)
    if name == "grant_without_application":
        if text.lower() not in YES | NO:
            raise _Bad(_("Write 是 or 否."))
        return text.lower() in YES
    if name == "industries":
        return _choices(text.upper(), {**INDUSTRIES, **SECTIONS}, _("industry"))
    if name == "sizes":
        return _choices(text, SIZES, _("enterprise size"))
    if name == "stages":
        return _choices(text, STAGES, _("project stage"))
    if name == "key_level":
        if not text:
            return None
        if text not in KEY_LEVELS:
            raise _Bad(_("Write the key list as 县级, 市级 or 省级."))
        return KEY_LEVELS[text]
    if name == "tags":
        return _items(text)
    if name == "min_investment":
        amount = parse_decimal(raw, allow_negative=False)
        if amount is None:
            return None
        amount = (amount * unit).quantize(Decimal("0.01"))
        for validator in AMOUNT_VALIDATORS:
            try:
                validator(amount)
            except ValidationError as exc:
                raise _Bad(" ".join(exc.messages)) from exc
        return amount
    raise AssertionError(name)


def _cell_reason(exc: CellError) -> str:
    reasons = {"not_a_number": _("Not a number."), "negative": _("Must not be negative."),
               "too_large": _("The amount is too large."), "bad_date": _("Not a date."),
               "bad_month": _("Not a date.")}
    return reasons.get(exc.code, exc.reason)


def _model_errors(values: dict[str, Any], division: Division) -> list[tuple[str, str]]:
    """The model's own checks (lengths, blanks), field by field."""
    try:
        Policy(division=division, **values).full_clean(exclude=["townships", "division"])
    except ValidationError as exc:
        return [(name, " ".join(messages)) for name, messages in exc.message_dict.items()]
    except ServiceError as exc:
        return [("", str(exc))]
    return []
