"""The warning rules: a registry of rule classes, each with its params and their defaults.

A rule is data per division and year (`models.WarningRule`: enabled, params); its code names
a class registered here with `@register(code)`. Another app adds a rule by registering a class
in its own module imported at start-up (dispatch's overdue problems and procedure nodes): the
evaluation, the rules page and the explanations need no change.

`evaluate(projects, period, params, context)` colours the projects set-wise, in SQL (one
statement per rule whatever the number of projects) and returns ``{project_id: (color,
values)}`` for the projects it has something to say about; a project it leaves out is green
by that rule. Every figure comes from `taizhang/figures` (rates, time progress, the stage as
of the period, who reported and when).

Defaults are DOMAIN.md's real rules: progress 10–30 points below time progress yellow, more
than 30 red (Yinchuan 2025); due to start and not started yellow, three consecutive months red;
the month's report missing after the deadline red, submitted late yellow.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar

from django.db import connections, router
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.accounts.models import OfficeSettings
from taizhang.core.periods import Period
from taizhang.core.services import ServiceError
from taizhang.figures import rates, reporting
from taizhang.figures.counts import not_started_when_due
from taizhang.figures.per_project import amount_tables, behind_sql
from taizhang.figures.stages import stage_as_of
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import Project
from taizhang.warnings.choices import RANK, LampColor
from taizhang.warnings.sql import (
    Entry,
    SqlForm,
    SqlWriter,
    json_literal,
    lamp_rows,
    literal,
    verdict_rows,
)

Outcome = tuple[str, dict[str, Any]]
_ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class Context:
    """What a rule may need beyond the projects and the period."""

    office: OfficeSettings
    now: datetime


@dataclass(frozen=True)
class Param:
    """One threshold of a rule: how the rules page asks for it and how it is checked.

    Kinds: ``points`` (percentage points, 0–100, one decimal), ``months`` (1–24), ``choice``
    (one of ``choices``: value → label). Stored in JSON as a string, an int or the choice.
    """

    label: Any
    kind: str
    default: Any
    choices: tuple[tuple[str, Any], ...] = ()
    help_text: Any = ""

    def clean(self, name: str, value: Any) -> Any:
        if self.kind == "points":
            try:
                number = Decimal(str(value).strip())
            except (InvalidOperation, ValueError):
                number = None
            if number is None or not number.is_finite() or not 0 <= number <= 100 or (
                    number != number.quantize(_ONE_PLACE)):
                raise ServiceError(_("Give a number of points from 0 to 100, with at most one "
                                     "decimal."), field=name)
            return format(number.normalize(), "f")
        if self.kind == "months":
            try:
                months = int(str(value).strip())
            except ValueError:
                months = 0
            if not 1 <= months <= 24:
                raise ServiceError(_("Give a number of months from 1 to 24."), field=name)
            return months
        if value not in {key for key, _label in self.choices}:
            raise ServiceError(_("Choose one of the options."), field=name)
        return value


class Rule:
    """A rule class: registered under ``code`` (`register`)."""

    code: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    params: ClassVar[dict[str, Param]] = {}
    #: Whether a green verdict is kept among a lamp's reasons (progress keeps its values).
    keeps_green: ClassVar[bool] = False

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {name: param.default for name, param in cls.params.items()}

    @classmethod
    def clean(cls, values: dict[str, Any]) -> dict[str, Any]:
        """The params, checked (ServiceError naming the field) and as stored."""
        return {name: param.clean(name, values.get(name, param.default))
                for name, param in cls.params.items()}

    @classmethod
    def sql(cls, period: Period, params: dict[str, Any], context: Context,
            w: SqlWriter) -> SqlForm | None:
        """The rule as SQL over each project (`warnings.sql`), or None: judged by `evaluate`.
        A rule that can be written so should be: an evaluation is then one statement."""
        return None

    @classmethod
    def judged_in_sql(cls) -> bool:
        """Whether the rule gives an SQL form (overrides `sql`)."""
        return cls.sql.__func__ is not Rule.sql.__func__  # type: ignore[attr-defined]

    @classmethod
    def evaluate(cls, projects: QuerySet[Project], period: Period, params: dict[str, Any],
                 context: Context) -> dict[int, Outcome]:
        """{project id: (colour, values)} for the projects the rule has something to say
        about. A rule without an SQL form overrides this (one statement per rule, set-wise);
        one with an SQL form is read through it."""
        if not cls.judged_in_sql():
            raise NotImplementedError
        statement = verdict_rows(projects, [(cls.code, _builder(cls, period, params, context),
                                             {}, True)], _vendor())
        with connections[_db()].cursor() as cursor:
            cursor.execute(statement.sql, statement.params)
            return {pk: (color, json.loads(values)) for pk, color, values in cursor.fetchall()
                    if color is not None}

    @classmethod
    def explain(cls, reason: dict[str, Any]) -> str:
        raise NotImplementedError

    @classmethod
    def threshold(cls, params: dict[str, Any]) -> dict[str, Any]:
        """What a reason keeps of the params (by default all of them)."""
        return dict(params)


_REGISTRY: dict[str, type[Rule]] = {}


def register(code: str) -> Callable[[type[Rule]], type[Rule]]:
    """Class decorator: the rule known as `code` in `WarningRule.code` and lamps' reasons."""
    def wrap(cls: type[Rule]) -> type[Rule]:
        if code in _REGISTRY and _REGISTRY[code] is not cls:
            raise ValueError(f"warning rule {code!r} is registered twice")
        cls.code = code
        _REGISTRY[code] = cls
        return cls
    return wrap


