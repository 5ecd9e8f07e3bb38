"""`floor`: the least an importer of the standard sheet can do.

python-calamine parse, the header read by position (title rows, two-row merged header, 合计
row as the export writes them), names resolved with dictionaries (missing organizations and
leaders created), then `bulk_create` of the projects, their annual plans and their monthly
reports in one transaction.  No validation, no matching of existing projects, no stage
history, no key lists, no audit trail.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from python_calamine import CalamineWorkbook

from taizhang.accounts.models import Division, Organization, Person
from taizhang.ledger.importing.columns import (
    INDUSTRY_WORDS,
    NATURE_WORDS,
    STAGE_WORDS,
    TYPE_WORDS,
)
from taizhang.ledger.models import AnnualPlan, MonthlyReport, Project

BATCH = 1000
CENT = Decimal("0.01")
YEAR, MONTH = 2022, 7


def choices(table: dict) -> dict[str, str]:
    """The word the standard sheet writes → the choice value."""
    return {words[0]: str(value) for value, words in table.items()}


NATURE, STAGE, TYPE = choices(NATURE_WORDS), choices(STAGE_WORDS), choices(TYPE_WORDS)
INDUSTRY = choices(INDUSTRY_WORDS)


def money(value: Any) -> Decimal | None:
    return None if value in ("", None) else Decimal(str(value)).quantize(CENT)


def day(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def leader_name(text: str) -> tuple[str, str]:
    """"王建国（副市长）" → ("王建国", "副市长")."""
    name, _, title = text.partition("（")
    return name, title.removesuffix("）")


def read(path: str) -> tuple[dict[str, int], list[list[Any]]]:
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    header = [str(b or t) for t, b in zip(rows[2], rows[3], strict=True)]
    column = {label: i for i, label in enumerate(header)}
    data = []
    for row in rows[4:]:
        if row[0] == "合计":
            break
        data.append(row)
    return column, data


class Names:
    """Organization, leader and township names → objects, creating the missing ones."""

    def __init__(self, county: Division) -> None:
        self.county = county
        self.orgs = {o.name: o for o in Organization.objects.all()}
        self.people = {(p.name, p.title): p for p in Person.objects.all()}
        self.towns = {d.name: d for d in Division.objects.filter(parent=county)}
        self.new_orgs: list[Organization] = []
        self.new_people: list[Person] = []

    def org(self, name: str, kind: str) -> Organization | None:
        if not name:
            return None
        if name not in self.orgs:
            self.orgs[name] = Organization(name=name, kind=kind, division=self.county)
            self.new_orgs.append(self.orgs[name])
        return self.orgs[name]

    def person(self, text: str) -> Person | None:
        if not text:
            return None
        key = leader_name(text)
        if key not in self.people:
            self.people[key] = Person(name=key[0], title=key[1])
            self.new_people.append(self.people[key])
        return self.people[key]

    def save(self) -> None:
        Organization.objects.bulk_create(self.new_orgs, batch_size=BATCH)
        Person.objects.bulk_create(self.new_people, batch_size=BATCH)


def import_sheet(path: str, county: Division) -> int:
    c, data = read(path)
    ytd_label = next(label for label in c if label.startswith("1-") and "累计" in label)
    plan_label = f"{YEAR}年计划投资"
    month_day, lump_day = date(YEAR, MONTH, 1), date(YEAR, MONTH - 1, 1)
    year_day = date(YEAR, 1, 1)
    with transaction.atomic():
        names = Names(county)
        rows = []
        for r in data:
            project = Project(
                code=r[c["项目编号"]] or None, name=r[c["项目名称"]],
                owner=names.org(r[c["建设单位"]], "enterprise"),
                nature=NATURE.get(r[c["建设性质"]], "new"),
                division=names.towns.get(r[c["所属区域（乡镇）"]], county),
                address=r[c["建设地点"]], scale_content=r[c["建设规模及主要内容"]],
                project_type=TYPE.get(r[c["项目类型"]], "industry"),
                industry=INDUSTRY.get(r[c["所属行业"]], ""),
                stage=STAGE.get(r[c["建设阶段"]], "planning"),
                planned_total=money(r[c["总投资"]]),
                completed_before=money(r[c["至上年底累计完成"]]) or Decimal("0.00"),
                planned_start=day(r[c["计划开工时间"]]), actual_start=day(r[c["实际开工时间"]]),
                planned_completion=day(r[c["计划竣工时间"]]),
                actual_completion=day(r[c["实际竣工时间"]]),
                leader=names.person(r[c["包联领导"]]),
                responsible_unit=names.org(r[c["责任单位"]], "department"),
                contact_name=r[c["联系人"]], contact_phone=str(r[c["联系电话"]]),
            )
            rows.append((project, r))
        names.save()  # bulk_create below picks up the new ids of the objects assigned
        Project.objects.bulk_create([p for p, _ in rows], batch_size=BATCH)
        plans, reports = [], []
        for project, r in rows:
            if (plan := money(r[c[plan_label]])) is not None:
                plans.append(AnnualPlan(project=project, year=YEAR, planned_investment=plan))
            ytd, month = money(r[c[ytd_label]]), money(r[c["本月完成投资"]])
            if month is not None:
                reports.append(MonthlyReport(
                    project=project, period=month_day, completed=month, status="approved",
                    image_progress=r[c["形象进度"]], problems=r[c["存在问题"]],
                    next_steps=r[c["下步计划"]]))
            lump = (ytd or 0) - (month or 0)
            if lump > 0:
                reports.append(MonthlyReport(project=project, period=lump_day, completed=lump,
                                             covers_from=year_day, status="approved"))
        AnnualPlan.objects.bulk_create(plans, batch_size=BATCH)
        MonthlyReport.objects.bulk_create(reports, batch_size=BATCH)
    return len(rows)
