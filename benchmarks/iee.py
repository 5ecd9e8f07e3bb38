"""`django-import-export`: the peer most Django projects would use, importing the same sheet.

A `ModelResource` for Project as its documentation describes it: one field per column with
the stock widgets (`DecimalWidget`, `DateWidget`, `ForeignKeyWidget` looking townships up
by name), `import_id_fields = ("code",)` so a second import updates, owners, units and
leaders looked up by name and created when missing (a `ForeignKeyWidget` subclass), and
`after_save_instance` writing the annual plan and the month's reports (the month and, when
the year-to-date figure holds more, one lump report for the months before) — the same rows
as `floor`.  Row by row, in one transaction, `skip_diff = True` (its own performance advice).
It reads the flat copy of the sheet (one header row, no title or 合计 rows): it cannot read
the standard sheet's merged header.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from import_export import fields, resources, widgets
from import_export.formats.base_formats import XLSX

from taizhang.accounts.models import Division, Organization, Person
from taizhang.ledger.importing.columns import (
    INDUSTRY_WORDS,
    NATURE_WORDS,
    STAGE_WORDS,
    TYPE_WORDS,
)
from taizhang.ledger.models import AnnualPlan, MonthlyReport, Project

YEAR, MONTH = 2022, 7


class WordWidget(widgets.Widget):
    """A choice column: the word the sheet writes → the stored value."""

    def __init__(self, table: dict, default: str = "") -> None:
        super().__init__()
        self.values = {words[0]: str(value) for value, words in table.items()}
        self.default = default

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return self.values.get(value, self.default)


class TextWidget(widgets.CharWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class CodeWidget(widgets.CharWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str | None:
        return str(value) if value else None


class OrgWidget(widgets.ForeignKeyWidget):
    """An organization by name, created (of `kind`) when it is not there yet."""

    def __init__(self, kind: str) -> None:
        super().__init__(Organization, "name")
        self.kind = kind

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Organization | None:
        if not value:
            return None
        found = Organization.objects.filter(name=value).first()
        return found or Organization.objects.create(name=value, kind=self.kind)


class LeaderWidget(widgets.ForeignKeyWidget):
    """"王建国（副市长）" → that person, created when missing."""

    def __init__(self) -> None:
        super().__init__(Person, "name")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Person | None:
        if not value:
            return None
        name, _, title = str(value).partition("（")
        person, _ = Person.objects.get_or_create(name=name, title=title.removesuffix("）"))
        return person


def _field(attribute: str, column: str, widget: widgets.Widget | None = None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=widget)


MONEY = widgets.DecimalWidget()
DAY = widgets.DateWidget()


class ProjectResource(resources.ModelResource):
    code = _field("code", "项目编号", CodeWidget())
    name = _field("name", "项目名称")
    owner = _field("owner", "建设单位", OrgWidget("enterprise"))
    nature = _field("nature", "建设性质", WordWidget(NATURE_WORDS, "new"))
    division = _field("division", "所属区域（乡镇）", widgets.ForeignKeyWidget(Division, "name"))
    address = _field("address", "建设地点", TextWidget())
    scale_content = _field("scale_content", "建设规模及主要内容", TextWidget())
    project_type = _field("project_type", "项目类型", WordWidget(TYPE_WORDS, "industry"))
    industry = _field("industry", "所属行业", WordWidget(INDUSTRY_WORDS))
    stage = _field("stage", "建设阶段", WordWidget(STAGE_WORDS, "planning"))
    planned_total = _field("planned_total", "总投资", MONEY)
    completed_before = _field("completed_before", "至上年底累计完成", MONEY)
    planned_start = _field("planned_start", "计划开工时间", DAY)
    actual_start = _field("actual_start", "实际开工时间", DAY)
    planned_completion = _field("planned_completion", "计划竣工时间", DAY)
    actual_completion = _field("actual_completion", "实际竣工时间", DAY)
    leader = _field("leader", "包联领导", LeaderWidget())
    responsible_unit = _field("responsible_unit", "责任单位", OrgWidget("department"))
    contact_name = _field("contact_name", "联系人", TextWidget())
    contact_phone = _field("contact_phone", "联系电话", TextWidget())

    class Meta:
        model = Project
        import_id_fields = ("code",)
        fields = ("code", "name", "owner", "nature", "division", "address", "scale_content",
                  "project_type", "industry", "stage", "planned_total", "completed_before",
                  "planned_start", "actual_start", "planned_completion", "actual_completion",
                  "leader", "responsible_unit", "contact_name", "contact_phone")
        use_transactions = True
        skip_diff = True

    def get_instance(self, instance_loader: Any, row: Any) -> Project | None:
        if not row.get("项目编号"):
            return None  # no code: a new project (code NULL matches nothing)
        return super().get_instance(instance_loader, row)

    def before_save_instance(self, instance: Project, row: Any, **kwargs: Any) -> None:
        if instance.completed_before is None:
            instance.completed_before = Decimal("0.00")

    def after_save_instance(self, instance: Project, row: Any, **kwargs: Any) -> None:
        plan = MONEY.clean(row.get(f"{YEAR}年计划投资"))
        if plan is not None:
            AnnualPlan.objects.update_or_create(project=instance, year=YEAR,
                                                defaults={"planned_investment": plan})
        ytd = MONEY.clean(row.get(f"1-{MONTH}月累计完成投资")) or Decimal(0)
        month = MONEY.clean(row.get("本月完成投资"))
        if month is not None:
            MonthlyReport.objects.update_or_create(
                project=instance, period=date(YEAR, MONTH, 1), defaults={
                    "completed": month, "status": "approved",
                    "image_progress": row.get("形象进度") or "",
                    "problems": row.get("存在问题") or "",
                    "next_steps": row.get("下步计划") or ""})
        lump = ytd - (month or 0)
        if lump > 0:
            MonthlyReport.objects.update_or_create(
                project=instance, period=date(YEAR, MONTH - 1, 1), defaults={
                    "completed": lump, "covers_from": date(YEAR, 1, 1), "status": "approved"})


def import_sheet(path: str) -> int:
    """Load the flat xlsx with the peer's own XLSX format and import it; raise on any error."""
    dataset = XLSX().create_dataset(Path(path).read_bytes())
    result = ProjectResource().import_data(dataset, raise_errors=True)
    if result.has_errors() or result.has_validation_errors():
        raise RuntimeError("django-import-export reported errors")
    return len(dataset)
