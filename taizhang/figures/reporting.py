"""Who has reported for a month: the reporting board's rules (催报), in SQL.

Each project expected to report for a period (`expected`: not cancelled, and not finished
before the period began) is in exactly one state for that period:

- ``missing``: no report, or a draft never submitted;
- ``submitted``: waiting for review;
- ``returned``: sent back to the owner with a reason;
- ``approved``.

So expected = missing + submitted + returned + approved. A report is **late** when it was
first submitted at or after the deadline in force then (`MonthlyReport.due_at`, the end of the
office's deadline day of the next month: `OfficeSettings.report_deadline`), whatever its state
now. One LEFT JOIN on the (project, period) unique index per project: counts and groupings
are one statement each at any number of projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.lookups import Exact

from taizhang.core.periods import Period
from taizhang.figures.stages import stage_as_of
from taizhang.ledger.choices import NO_REPORT_STAGES, ReportStatus, Stage
from taizhang.ledger.models import Project

MISSING, SUBMITTED, RETURNED, APPROVED = "missing", "submitted", "returned", "approved"
STATES = (MISSING, SUBMITTED, RETURNED, APPROVED)
#: What the board counts: the states, plus `expected` (all) and `late` (across states).
MEASURES = ("expected", *STATES, "late")

_STATUS_OF_STATE = {SUBMITTED: ReportStatus.SUBMITTED, RETURNED: ReportStatus.RETURNED,
                    APPROVED: ReportStatus.APPROVED}


def not_expected(period: Period) -> Q:
    """The projects that need not report for `period` (`expected`'s docstring), as one
    condition."""
    completed = Value(Stage.COMPLETED)
    return Q(stage__in=NO_REPORT_STAGES) | (
        Q(Exact(stage_as_of(period), completed))
        & (Q(actual_completion__lt=period.first_day)
           | (Q(actual_completion__isnull=True)
              & Q(Exact(stage_as_of(period.previous()), completed)))))


def expected(projects: QuerySet[Project], period: Period) -> QuerySet[Project]:
    """The projects that must report for `period`: all but

    - the cancelled ones (`ledger.choices.NO_REPORT_STAGES`, by their stage now: the report
      service refuses their reports, so there is nothing to chase);
    - those finished before the period began: completed (竣工投产) at the period's end
      (`figures.stages`: a project reopened during the month reports it) and completed
      before its first day — by the completion date where there is one, else by the stage
      at the end of the month before. A project completed during the year reports up to and
      including the month it was completed in (its last figures); plausibility's
      "finished" warning (a completed project still reporting) starts the month after, the
      same line.
    """
    return projects.exclude(not_expected(period))


#: The name of the period's report joined by `month_report` (``month_report__status``…).
MONTH_REPORT = "month_report"


def month_report(period: Period) -> FilteredRelation:
    """The project's report of `period`, joined once (LEFT JOIN on the unique index)."""
    return FilteredRelation("reports", condition=Q(reports__period=period.first_day))


def report_state() -> Case:
    """One of STATES, from the report joined as `MONTH_REPORT`."""
    return Case(
        *(When(**{f"{MONTH_REPORT}__status": status}, then=Value(name))
          for name, status in _STATUS_OF_STATE.items()),
        default=Value(MISSING), output_field=CharField(),
    )


def late_q() -> Q:
    """The report joined as `MONTH_REPORT` was first submitted at or after its deadline."""
    report = MONTH_REPORT
    return Q(**{f"{report}__first_submitted_at__isnull": False,
                f"{report}__due_at__isnull": False,
                f"{report}__first_submitted_at__gte": F(f"{report}__due_at")})


def with_report_state(projects: QuerySet[Project], period: Period) -> QuerySet[Project]:
    """`expected(projects, period)` annotated with ``report_state`` (one of STATES),
    ``report_late``, and the period's report as ``month_report__…`` (its id, submission time,
    return reason)."""
    late = Case(When(late_q(), then=Value(True)), default=Value(False),
                output_field=BooleanField())
    return (expected(projects, period).annotate(**{MONTH_REPORT: month_report(period)})
            .annotate(report_state=report_state(), report_late=late))


def _measures() -> dict[str, Count]:
    counts = {"expected": Count("pk")}
    for name in STATES:
        counts[name] = Count("pk", filter=Q(report_state=name))
    counts["late"] = Count("pk", filter=Q(report_late=True))
    return counts


@dataclass(frozen=True)
class Tally:
    """The board's numbers for one group (or the total)."""

    expected: int = 0
    missing: int = 0
    submitted: int = 0
    returned: int = 0
    approved: int = 0
    late: int = 0
    key: Any = None

    @property
    def reported(self) -> int:
        """Submitted at least once and not withdrawn: everything but missing."""
        return self.submitted + self.returned + self.approved

    def rate(self, name: str) -> Decimal | None:
        """`name` (a state, "reported" or "late") as an exact share of expected, rounded once,
        half up, where it is shown (``|pct``): a float rounded half to even showed 1 of 16 as
        6.2 %, and four places first (`core.money.ratio`) would show 12 of 276 (4.348 %) as
        4.4 %."""
        if not self.expected:
            return None
        value = self.reported if name == "reported" else getattr(self, name)
        return Decimal(value) / self.expected

    @property
    def reported_rate(self) -> Decimal | None:
        return self.rate("reported")

    @property
    def approved_rate(self) -> Decimal | None:
        return self.rate("approved")

    @property
    def missing_rate(self) -> Decimal | None:
        return self.rate("missing")

    @property
    def late_rate(self) -> Decimal | None:
        return self.rate("late")


def tally(projects: QuerySet[Project], period: Period) -> Tally:
    """The board's total: one statement."""
    found = with_report_state(projects, period).aggregate(**_measures())
    return Tally(**{name: found[name] or 0 for name in MEASURES})


#: Groupings of the board: the column a project is grouped by (None: no unit / owner).
GROUPINGS = {"unit": "responsible_unit_id", "township": "division_id", "owner": "owner_id"}


def tally_by(projects: QuerySet[Project], period: Period, by: str) -> QuerySet[Any]:
    """One row per group of `by` (GROUPINGS) with every measure, most missing first: a
    queryset of dicts (``key`` and the measures), for the caller to slice (one statement)."""
    column = GROUPINGS[by]
    return (
        with_report_state(projects, period)
        .values(key=F(column))
        .annotate(**_measures())
        .order_by("-missing", "-expected", "key")
    )


def select(projects: QuerySet[Project], period: Period, *, state: str = "",
           late: bool = False, group: tuple[str, int | None] | None = None) -> QuerySet[Project]:
    """The projects behind one number of the board: `state` ("" or "expected": all expected),
    only late ones, in one group (`(by, id)`, id None for "no unit/owner")."""
    found = with_report_state(projects, period)
    if state in STATES:
        found = found.filter(**{"report_state": state})  # annotations: unknown to the stubs
    if late:
        found = found.filter(**{"report_late": True})
    if group is not None:
        by, key = group
        column = GROUPINGS[by]
        found = found.filter(**({f"{column[:-3]}__isnull": True} if key is None
                                else {column: key}))
    return found


def punctual_by(projects: QuerySet[Project], period: Period, by: str) -> dict[Any, dict[str, int]]:
    """Per group of `by` (GROUPINGS): ``expected``, ``on_time`` (submitted before the
    deadline then in force: reported and not late), ``late`` and ``missing`` for ``period``
    (the assessment's punctual reporting). One statement."""
    reported = Q(report_state__in=(SUBMITTED, RETURNED, APPROVED))
    rows = (with_report_state(projects, period).order_by()
            .values(key=F(GROUPINGS[by]))
            .annotate(expected=Count("pk"),
                      on_time=Count("pk", filter=reported & Q(report_late=False)),
                      late=Count("pk", filter=Q(report_late=True)),
                      missing=Count("pk", filter=Q(report_state=MISSING))))
    return {row.pop("key"): row for row in rows}