def unregister(code: str) -> None:
    """Take a rule out (tests that register one of their own)."""
    _REGISTRY.pop(code, None)


def registered() -> dict[str, type[Rule]]:
    """Every rule, in registration order."""
    return dict(_REGISTRY)


def get_rule(code: str) -> type[Rule] | None:
    return _REGISTRY.get(code)


def color_label(color: str) -> str:
    return str(LampColor(color).label)


def explain(reason: dict[str, Any]) -> str:
    """One translated line for one of a lamp's reasons (the rule's own wording)."""
    rule = get_rule(reason.get("rule", ""))
    if rule is None:  # a rule whose app is gone: still say what it was
        return _("%(rule)s → %(color)s") % {"rule": reason.get("rule", ""),
                                            "color": color_label(reason["color"])}
    return rule.explain(reason)


def _percent(value: str | None, places: Decimal = _ONE_PLACE) -> str:
    """A stored ratio ("0.3125") as a percentage with one decimal ("31.3"), or `places`."""
    if value is None:
        return "—"
    return str((Decimal(value) * 100).quantize(places, rounding=ROUND_HALF_UP))


# --- the rules ---------------------------------------------------------------------------------

BASIS_ANNUAL_PLAN = "annual_plan"


@register("progress")
class ProgressRule(Rule):
    """Investment completion (年度计划完成率) against time progress (序时进度)."""

    title = gettext_lazy("Investment progress against time progress")
    params = {
        "basis": Param(gettext_lazy("basis"), "choice", BASIS_ANNUAL_PLAN,
                       choices=((BASIS_ANNUAL_PLAN,
                                 gettext_lazy("completion of the annual plan")),)),
        "yellow_below": Param(gettext_lazy("yellow from … points below time progress"),
                              "points", "10"),
        "red_below": Param(gettext_lazy("red at more than … points below time progress"),
                           "points", "30"),
    }
    keeps_green = True
    #: Worst first: (colour, the param of its line, whether the line itself is in): red at
    #: more than ``red_below`` points behind, yellow from ``yellow_below`` on.
    LINES: ClassVar[tuple[tuple[str, str, bool], ...]] = (
        (LampColor.RED, "red_below", False), (LampColor.YELLOW, "yellow_below", True))

    @classmethod
    def clean(cls, values: dict[str, Any]) -> dict[str, Any]:
        cleaned = super().clean(values)
        if Decimal(cleaned["yellow_below"]) > Decimal(cleaned["red_below"]):
            raise ServiceError(_("The yellow line cannot be further below time progress than "
                                 "the red line."), field="yellow_below")
        return cleaned

    @classmethod
    def threshold(cls, params: dict[str, Any]) -> dict[str, Any]:
        return {"yellow_below": params["yellow_below"], "red_below": params["red_below"]}

    @classmethod
    def sql(cls, period: Period, params: dict[str, Any], context: Context,
            w: SqlWriter) -> SqlForm:
        figures = amount_tables(period)
        ytd, plan = w.col("ytd"), w.col("plan")
        whens = []
        for lamp, key, inclusive in cls.LINES:
            behind = behind_sql(ytd, plan, rates.behind_factor(period, Decimal(params[key])),
                                inclusive=inclusive)
            whens.append(f"WHEN {behind} THEN {literal(lamp)}")
        color = (f"(CASE WHEN {plan} <= 0 THEN NULL {' '.join(whens)} "
                 f"ELSE {literal(LampColor.GREEN)} END)")
        # rates.completion_rate: ytd ÷ plan to four places, half up, in integer arithmetic
        # (both non-negative); the points are the rate's less time progress's, in hundredths.
        time = rates.time_progress(period)
        rate = w.col("rate")  # in ten-thousandths
        points = f"({rate} - {int(time.scaleb(4))})"
        values = w.json_object({"rate": w.json_string(w.fixed(rate, 4, signed=False)),
                                "time": json_literal(str(time)),
                                "points": w.json_string(w.fixed(points, 2))})
        return SqlForm(inputs={}, tables={"ytd": figures["ytd_completed"],
                                          "plan": figures["annual_plan"]},
                       derived={"rate": w.div(f"20000 * {ytd} + {plan}", f"2 * {plan}")},
                       color=color, values=values)

    @classmethod
    def colour_of(cls, behind: Decimal, threshold: dict[str, Any]) -> str:
        """The colour a number of points behind time progress gets, by the same `LINES` as
        `sql` (which compares the exact amounts instead)."""
        for color, key, inclusive in cls.LINES:
            line = Decimal(threshold[key])
            if behind > line or (inclusive and behind == line):
                return color
        return LampColor.GREEN

    @classmethod
    def explain(cls, reason: dict[str, Any]) -> str:
        values = reason["values"]
        rate, time = _percent(values["rate"]), _percent(values["time"])
        # The sentence adds up as printed: the points are the difference of the two numbers
        # shown (the exact points, kept in the values, may round to a tenth more or less).
        points = Decimal(rate) - Decimal(time)
        threshold = reason.get("threshold") or {}
        if threshold and cls.colour_of(-points, threshold) != reason["color"]:
            # In tenths the sentence crosses a line the lamp did not ("10.0 points behind →
            # green" with yellow from 10): in hundredths, as the figures keep them, if that
            # agrees. (It cannot when the rate is within the rounding of time progress, 7/12
            # = 58.333…%, of the line: 28.33% is 30.003 points behind, red, and reads 30.00.)
            hundredths = Decimal("0.01")
            finer = (_percent(values["rate"], hundredths), _percent(values["time"], hundredths))
            finer_points = Decimal(finer[0]) - Decimal(finer[1])
            if cls.colour_of(-finer_points, threshold) == reason["color"]:
                (rate, time), points = finer, finer_points
        names = {"rate": rate, "time": time, "points": str(abs(points)),
                 "color": color_label(reason["color"])}
        if points < 0:
            return _("completion %(rate)s%%, time progress %(time)s%%, %(points)s points "
                     "behind → %(color)s") % names
        return _("completion %(rate)s%%, time progress %(time)s%%, %(points)s points "
                 "ahead → %(color)s") % names


