"""Plausibility checks on monthly reports: figures that deserve a second look, each with why.

Every check compares the report's figure (``completed``, 万元) with the project's own
figures; none blocks anything by itself. The owner sees them before submitting (and may
submit past them only with a note), the office sees them in the review queue, and only a
report without any can be approved in bulk. The thresholds are the constants below, in one
place (docs/architecture.md, "Plausibility checks"):

- ``over_remaining``: the month's figure is above what is left of the planned total
  (planned total − opening balance − approved reports before the month);
- ``ytd_over_plan``: the year to date with this month is above ``YTD_PLAN_FACTOR`` × the
  annual plan;
- ``spike``: the month's figure is above ``SPIKE_FACTOR`` × the average of the project's own
  approved months in the ``SPIKE_LOOKBACK_MONTHS`` before, when there are at least
  ``SPIKE_MIN_MONTHS`` of them and their average is above zero;
- ``repeated``: the same non-zero figure ``REPEAT_MONTHS`` months running (this one and the
  approved ones of the months just before);
- ``early_stage``: a 谋划/前期 (planning, preliminary) project reports more than
  ``EARLY_STAGE_SHARE`` of its planned total in one month;
- ``finished``: a completed project reports a figure for a month after the one it was
  completed in (or with no completion date);
- ``no_photos``: a project under construction reports with fewer than ``MIN_PHOTOS`` photos.

The checks read the project's current stage (reports are filled for the open month). A page
of reports is checked in two queries whatever its length (``check_reports``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear, TruncYear
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from taizhang.core.money import wan
from taizhang.core.money_sql import Cents, MoneySum, SummedMoney, money_or_zero
from taizhang.core.periods import Period
from taizhang.figures.reports import APPROVED
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import AnnualPlan, MonthlyReport, ReportPhoto

# --- thresholds (documented in docs/architecture.md) -----------------------------------------
YTD_PLAN_FACTOR = Decimal("1.5")
SPIKE_FACTOR = Decimal("5")
SPIKE_LOOKBACK_MONTHS = 12
SPIKE_MIN_MONTHS = 3
REPEAT_MONTHS = 3
EARLY_STAGE_SHARE = Decimal("0.10")
EARLY_STAGES = (Stage.PLANNING, Stage.PRELIMINARY)
MIN_PHOTOS = 1

#: Every kind of warning, in the order they are shown, with its short name (filters, badges).
KINDS: dict[str, Promise] = {
    "over_remaining": _("Above what is left of the planned total"),
    "ytd_over_plan": _("Year to date far above the annual plan"),
    "spike": _("Spike against the project's own months"),
    "repeated": _("Same figure several months running"),
    "early_stage": _("Large investment at planning or preliminary stage"),
    "finished": _("Completed project still reporting"),
    "no_photos": _("No photos while under construction"),
}


def _percent(share: Decimal) -> str:
    """0.10 → "10", 0.125 → "12.5"."""
    return f"{(share * 100).normalize():f}"


def _fmt(amount: Decimal) -> str:
    return f"{wan(amount):,}"


@dataclass(frozen=True)
class PlausibilityWarning:
    """One check that fired: its kind and the figures that explain why."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(KINDS[self.code])

    @property
    def message(self) -> str:
        p = self.params
        if self.code == "over_remaining":
            return str(_("%(figure)s is above what is left of the planned total: %(planned)s "
                         "planned, %(done)s done before this month, %(left)s left.")) % p
        if self.code == "ytd_over_plan":
            return str(_("The year to date with this month, %(ytd)s, is more than %(factor)s "
                         "times the annual plan of %(plan)s.")) % p
        if self.code == "spike":
            return str(_("%(figure)s is more than %(factor)s times the average of the "
                         "project's last %(n)s months, %(average)s.")) % p
        if self.code == "repeated":
            return str(_("The same figure, %(figure)s, %(n)s months running.")) % p
        if self.code == "early_stage":
            return str(_("%(figure)s in one month is more than %(share)s%% of the planned "
                         "total (%(planned)s) of a project at stage “%(stage)s”.")) % p
        if self.code == "finished":
            if p.get("completed_on"):
                return str(_("The project was completed on %(completed_on)s and still "
                             "reports %(figure)s.")) % p
            return str(_("The project is completed and still reports %(figure)s.")) % p
        return str(_("The project is under construction and the report has no site "
                     "photo."))


@dataclass(frozen=True)
class ReportFacts:
    """What the checks need of one report, read in bulk by ``check_reports``."""

    figure: Decimal
    period: Period
    stage: str
    actual_completion: date | None
    planned_total: Decimal
    done_before: Decimal  # opening balance + approved reports before the month
    ytd_before: Decimal  # approved reports of January … the month before
    annual_plan: Decimal | None
    photos: int
    # The approved month figures (no lumps) of the SPIKE_LOOKBACK_MONTHS before, by period.
    history: dict[date, Decimal] = field(default_factory=dict)


