"""The indicator registry: each rule a scheme's indicator may name, by code.

A rule has two halves, kept apart so each can be tested alone:

- ``figures(ctx, params)``: the raw figures of every subject of a level at once (set-wise, in
  SQL, through taizhang/figures and the statistics service: a few statements per ranking,
  whatever the number of subjects or projects), ``{subject key: {figure: Decimal | int}}``;
  a rule that counts projects gives only its ``conditions(ctx, params)`` (named Q objects,
  built from figures/counts.py) and every such rule of a ranking is counted in one statement;
- ``points(figures, params, weight)``: the points of one subject from its figures and the
  parameters the office set (bands, per-step points, caps), a Decimal to 2 places.

Deduction rules (``deduction = True``) give zero or negative points, never below −weight.

Adding a rule: subclass ``Rule``, decorate it with ``@register("code")``; a scheme made after
that gets it from its defaults, an older one when the office adds it. The hook left for the
dispatch issue (12): a rule ``problems_resolved`` (problems coordinated and solved by their
deadline, per responsible unit / township, from dispatch's figures) registered by the
dispatch app's own module with ``register("problems_resolved")`` — nothing here changes; until
then no such rule exists and no scheme counts it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Division, OfficeSettings
from taizhang.core.periods import Period
from taizhang.core.services import ServiceError
from taizhang.figures import counts, reporting
from taizhang.ledger.models import Project

POINTS = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

Figures = dict[str, Decimal | int]


def points2(value: Decimal) -> Decimal:
    return value.quantize(POINTS, rounding=ROUND_HALF_UP)


@dataclass
class Context:
    """What one ranking is computed over; figures several rules share are made once (so one
    Context serves one ranking: each rule with one set of parameters)."""

    division: Division
    period: Period
    level: str  # choices.Level
    projects: QuerySet[Project]
    memo: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    def grouped(self) -> Any:
        """The statistics of every subject (stats.service.compute_grouped: two statements)."""
        from taizhang.stats.service import compute_grouped

        return self.once("grouped", lambda: compute_grouped(self.projects, self.period,
                                                            self.level))

    #: code → the named conditions a counting rule will ask for (``Rule.conditions``),
    #: declared before any figure so that one statement counts them all.
    wanted: dict[str, dict[str, Any]] = field(default_factory=dict)

    def count(self, code: str, conditions: dict[str, Any]) -> dict[Any, Figures]:
        """How many projects of each subject meet each of a rule's named conditions: every
        rule's conditions declared so far in one statement (figures/counts.py), made once."""
        self.wanted.setdefault(code, conditions)
        made = self.memo.get("counts")
        if made is None or code not in made[0]:
            flat = {f"{c}_{n}": q for c, named in self.wanted.items() for n, q in named.items()}
            made = self.memo["counts"] = (set(self.wanted), counts.count_by(
                self.projects, self.period, self.level, flat))
        return {key: {n: row[f"{code}_{n}"] for n in conditions}
                for key, row in made[1].items()}


# --- parameters: what the office edits, checked here ------------------------------------------

@dataclass(frozen=True)
class Param:
    name: str
    label: str | Promise
    kind: str = "decimal"  # decimal | bands | choice | codes
    choices: tuple[tuple[str, str | Promise], ...] = ()


def _decimal(text: Any, where: str) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Not a number: %(value)s.") % {"value": text}, field=where) from None
    if not value.is_finite() or value < 0 or value > Decimal("1000000000"):
        raise ServiceError(_("Give a number from 0 up."), field=where)
    # 100000, not 1E+5; 0.5, not 0.50: the text is stored and shown.
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _bands(text: Any, where: str) -> list[list[str]]:
    """"100000:4, 50000:3" (or the stored list) → [["100000", "4"], …], largest first."""
    items = text if isinstance(text, list) else [
        part.split(":") for part in str(text).replace("，", ",").replace("：", ":").split(",")
        if part.strip()]
    bands = []
    for item in items:
        if len(item) != 2:
            raise ServiceError(_("Write each band as amount:points, e.g. 100000:4."),
                               field=where)
        bands.append((_decimal(item[0], where), _decimal(item[1], where)))
    if not bands or len({b[0] for b in bands}) != len(bands):
        raise ServiceError(_("Give at least one band, each from a different amount."),
                           field=where)
    bands.sort(key=lambda b: b[0], reverse=True)
    return [[str(low), str(pts)] for low, pts in bands]


def bands_text(bands: list[list[str]]) -> str:
    return ", ".join(f"{low}:{pts}" for low, pts in bands)