def _month_index(period: Period) -> int:
    return period.year * 12 + period.month


@register("start_delay")
class StartDelayRule(Rule):
    """Due to start (planned start month reached) and not started by the period's end."""

    title = gettext_lazy("Start delay")
    params = {
        "red_months": Param(gettext_lazy("red when not started for … consecutive months"),
                            "months", 3,
                            help_text=gettext_lazy("Counting the planned start month itself.")),
    }

    @classmethod
    def sql(cls, period: Period, params: dict[str, Any], context: Context,
            w: SqlWriter) -> SqlForm:
        started_or_done: In = In(stage_as_of(period), [Stage.UNDER_CONSTRUCTION, Stage.COMPLETED,
                                                   Stage.CANCELLED])
        late = Q(not_started_when_due(period)) & ~Q(started_or_done)
        planned = w.col("planned")  # the planned start of a late project, else NULL
        months = f"({_month_index(period)} - {w.month_index(planned)} + 1)"
        color = (f"(CASE WHEN {planned} IS NULL THEN NULL "
                 f"WHEN {months} >= {int(params['red_months'])} THEN {literal(LampColor.RED)} "
                 f"ELSE {literal(LampColor.YELLOW)} END)")
        values = w.json_object({"planned_start": w.json_string(w.date_text(planned)),
                                "months": w.json_number(months),
                                "period": json_literal(str(period))})
        return SqlForm(inputs={"planned": Case(When(late, then=F("planned_start")))},
                       color=color, values=values)

    @classmethod
    def explain(cls, reason: dict[str, Any]) -> str:
        values = reason["values"]
        planned = Period.of(datetime.fromisoformat(values["planned_start"]).date())
        return _("planned to start in %(planned)s, not started by %(period)s "
                 "(%(months)s months due) → %(color)s") % {
            "planned": planned, "period": values["period"], "months": values["months"],
            "color": color_label(reason["color"])}