def warnings_for(facts: ReportFacts) -> list[PlausibilityWarning]:
    """The checks of the module's docstring on one report, exact on Decimal amounts."""
    found: list[PlausibilityWarning] = []
    x = facts.figure
    fig = _fmt(x)
    left = facts.planned_total - facts.done_before
    if facts.planned_total > 0 and x > left:
        found.append(PlausibilityWarning("over_remaining", {
            "figure": fig, "planned": _fmt(facts.planned_total),
            "done": _fmt(facts.done_before), "left": _fmt(left)}))
    plan = facts.annual_plan
    if plan is not None and plan > 0 and facts.ytd_before + x > YTD_PLAN_FACTOR * plan:
        found.append(PlausibilityWarning("ytd_over_plan", {
            "ytd": _fmt(facts.ytd_before + x), "factor": str(YTD_PLAN_FACTOR),
            "plan": _fmt(plan)}))
    months = list(facts.history.values())
    total = sum(months, Decimal(0))
    # x > SPIKE_FACTOR × (total ÷ n), without dividing.
    if len(months) >= SPIKE_MIN_MONTHS and total > 0 and x * len(months) > SPIKE_FACTOR * total:
        found.append(PlausibilityWarning("spike", {
            "figure": fig, "factor": str(SPIKE_FACTOR), "n": len(months),
            "average": _fmt(total / len(months))}))
    before = [facts.period]
    for _i in range(REPEAT_MONTHS - 1):
        before.append(before[-1].previous())
    if x > 0 and all(facts.history.get(p.first_day) == x for p in before[1:]):
        found.append(PlausibilityWarning("repeated", {"figure": fig, "n": REPEAT_MONTHS}))
    if facts.stage in EARLY_STAGES and x > EARLY_STAGE_SHARE * facts.planned_total:
        found.append(PlausibilityWarning("early_stage", {
            "figure": fig, "share": _percent(EARLY_STAGE_SHARE),
            "planned": _fmt(facts.planned_total), "stage": str(Stage(facts.stage).label)}))
    if facts.stage == Stage.COMPLETED and x > 0 and (
            facts.actual_completion is None
            or facts.actual_completion < facts.period.first_day):
        found.append(PlausibilityWarning("finished", {
            "figure": fig, "completed_on": (facts.actual_completion.isoformat()
                                            if facts.actual_completion else "")}))
    if facts.stage == Stage.UNDER_CONSTRUCTION and facts.photos < MIN_PHOTOS:
        found.append(PlausibilityWarning("no_photos"))
    return found


def _months_back(period: Period, n: int) -> Period:
    for _i in range(n):
        period = period.previous()
    return period


def _approved_sum(condition: Q) -> Subquery:
    summed = (MonthlyReport.objects.filter(project=OuterRef("project")).filter(condition)
              .order_by().values("project")
              .annotate(s=MoneySum("completed", filter=Q(status=APPROVED))).values("s")[:1])
    return Subquery(summed, output_field=SummedMoney())


def facts_of(reports: Sequence[MonthlyReport]) -> dict[int, ReportFacts]:
    """Facts of saved reports (their projects selected with them), by report id: two queries.

    The sums before each report's own month are correlated subqueries on the report row; the
    months before (for spikes and repeats) are one query over the page's projects.
    """
    if not reports:
        return {}
    earlier = Q(period__lt=OuterRef("period"))
    plan = AnnualPlan.objects.filter(project=OuterRef("project"),
                                     year=OuterRef("report_year")).order_by()
    photos = (ReportPhoto.objects.filter(report=OuterRef("pk")).order_by().values("report")
              .annotate(n=Count("pk")).values("n")[:1])
    sums = {row["pk"]: row for row in MonthlyReport.objects.filter(
        pk__in=[r.pk for r in reports]).order_by().annotate(
        year_start=TruncYear("period"), report_year=ExtractYear("period")).annotate(
        done=money_or_zero(_approved_sum(earlier)),
        ytd=money_or_zero(_approved_sum(earlier & Q(period__gte=OuterRef("year_start")))),
        plan=Subquery(plan.values(a=Cents("planned_investment"))[:1],
                      output_field=SummedMoney()),
        photo_count=Subquery(photos),
    ).values("pk", "done", "ytd", "plan", "photo_count")}
    periods = [Period.of(r.period) for r in reports]
    start = _months_back(min(periods), SPIKE_LOOKBACK_MONTHS).first_day
    history: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for project_id, period, completed in MonthlyReport.objects.filter(
            project_id__in={r.project_id for r in reports}, status=APPROVED,
            covers_from__isnull=True, period__gte=start,
            period__lt=max(periods).first_day).order_by().values_list(
            "project_id", "period", "completed"):
        history[project_id][period] = completed
    facts = {}
    for report in reports:
        row, month = sums[report.pk], Period.of(report.period)
        first = _months_back(month, SPIKE_LOOKBACK_MONTHS).first_day
        project = report.project
        facts[report.pk] = ReportFacts(
            figure=report.completed, period=month, stage=project.stage,
            actual_completion=project.actual_completion, planned_total=project.planned_total,
            done_before=project.completed_before + row["done"], ytd_before=row["ytd"],
            annual_plan=row["plan"], photos=row["photo_count"] or 0,
            history={p: v for p, v in history[report.project_id].items()
                     if first <= p < report.period},
        )
    return facts


def check_reports(reports: Iterable[MonthlyReport]) -> dict[int, list[PlausibilityWarning]]:
    """The warnings of each saved report, by report id (two queries for any number)."""
    reports = list(reports)
    return {pk: warnings_for(facts) for pk, facts in facts_of(reports).items()}


def check_report(report: MonthlyReport) -> list[PlausibilityWarning]:
    return check_reports([report]).get(report.pk, [])


def codes_text(found: Iterable[PlausibilityWarning]) -> str:
    """The kinds as stored on a submitted report, ",spike,no_photos," ("" when clean), so the
    queue can filter on them with a LIKE."""
    codes = [w.code for w in found]
    return f",{','.join(codes)}," if codes else ""
