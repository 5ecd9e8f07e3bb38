"""The preview of one planned project change: translated labels and display strings."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from taizhang.core.money import wan
from taizhang.core.periods import Period
from taizhang.ledger.choices import Industry, MembershipStatus, Nature, ProjectType, Stage
from taizhang.ledger.importing.ops import ProjectOp
from taizhang.ledger.importing.result import FieldChange, ProjectChange
from taizhang.ledger.models import Project
from taizhang.ledger.models.keylists import list_code


def _display(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, Decimal):
        return str(wan(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or None
    return str(value)


def _choice_label(name: str, value: Any) -> Any:
    choices = {"stage": Stage, "nature": Nature, "project_type": ProjectType}
    if name in choices and value:
        return str(choices[name](value).label)
    if name == "industry" and value:
        return f"{value} {Industry(value).label}"
    return value


def project_label(name: str) -> str:
    """The (translated) name of a Project field as the preview shows it."""
    return _label_in(name, get_language())


@functools.lru_cache(maxsize=256)
def _label_in(name: str, language: str | None) -> str:
    labels = {"division": _("township / division")}
    field = Project._meta.get_field(name)
    return str(labels.get(name) or getattr(field, "verbose_name", name))


def _field(name: str, before: Any, after: Any) -> FieldChange:
    return FieldChange(name, project_label(name), _display(_choice_label(name, before)),
                       _display(_choice_label(name, after)))


def describe(op: ProjectOp, period: Period) -> ProjectChange:
    """What the op would change, for the preview (and the plan's digest)."""
    record, project = op.record, op.project
    name = op.values.get("name") or (project.name if project else record.get("name", ""))
    owner = op.values.get("owner") or (project.owner if project else None)
    code = op.values.get("code") or (project.code if project else None)
    change = ProjectChange(
        sheet=record.sheet, row=record.row,
        action="create" if project is None else "update",
        name=name, code=code, owner=str(owner or ""),
        project_id=project.pk if project else None,
    )
    for name_, value in op.values.items():
        change.fields.append(_field(name_, getattr(project, name_) if project else None, value))
    if op.stage_change and project is not None:
        change.fields.append(_field("stage", op.stage_change[0], op.stage_change[1]))
    if op.plan:
        change.figures.append(FieldChange(
            f"plan:{op.plan.year}", _("Annual plan %(year)s") % {"year": op.plan.year},
            _display(op.plan.before), _display(op.plan.amount)))
    for report in op.reports:
        month = Period.of(report.period)
        lump = report.report is None and report.values.get("covers_from") and (
            report.period != period.first_day)
        for name_, value in report.values.items():
            if name_ == "status" and report.report is None:
                continue
            if name_ == "covers_from" and not value and report.report is None:
                continue
            label = {
                "completed": _("Completed January–%(period)s (lump sum)") if lump
                else _("Completed in %(period)s"),
                "covers_from": _("%(period)s covers from"),
                "status": _("Report status %(period)s"),
                "image_progress": _("Image progress %(period)s"),
                "problems": _("Problems %(period)s"),
                "next_steps": _("Next steps %(period)s"),
            }[name_] % {"period": month}
            change.figures.append(FieldChange(
                f"report:{month}:{name_}", label, _display(report.before.get(name_)),
                _display(value)))
    for membership in op.memberships:
        level, kind = membership.key
        change.figures.append(FieldChange(
            f"list:{list_code(level, kind)}",
            _("Key list %(year)s") % {"year": period.year},
            _display(membership.membership.get_status_display() if membership.membership
                     else None),
            f"{list_code(level, kind)}: {MembershipStatus.APPROVED.label}"))
    return change
