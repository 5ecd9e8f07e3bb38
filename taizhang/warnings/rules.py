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

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.accounts.models import OfficeSettings
from taizhang.core.periods import Period
from taizhang.core.services import ServiceError
from taizhang.figures import rates, reporting
from taizhang.figures.counts import not_started_when_due
from taizhang.figures.per_project import figure_expressions
from taizhang.figures.stages import PERIOD_STAGE, with_period_stage
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import Project
from taizhang.warnings.choices import RANK, LampColor

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

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {name: param.default for name, param in cls.params.items()}

    @classmethod
    def clean(cls, values: dict[str, Any]) -> dict[str, Any]:
        """The params, checked (ServiceError naming the field) and as stored."""
        return {name: param.clean(name, values.get(name, param.default))
                for name, param in cls.params.items()}

    @classmethod
    def evaluate(cls, projects: QuerySet[Project], period: Period, params: dict[str, Any],
                 context: Context) -> dict[int, Outcome]:
        raise NotImplementedError

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


def _percent(value: str | None) -> str:
    """A stored ratio ("0.3125") as a percentage with one decimal ("31.3")."""
    if value is None:
        return "—"
    return str((Decimal(value) * 100).quantize(_ONE_PLACE, rounding=ROUND_HALF_UP))


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
    def evaluate(cls, projects: QuerySet[Project], period: Period, params: dict[str, Any],
                 context: Context) -> dict[int, Outcome]:
        figures = figure_expressions(period)
        rows = projects.order_by().values_list("pk").annotate(
            ytd=figures["ytd_completed"], plan=figures["annual_plan"]).values_list(
            "pk", "ytd", "plan")
        yellow, red = Decimal(params["yellow_below"]), Decimal(params["red_below"])
        time = str(rates.time_progress(period))
        found: dict[int, Outcome] = {}
        for pk, ytd, plan in rows:
            if not plan or plan <= 0:
                continue  # no plan of the year: no rate to judge
            if rates.is_behind(ytd, plan, period, red):
                color = LampColor.RED
            elif rates.is_at_least_behind(ytd, plan, period, yellow):
                color = LampColor.YELLOW
            else:
                color = LampColor.GREEN
            rate = rates.completion_rate(ytd, plan)
            found[pk] = (color, {"rate": str(rate), "time": time,
                                 "points": str(rates.points_vs_time(rate, period))})
        return found

    @classmethod
    def explain(cls, reason: dict[str, Any]) -> str:
        values = reason["values"]
        rate, time = _percent(values["rate"]), _percent(values["time"])
        # The sentence adds up as printed: the points are the difference of the two numbers
        # shown (the exact points, kept in the values, may round to a tenth more or less).
        points = Decimal(rate) - Decimal(time)
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
    def evaluate(cls, projects: QuerySet[Project], period: Period, params: dict[str, Any],
                 context: Context) -> dict[int, Outcome]:
        late = (with_period_stage(projects, period)
                .filter(not_started_when_due(period))
                .exclude(**{f"{PERIOD_STAGE}__in": [Stage.UNDER_CONSTRUCTION, Stage.COMPLETED,
                                                    Stage.CANCELLED]}))
        red_months = int(params["red_months"])
        found: dict[int, Outcome] = {}
        for pk, planned in late.order_by().values_list("pk", "planned_start"):
            if planned is None:  # filtered out above; for the type checker
                continue
            months = _month_index(period) - _month_index(Period.of(planned)) + 1
            color = LampColor.RED if months >= red_months else LampColor.YELLOW
            found[pk] = (color, {"planned_start": planned.isoformat(), "months": months,
                                 "period": str(period)})
        return found

    @classmethod
    def explain(cls, reason: dict[str, Any]) -> str:
        values = reason["values"]
        planned = Period.of(datetime.fromisoformat(values["planned_start"]).date())
        return _("planned to start in %(planned)s, not started by %(period)s "
                 "(%(months)s months due) → %(color)s") % {
            "planned": planned, "period": values["period"], "months": values["months"],
            "color": color_label(reason["color"])}


#: Annotations of `reporting.with_report_state` (named in a tuple: the type checker's Django
#: plugin knows only model fields).
_REPORT_COLUMNS = ("pk", "report_state", "month_report__first_submitted_at")


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
    def evaluate(cls, projects: QuerySet[Project], period: Period, params: dict[str, Any],
                 context: Context) -> dict[int, Outcome]:
        deadline = context.office.report_deadline(period)
        states = reporting.with_report_state(projects, period)
        wanted = Q(**{"report_late": True})  # annotations of with_report_state
        if context.now >= deadline:
            wanted |= Q(**{"report_state": reporting.MISSING})
        found: dict[int, Outcome] = {}
        rows = states.filter(wanted).order_by().values_list(*_REPORT_COLUMNS)
        due = context.office.report_due_date(period).isoformat()
        for pk, state, submitted in rows:
            values = {"period": str(period), "deadline": due}
            if state == reporting.MISSING and submitted is None:
                found[pk] = (params["missing"], {**values, "state": "missing"})
            else:
                found[pk] = (params["late"], {
                    **values, "state": "late",
                    "submitted": timezone.localtime(submitted).date().isoformat()})
        return found

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


def evaluate_all(projects: QuerySet[Project], period: Period,
                 params_by_code: dict[str, dict[str, Any]],
                 context: Context) -> dict[int, Verdict]:
    """Every enabled rule over `projects`: a verdict for each project some rule spoke of
    (the others are green without a reason). Reasons keep every non-green rule, and the
    progress values even when green; the worst colour wins, the first rule on a tie."""
    verdicts: dict[int, Verdict] = {}
    for code, params in params_by_code.items():
        rule = get_rule(code)
        if rule is None:
            continue
        threshold = rule.threshold(params)
        for pk, (color, values) in rule.evaluate(projects, period, params, context).items():
            if color == LampColor.GREEN and code != ProgressRule.code:
                continue
            verdict = verdicts.setdefault(pk, Verdict())
            verdict.reasons.append({"rule": code, "color": str(color), "values": values,
                                    "threshold": threshold})
            if RANK[color] > RANK[verdict.color]:  # str enum keys: "red" finds RED
                verdict.color, verdict.rule = str(color), code
    return verdicts