def _codes(text: Any, where: str) -> list[str]:
    from taizhang.ledger.models.keylists import parse_list_code

    codes = text if isinstance(text, list) else [
        c.strip() for c in str(text).replace("，", ",").split(",") if c.strip()]
    for code in codes:
        try:
            parse_list_code(code)
        except ValueError:
            raise ServiceError(_("Unknown list: %(code)s (e.g. province, prefecture, "
                                 "province-prestage).") % {"code": code}, field=where) from None
    if not codes:
        raise ServiceError(_("Name at least one list."), field=where)
    return codes


# --- the registry -------------------------------------------------------------------------------

class Rule:
    """One kind of indicator (module docstring)."""

    code: ClassVar[str] = ""
    name: ClassVar[str | Promise] = ""
    description: ClassVar[str | Promise] = ""
    weight: ClassVar[Decimal] = Decimal(10)
    order: ClassVar[int] = 100
    deduction: ClassVar[bool] = False
    defaults: ClassVar[dict[str, Any]] = {}
    params: ClassVar[tuple[Param, ...]] = ()

    def conditions(self, ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        """A counting rule's named conditions on projects (figures/counts.py): its figures
        are how many projects of each subject meet each; empty for other rules."""
        return {}

    def figures(self, ctx: Context, params: dict[str, Any]) -> dict[Any, Figures]:
        """Default: the counts of ``conditions``."""
        return ctx.count(self.code, self.conditions(ctx, params))

    def points(self, figures: Figures, params: dict[str, Any], weight: Decimal) -> Decimal:
        raise NotImplementedError

    def clean(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The parameters as stored (JSON: numbers as text), or ServiceError naming the
        field ``<code>-<param>``."""
        cleaned: dict[str, Any] = {}
        for param in self.params:
            where = f"{self.code}-{param.name}"
            value = raw.get(param.name, self.defaults.get(param.name))
            if param.kind == "bands":
                cleaned[param.name] = _bands(value, where)
            elif param.kind == "codes":
                cleaned[param.name] = _codes(value, where)
            elif param.kind == "choice":
                if value not in {c for c, _label in param.choices}:
                    raise ServiceError(_("Choose one of the options."), field=where)
                cleaned[param.name] = value
            else:
                cleaned[param.name] = str(_decimal(value, where))
        return cleaned

    def param(self, params: dict[str, Any], name: str) -> Any:
        value = params.get(name, self.defaults[name])
        spec = next(p for p in self.params if p.name == name)
        return Decimal(str(value)) if spec.kind == "decimal" else value


RULES: dict[str, Rule] = {}


def register(code: str) -> Callable[[type[Rule]], type[Rule]]:
    def add(cls: type[Rule]) -> type[Rule]:
        if code in RULES:
            raise ValueError(f"indicator rule {code!r} registered twice")
        cls.code = code
        RULES[code] = cls()
        return cls
    return add


def rule(code: str) -> Rule | None:
    return RULES.get(code)


#: The names of the figures shown behind the points.
FIGURE_LABELS: dict[str, str | Promise] = {
    "projects": _("projects"),
    "annual_plan": _("annual plan (10k yuan)"),
    "ytd_completed": _("completed this year (10k yuan)"),
    "completion_rate": _("completion rate (%)"),
    "reference": _("time progress or plan (%)"),
    "difference": _("points ahead (+) or behind (−)"),
    "new_starts": _("new starts"),
    "planned_new_starts": _("planned new starts"),
    "started_of_planned": _("planned starts made"),
    "start_rate": _("start rate (%)"),
    "on_lists": _("projects on the lists"),
    "completed": _("completed and in production"),
    "expected": _("reports expected"),
    "on_time": _("reported on time"),
    "late": _("reported late"),
    "missing": _("not reported"),
    "overdue_starts": _("starts overdue"),
    "deductions": _("deductions entered"),
    "deducted": _("points deducted"),
}


def figure_label(key: str) -> str:
    if key.startswith("band_"):
        return str(_("projects of %(amount)s (10k yuan) and more") % {"amount": key[5:]})
    return str(FIGURE_LABELS.get(key, key))


def _capped(value: Decimal, cap: Decimal) -> Decimal:
    return points2(max(ZERO, min(value, cap)))


# --- the rules of DOMAIN.md's real schemes -----------------------------------------------------

@register("plan_completion")
class PlanCompletion(Rule):
    """年度计划完成: the full score at time progress (or at the plan), ±per_step for each whole
    step of points over or under, between 0 and the score plus the bonus cap; no plan, no
    points. Steps are whole: 3.9 points over is one step of 2, −3.9 is minus one."""

    name = _("Annual plan completion")
    weight = Decimal(40)
    order = 10
    defaults = {"basis": "time", "step": "2", "per_step": "1", "bonus_cap": "5"}
    params = (
        Param("basis", _("compared with"), "choice",
              (("time", _("time progress")), ("plan", _("the whole annual plan")))),
        Param("step", _("one step (percentage points)")),
        Param("per_step", _("points per step")),
        Param("bonus_cap", _("most bonus points")),
    )

    def figures(self, ctx: Context, params: dict[str, Any]) -> dict[Any, Figures]:
        reference = (ctx.period.time_progress * HUNDRED if params.get("basis", "time") == "time"
                     else HUNDRED)
        found: dict[Any, Figures] = {}
        for key, stats in ctx.grouped().groups.items():
            plan, ytd = stats.total.annual_plan, stats.total.ytd_completed
            rate = ytd * HUNDRED / plan if plan > 0 else None
            found[key] = {"annual_plan": plan, "ytd_completed": ytd,
                          "completion_rate": points2(rate) if rate is not None else ZERO,
                          "reference": points2(reference),
                          # Exact (not the rounded rate): the steps are counted on it.
                          "difference": (rate - reference) if rate is not None else ZERO}
        return found

    def points(self, figures: Figures, params: dict[str, Any], weight: Decimal) -> Decimal:
        if not figures.get("annual_plan"):
            return ZERO
        step = self.param(params, "step")
        steps = (Decimal(figures["difference"]) / step).to_integral_value(ROUND_DOWN) \
            if step > 0 else Decimal(0)
        value = weight + steps * self.param(params, "per_step")
        return _capped(value, weight + self.param(params, "bonus_cap"))


class _PerProject(Rule):
    """``per_project`` points for each project counted by ``figure``, up to the weight."""

    figure: ClassVar[str] = ""
    defaults: ClassVar[dict[str, Any]] = {"per_project": "2"}
    params: ClassVar[tuple[Param, ...]] = (Param("per_project", _("points per project")),)

    def points(self, figures: Figures, params: dict[str, Any], weight: Decimal) -> Decimal:
        return _capped(Decimal(figures.get(self.figure, 0)) * self.param(params, "per_project"),
                       weight)


@register("new_starts")
class NewStarts(_PerProject):
    """新开工: points per new start of the year through the period, up to the weight."""

    name = _("New starts")
    order = 20
    figure = "new_starts"

    def figures(self, ctx: Context, params: dict[str, Any]) -> dict[Any, Figures]:
        return {key: {"new_starts": s.new_starts}
                for key, s in ctx.grouped().groups.items()}


@register("start_rate")
class StartRate(Rule):
    """开工率: the weight × the start rate (started ÷ planned new starts, or ÷ all projects);
    with no planned new start nothing was due: the full score."""

    name = _("Start rate")
    order = 30
    defaults = {"basis": OfficeSettings.StartRateBasis.PLANNED.value}
    params = (Param("basis", _("rate of"), "choice", tuple(OfficeSettings.StartRateBasis.choices)),)

    def figures(self, ctx: Context, params: dict[str, Any]) -> dict[Any, Figures]:
        planned = params.get("basis", "planned") == OfficeSettings.StartRateBasis.PLANNED
        found: dict[Any, Figures] = {}
        for key, s in ctx.grouped().groups.items():
            made, due = ((s.started_of_planned, s.planned_new_starts) if planned
                         else (s.new_starts, s.total.projects))
            found[key] = {"started_of_planned" if planned else "new_starts": made,
                          "planned_new_starts" if planned else "projects": due,
                          "start_rate": points2(Decimal(made) * HUNDRED / due) if due else ZERO}
        return found

    def points(self, figures: Figures, params: dict[str, Any], weight: Decimal) -> Decimal:
        due = figures.get("planned_new_starts", figures.get("projects", 0))
        if not due:
            return points2(weight)
        return _capped(weight * Decimal(figures["start_rate"]) / HUNDRED, weight)


@register("size_bands")
class SizeBands(Rule):
    """投资规模: points per project by its planned total's band (≥10亿 / 5–10亿 / 1–5亿 / <1亿
    by default, in 万元), of the year's new starts or of every project, up to the weight."""

    name = _("Investment size")
    order = 40
    defaults = {"bands": [["100000", "4"], ["50000", "3"], ["10000", "2"], ["0", "1"]],
                "of": "started"}
    params = (
        Param("bands", _("bands (from 10k yuan: points)"), "bands"),
        Param("of", _("projects counted"), "choice",
              (("started", _("new starts of the year")), ("all", _("all projects")))),
    )

    def conditions(self, ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        bands = self.param(params, "bands")
        scope = counts.started(ctx.period) if self.param(params, "of") == "started" else None
        conditions = {}
        upper = None
        for low, _pts in bands:
            q = counts.planned_total_at_least(Decimal(low))
            if upper is not None:
                q &= counts.planned_total_below(upper)
            conditions[f"band_{low}"] = q & scope if scope is not None else q
            upper = Decimal(low)
        return conditions

    def points(self, figures: Figures, params: dict[str, Any], weight: Decimal) -> Decimal:
        total = sum((Decimal(figures.get(f"band_{low}", 0)) * Decimal(pts)
                     for low, pts in self.param(params, "bands")), Decimal(0))
        return _capped(total, weight)


@register("key_lists")
class KeyLists(_PerProject):
    """进入省市重点: points per project approved on the year's provincial or prefecture
    (唐山市) lists, up to the weight."""

    name = _("Projects on provincial or prefecture lists")
    order = 50
    figure = "on_lists"
    defaults = {"lists": ["province", "prefecture", "province-prestage"], "per_project": "2"}
    params = (Param("lists", _("lists (codes)"), "codes"),
              Param("per_project", _("points per project")))

    def conditions(self, ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        return {"on_lists": counts.on_lists(ctx.period, self.param(params, "lists"))}


@register("completed")
class Completed(_PerProject):
    """竣工投产: points per project completed this year through the period, up to the weight."""

    name = _("Completed and in production")
    order = 60
    figure = "completed"

    def figures(self, ctx: Context, params: dict[str, Any]) -> dict[Any, Figures]:
        from taizhang.ledger.choices import Batch

        return {key: {"completed": s.batches[Batch.PRODUCING].projects}
                for key, s in ctx.grouped().groups.items()}


@register("punctual_reporting")
class PunctualReporting(Rule):
    """月报报送: the full score, less per report submitted after the deadline then in force
    (``MonthlyReport.due_at``) and per report missing, for the period's month; not below 0."""

    name = _("Punctual monthly reporting")
    order = 70
    defaults = {"per_late": "0.5", "per_missing": "1"}
    params = (Param("per_late", _("points off per late report")),
              Param("per_missing", _("points off per missing report")))

    def figures(self, ctx: Context, params: dict[str, Any]) -> dict[Any, Figures]:
        found = reporting.punctual_by(ctx.projects, ctx.period, ctx.level)
        return {key: dict(row) for key, row in found.items()}

    def points(self, figures: Figures, params: dict[str, Any], weight: Decimal) -> Decimal:
        off = (Decimal(figures.get("late", 0)) * self.param(params, "per_late")
               + Decimal(figures.get("missing", 0)) * self.param(params, "per_missing"))
        return _capped(weight - off, weight)


@register("late_starts")
class LateStarts(Rule):
    """开工滞后 (deduction): per project due to start this year by the end of the period and
    not started, down to −weight."""

    name = _("Late starts (deduction)")
    order = 80
    deduction = True
    defaults = {"per_project": "1"}
    params = (Param("per_project", _("points off per project")),)

    def conditions(self, ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        return {"overdue_starts": counts.start_overdue(ctx.period)}

    def points(self, figures: Figures, params: dict[str, Any], weight: Decimal) -> Decimal:
        off = Decimal(figures.get("overdue_starts", 0)) * self.param(params, "per_project")
        return -_capped(off, weight)


@register("deductions")
class Deductions(Rule):
    """通报批评 and other deductions the office entered for the month
    (``assessment.Deduction``), down to −weight."""

    name = _("Deductions (criticism and others)")
    weight = Decimal(20)
    order = 90
    deduction = True

    def figures(self, ctx: Context, params: dict[str, Any]) -> dict[Any, Figures]:
        from django.db.models import Count, Sum

        from taizhang.assessment.models import Deduction

        column = "unit_id" if ctx.level == "unit" else "township_id"
        rows = (Deduction.objects.filter(division=ctx.division, month=str(ctx.period),
                                         level=ctx.level)
                .order_by().values(column).annotate(n=Count("pk"), s=Sum("points")))
        return {row[column]: {"deductions": row["n"], "deducted": points2(row["s"])}
                for row in rows}

    def points(self, figures: Figures, params: dict[str, Any], weight: Decimal) -> Decimal:
        return -_capped(Decimal(figures.get("deducted", 0)), weight)