@register("report")
class ReportRule(Rule):
    """The month's report: missing once the office's deadline has passed, or submitted late."""

    title = gettext_lazy("Monthly report missing or late")
    _COLORS = ((LampColor.YELLOW, LampColor.YELLOW.label), (LampColor.RED, LampColor.RED.label))
    params = {
        "missing": Param(gettext_lazy("missing after the deadline"), "choice", LampColor.RED,
                         choices=_COLORS),
        "late": Param(gettext_lazy("submitted after the deadline"), "choice", LampColor.YELLOW,
                      choices=_COLORS),
    }

    @classmethod
    def sql(cls, period: Period, params: dict[str, Any], context: Context,
            w: SqlWriter) -> SqlForm:
        missing_counts = context.now >= context.office.report_deadline(period)
        expected, state, submitted = w.col("expected"), w.col("state"), w.col("submitted")
        late = f"{expected} = 1 AND {submitted} IS NOT NULL"
        missing = (f"{expected} = 1 AND {state} = {literal(reporting.MISSING)}"
                   if missing_counts else "1 = 0")
        color = (f"(CASE WHEN {late} THEN {literal(str(params['late']))} "
                 f"WHEN {missing} THEN {literal(str(params['missing']))} END)")
        common = {"period": json_literal(str(period)),
                  "deadline": json_literal(context.office.report_due_date(period).isoformat())}
        values = (f"(CASE WHEN {submitted} IS NOT NULL THEN "
                  + w.json_object({**common, "state": json_literal("late"),
                                   "submitted": w.json_string(w.date_text(submitted))})
                  + " ELSE " + w.json_object({**common, "state": json_literal("missing")})
                  + " END)")
        first_submitted = f"{reporting.MONTH_REPORT}__first_submitted_at"
        return SqlForm(
            relations={reporting.MONTH_REPORT: reporting.month_report(period)},
            inputs={
                "expected": Case(When(~reporting.not_expected(period), then=Value(1)),
                                 default=Value(0), output_field=IntegerField()),
                "state": reporting.report_state(),
                # The local day it was first submitted, of a late report only.
                "submitted": Case(When(reporting.late_q(), then=TruncDate(
                    first_submitted, tzinfo=timezone.get_current_timezone()))),
            },
            color=color, values=values)

    @classmethod
    def explain(cls, reason: dict[str, Any]) -> str:
        values = reason["values"]
        names = {"period": values["period"], "deadline": values["deadline"],
                 "color": color_label(reason["color"])}
        if values["state"] == "missing":
            return _("report of %(period)s not submitted by the deadline (%(deadline)s) "
                     "→ %(color)s") % names
        return _("report of %(period)s submitted on %(submitted)s, after the deadline "
                 "(%(deadline)s) → %(color)s") % {**names, "submitted": values["submitted"]}


