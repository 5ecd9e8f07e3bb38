"""The warning rule ``procedure_overdue``: procedure items and plan nodes near their deadline
(yellow) or past it (red), registered in the warnings' registry (warnings/rules.py) from here,
so the warnings need no change.

As of the evaluated month: its last day, or today while the month is running. Thresholds are
working days on the Chinese calendar (core.workdays): yellow when an open item or node is due
within ``near_days`` working days, red when it is more than ``red_after`` working days late
(0: as soon as it is late; later than that but not by so much: yellow).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from taizhang.core.periods import Period
from taizhang.core.workdays import add_working_days
from taizhang.ledger.models import Project
from taizhang.procedures.models import Node, ProcedureItem
from taizhang.procedures.queries import OPEN_ITEM, OPEN_NODE
from taizhang.warnings.choices import LampColor
from taizhang.warnings.rules import Context, Outcome, Param, Rule, color_label, register


def _working_days(n: int) -> str:
    return ngettext("%(n)s working day", "%(n)s working days", n) % {"n": n}


_working_days_lazy = lazy(_working_days, str)


def _days(*values: int) -> tuple[tuple[str, Any], ...]:
    """Choices of a number of working days, labelled in the reader's language."""
    return tuple((str(n), _working_days_lazy(n)) for n in values)


def as_of(period: Period, context: Context) -> date:
    """The day the rule looks from: the period's last day, or today inside the period."""
    return min(context.now.date(), period.last_day)


def _counts(rows: QuerySet[Any], column: str, day: date, near: date, red: date) -> QuerySet[Any]:
    return (
        rows.order_by()
        .values("project")
        .annotate(
            red=Count("pk", filter=Q(**{f"{column}__lt": red})),
            late=Count("pk", filter=Q(**{f"{column}__lt": day})),
            near=Count("pk", filter=Q(**{f"{column}__gte": day, f"{column}__lte": near})),
            first=Min(column, filter=Q(**{f"{column}__lte": near})),
        )
        .filter(Q(late__gt=0) | Q(near__gt=0))
    )


@register("procedure_overdue")
class ProcedureOverdueRule(Rule):
    title = gettext_lazy("Procedure items and plan nodes due or overdue")
    params = {
        "near_days": Param(
            gettext_lazy("yellow when due within"), "choice", "5", choices=_days(1, 3, 5, 10, 20)
        ),
        "red_after": Param(
            gettext_lazy("red when late by more than"),
            "choice",
            "0",
            choices=_days(0, 3, 5, 10, 20),
        ),
    }

    @classmethod
    def evaluate(
        cls, projects: QuerySet[Project], period: Period, params: dict[str, Any], context: Context
    ) -> dict[int, Outcome]:
        day = as_of(period, context)
        near = add_working_days(day, int(params["near_days"]))
        red = add_working_days(day, -int(params["red_after"]))
        totals: dict[int, dict[str, Any]] = {}
        for rows, column in (
            (
                ProcedureItem.objects.filter(
                    OPEN_ITEM, project__in=projects, deadline__isnull=False
                ),
                "deadline",
            ),
            (Node.objects.filter(OPEN_NODE, project__in=projects), "planned_date"),
        ):
            for row in _counts(rows, column, day, near, red):
                total = totals.setdefault(
                    row["project"], {"red": 0, "late": 0, "near": 0, "first": row["first"]}
                )
                for key in ("red", "late", "near"):
                    total[key] += row[key]
                total["first"] = min(total["first"], row["first"])
        found: dict[int, Outcome] = {}
        for pk, total in totals.items():
            color = LampColor.RED if total["red"] else LampColor.YELLOW
            found[pk] = (
                color,
                {
                    "late": total["late"],
                    "near": total["near"],
                    "first": total["first"].isoformat(),
                    "day": day.isoformat(),
                },
            )
        return found

    @classmethod
    def explain(cls, reason: dict[str, Any]) -> str:
        values = reason["values"]
        return _(
            "on %(day)s: %(late)s procedure items or nodes late, %(near)s due soon "
            "(first due %(first)s) → %(color)s"
        ) % {**values, "color": color_label(reason["color"])}
