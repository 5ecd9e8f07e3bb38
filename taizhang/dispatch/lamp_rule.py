"""The warnings' `problems_overdue` rule (registered here, in the warnings' registry): a
project with an escalated problem (督办) is red; one with a problem overdue or due within a
few days is yellow. As of the period's end, or today within the current month."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.core.periods import Period
from taizhang.core.workdays import add_working_days
from taizhang.dispatch.choices import UNRESOLVED, ProblemStatus
from taizhang.dispatch.models import Problem
from taizhang.ledger.models import Project
from taizhang.warnings.choices import LampColor
from taizhang.warnings.rules import Context, Outcome, Param, Rule, color_label, register

_COLORS = ((LampColor.YELLOW, LampColor.YELLOW.label), (LampColor.RED, LampColor.RED.label))


# Not "problem_overdue": the warnings' own tests register a stand-in under that code
# (warnings/tests/test_rules.py `overdue_rule`) and unregister it afterwards.
@register("problems_overdue")
class ProblemOverdueRule(Rule):
    title = gettext_lazy("Problems near their deadline, overdue or escalated")
    params = {
        "near_days": Param(gettext_lazy("yellow from … working days before the deadline"),
                           "choice",
                           "3", choices=(("0", "0"), ("3", "3"), ("7", "7"), ("15", "15"))),
        "overdue": Param(gettext_lazy("a problem past its deadline"), "choice",
                         LampColor.YELLOW, choices=_COLORS),
        "escalated": Param(gettext_lazy("a problem escalated (督办)"), "choice", LampColor.RED,
                           choices=_COLORS),
    }

    @classmethod
    def evaluate(cls, projects: QuerySet[Project], period: Period, params: dict[str, Any],
                 context: Context) -> dict[int, Outcome]:
        as_of = min(period.last_day, context.now.date())
        near = add_working_days(as_of, int(params["near_days"]))
        rows = (Problem.objects.filter(project__in=projects.values("pk"), status__in=UNRESOLVED,
                                       raised_on__lte=as_of, deadline__lte=near)
                .values("project_id")
                .annotate(escalated=Count("id", filter=Q(status=ProblemStatus.ESCALATED)),
                          overdue=Count("id", filter=Q(deadline__lt=as_of)),
                          due=Count("id"), first=Min("deadline")))
        found: dict[int, Outcome] = {}
        for row in rows:
            values = {"as_of": as_of.isoformat(), "escalated": row["escalated"],
                      "overdue": row["overdue"], "due": row["due"],
                      "first": row["first"].isoformat()}
            if row["escalated"]:
                color = params["escalated"]
            elif row["overdue"]:
                color = params["overdue"]
            else:
                color = LampColor.YELLOW
            found[row["project_id"]] = (color, values)
        return found

    @classmethod
    def explain(cls, reason: dict[str, Any]) -> str:
        values = reason["values"]
        return _("%(due)s problem(s) due by %(first)s as of %(as_of)s, %(overdue)s overdue, "
                 "%(escalated)s escalated → %(color)s") % {
            **values, "color": color_label(reason["color"])}