# --- every rule together ------------------------------------------------------------------------

@dataclass
class Verdict:
    """A project's lamp: the worst colour, the rule that set it, and the reasons kept."""

    color: str = LampColor.GREEN
    rule: str = ""
    reasons: list[dict[str, Any]] = field(default_factory=list)

    def add(self, reason: dict[str, Any], order: list[str]) -> None:
        """One more rule's reason (from a rule judged in Python), kept in the rules' order;
        the colour and its rule follow (the worst, the first rule on a tie), as
        `sql.lamp_rows` gives them for the rules judged in SQL."""
        self.reasons.append(reason)
        self.reasons.sort(key=lambda r: order.index(r["rule"]) if r["rule"] in order
                          else len(order))
        self.color, self.rule = LampColor.GREEN, ""
        for kept in self.reasons:
            if RANK[kept["color"]] > RANK[self.color]:
                self.color, self.rule = kept["color"], kept["rule"]


def _vendor(using: str | None = None) -> str:
    return connections[using or _db()].vendor


def _db() -> str:
    return router.db_for_read(Project)


def split(period: Period, params_by_code: dict[str, dict[str, Any]],
          context: Context) -> tuple[list[Entry], list[tuple[type[Rule], dict[str, Any]]]]:
    """The enabled rules known here: those judged in SQL (as `sql.lamp_rows` entries) and
    those judged in Python (with their params), each in the given order."""
    in_sql: list[Entry] = []
    in_python: list[tuple[type[Rule], dict[str, Any]]] = []
    for code, params in params_by_code.items():
        rule = get_rule(code)
        if rule is None:
            continue
        if not rule.judged_in_sql():
            in_python.append((rule, params))
        else:
            in_sql.append((code, _builder(rule, period, params, context),
                           rule.threshold(params), rule.keeps_green))
    return in_sql, in_python


def _builder(rule: type[Rule], period: Period, params: dict[str, Any],
             context: Context) -> Callable[[SqlWriter], SqlForm]:
    """The rule's SQL form for a writer (a rule with one)."""
    def build(w: SqlWriter) -> SqlForm:
        form = rule.sql(period, params, context, w)
        assert form is not None
        return form
    return build


def python_reasons(projects: QuerySet[Project], period: Period,
                   rules: list[tuple[type[Rule], dict[str, Any]]],
                   context: Context) -> dict[int, list[dict[str, Any]]]:
    """{project id: reasons} of the rules judged in Python."""
    found: dict[int, list[dict[str, Any]]] = {}
    for rule, params in rules:
        threshold = rule.threshold(params)
        for pk, (color, values) in rule.evaluate(projects, period, params, context).items():
            if color == LampColor.GREEN and not rule.keeps_green:
                continue
            found.setdefault(pk, []).append({"rule": rule.code, "color": str(color),
                                             "values": values, "threshold": threshold})
    return found


def evaluate_all(projects: QuerySet[Project], period: Period,
                 params_by_code: dict[str, dict[str, Any]],
                 context: Context) -> dict[int, Verdict]:
    """Every enabled rule over `projects`: a verdict for each project some rule spoke of
    (the others are green without a reason). Reasons keep every non-green rule, and the
    progress values even when green; the worst colour wins, the first rule on a tie. (The
    evaluation stores the same statement's rows directly: `services.evaluate_period`.)"""
    in_sql, in_python = split(period, params_by_code, context)
    verdicts: dict[int, Verdict] = {}
    statement = lamp_rows(projects, in_sql, _vendor())
    with connections[_db()].cursor() as cursor:
        cursor.execute(statement.sql, statement.params)
        for pk, color, rule, reasons in cursor.fetchall():
            if reasons != "[]":
                verdicts[pk] = Verdict(color, rule, json.loads(reasons))
    order = list(params_by_code)
    for pk, reasons in python_reasons(projects, period, in_python, context).items():
        verdict = verdicts.setdefault(pk, Verdict())
        for reason in reasons:
            verdict.add(reason, order)
    return verdicts
