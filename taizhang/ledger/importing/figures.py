"""The money columns of a row → monthly reports, the opening balance, the annual plan.

A sheet gives year-to-date (1-P月累计), month (本月), since-start (开工至今) and before-year
(至上年底) figures; the database keeps one report per month.  A report whose ``covers_from``
is set is a lump: it holds the months from that date to its period, with no known split, so
it is never a month figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from taizhang.core.audit.service import plain
from taizhang.core.money import CENT, ZERO
from taizhang.core.periods import Period
from taizhang.figures import reports
from taizhang.ledger.choices import MembershipStatus, ReportStatus
from taizhang.ledger.importing.ops import (
    ImportPlan,
    MembershipOp,
    PlanOp,
    ProjectOp,
    ReportOp,
    same_value,
)
from taizhang.ledger.importing.parse import RowRecord
from taizhang.ledger.models import AnnualPlan, KeyListMembership, MonthlyReport

CHUNK = 500
_REPORT_TEXTS = ("image_progress", "problems", "next_steps")
_FIGURE_COLUMNS = {"ytd", "month", "since_start", "before_year", "annual_plan"}
#: Report fields that are figures (a change of only texts is not one).
_FIGURE_FIELDS = {"completed", "covers_from", "status"}


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Earlier:
    """A project's reports of January … P−1 of the import's year."""

    approved: Decimal = ZERO  # the sum of the approved ones
    months: set[int] = field(default_factory=set)  # months with a report of any status
    pending: list[Period] = field(default_factory=list)  # draft, submitted or returned

    def first_gap(self, period: Period) -> date | None:
        """The first month before ``period`` without a report (None: every month has one)."""
        for month in range(1, period.month):
            if month not in self.months:
                return date(period.year, month, 1)
        return None


class FigurePlanner:
    """The figure half of ``plan.Planner`` (a mixin: it shares the planner's state)."""

    plan: ImportPlan
    period: Period

    def _prefetch_figures(self, ids: list[int]) -> None:
        period = self.period
        self.prior: dict[int, Decimal] = {}
        self.earlier: dict[int, Earlier] = {}
        self.reports: dict[tuple[int, date], MonthlyReport] = {}
        self.plans: dict[int, AnnualPlan] = {}
        self.memberships: dict[tuple[int, tuple[str, str]], KeyListMembership] = {}
        for chunk in chunks(ids):
            self.prior.update(reports.approved_before_year(chunk, period))
            for pid, day, status, completed in reports.earlier_in_year(chunk, period):
                earlier = self.earlier.setdefault(pid, Earlier())
                earlier.months.add(day.month)
                if status == ReportStatus.APPROVED:
                    earlier.approved += completed
                else:
                    earlier.pending.append(Period.of(day))
            for report in reports.reports_at(chunk, period):
                self.reports[(report.project_id, report.period)] = report
            for plan in AnnualPlan.objects.filter(project_id__in=chunk, year=period.year):
                self.plans[plan.project_id] = plan
            for membership in KeyListMembership.objects.select_related("key_list").filter(
                project_id__in=chunk, key_list__year=period.year
            ):
                key = (membership.key_list.level, membership.key_list.kind)
                self.memberships[(membership.project_id, key)] = membership

    def _figures(self, op: ProjectOp) -> None:
        record, project = op.record, op.project
        if record.failed & _FIGURE_COLUMNS:
            return
        pid = project.pk if project else None
        earlier = self.earlier.get(pid, Earlier()) if pid else Earlier()
        errors, reports = len(self.plan.errors), len(op.reports)
        ok = self._month_figures(op, earlier, self.prior.get(pid, ZERO) if pid else ZERO)
        if earlier.pending and self._depends_on_earlier(op, errors, reports):
            ok = self._refuse_pending(op, earlier, errors, reports)
        if not ok:
            return
        values = record.values
        if values.get("annual_plan") is not None:
            self._annual_plan(op, values["annual_plan"])
        for key in values.get("level") or []:
            membership = self.memberships.get((pid, key)) if pid else None
            if membership is None or membership.status != MembershipStatus.APPROVED:
                op.memberships.append(MembershipOp(key, membership))
                self.plan.key_lists.setdefault(key, None)

    def _depends_on_earlier(self, op: ProjectOp, errors: int, reports: int) -> bool:
        """Whether the row's figures (planned since ``errors``/``reports``) used the months
        before the period: a year-to-date or since-start figure that changes something."""
        record = op.record
        if record.get("ytd") is None and record.get("since_start") is None:
            return False
        return (len(self.plan.errors) > errors or "completed_before" in op.values
                or any(set(r.values) & _FIGURE_FIELDS for r in op.reports[reports:]))

    def _refuse_pending(self, op: ProjectOp, earlier: Earlier, errors: int, reports: int) -> bool:
        """Replace the row's figures by one error: the months before it are split using the
        approved reports, so a month still under review would be counted twice (or never)."""
        record = op.record
        del self.plan.errors[errors:]
        op.reports[reports:] = [r for r in op.reports[reports:]
                                if not set(r.values) & _FIGURE_FIELDS]
        op.values.pop("completed_before", None)
        op.before.pop("completed_before", None)
        count = len(earlier.pending)
        reason = ngettext(
            "%(months)s is not approved yet; approve it before importing year-to-date figures.",
            "%(months)s are not approved yet; approve them before importing year-to-date "
            "figures.", count) % {"months": ", ".join(str(p) for p in earlier.pending)}
        return self._fail(record, "ytd" if record.get("ytd") is not None else "since_start",
                          reason)

    def _month_figures(self, op: ProjectOp, earlier: Earlier, prior: Decimal) -> bool:
        """Plan the reports of the period (and of a lump before it); False on an error."""
        record, values, period = op.record, op.record.values, self.period
        pid = op.project.pk if op.project else None
        at_p = self.reports.get((pid, period.first_day)) if pid else None
        approved_at_p = at_p is not None and at_p.status == ReportStatus.APPROVED
        ytd, month = values.get("ytd"), values.get("month")
        reported = earlier.approved
        month_value: Decimal | None = None
        lump = ZERO
        covers_from = None
        if ytd is not None and not earlier.months:
            if month is not None:
                lump, month_value = ytd - month, month
                if lump < 0:
                    return self._fail(record, "ytd", _(
                        "The year-to-date figure %(ytd)s is smaller than this month's %(month)s.")
                        % {"ytd": ytd, "month": month})
                if lump > 0 and period.month == 1:
                    return self._fail(record, "ytd", _(
                        "In January the year-to-date figure must equal the month's figure."))
            elif ("month" in record.columns and period.month > 1 and ytd > 0
                  and not approved_at_p):
                lump = ytd  # a blank month cell: nothing this month, all of it before
            elif ytd > 0 or approved_at_p:
                month_value = ytd
                covers_from = earlier.first_gap(period)
        elif ytd is not None:
            if month is not None:
                month_value = month
                if reported + month != ytd:
                    return self._fail(record, "ytd", _(
                        "The year-to-date figure %(ytd)s does not match the months already "
                        "reported (%(reported)s) plus this month (%(month)s).")
                        % {"ytd": ytd, "reported": reported, "month": month})
            elif ytd - reported == 0 and not approved_at_p:
                pass  # nothing approved this month, and the sheet agrees: leave a draft alone
            else:
                month_value = ytd - reported
                if month_value < 0:
                    return self._fail(record, "ytd", _(
                        "The year-to-date figure %(ytd)s is smaller than the months already "
                        "reported (%(reported)s).") % {"ytd": ytd, "reported": reported})
                # Months without a report before this one: this figure holds them too.
                covers_from = earlier.first_gap(period)
        elif month is not None:
            month_value = month
        # The approved sum of January … period once this row is written.
        year_after = reported + lump
        if month_value is not None:
            year_after += month_value
        elif at_p is not None and approved_at_p:
            year_after += at_p.completed
        self._opening(op, prior, year_after)  # its errors do not stop the rest of the row
        self._report_at_p(op, at_p, month_value, covers_from)
        if lump > 0:
            op.reports.append(ReportOp(
                period.previous().first_day, None,
                self._approved({"completed": lump, "covers_from": period.year_start}), {}))
        return True

    def _fail(self, record: RowRecord, name: str, reason: str) -> bool:
        self.plan.errors.append(record.error(name, reason))
        return False

    def _opening(self, op: ProjectOp, prior: Decimal, year_after: Decimal) -> bool:
        """completed_before so that it plus the reports up to the period = 开工至今累计."""
        record = op.record
        since, before_year = record.get("since_start"), record.get("before_year")
        if since is not None:
            opening = since - prior - year_after
            if opening < 0:
                return self._fail(record, "since_start", _(
                    "The since-start figure %(since)s is smaller than the months reported so far "
                    "(%(reported)s).") % {"since": since, "reported": prior + year_after})
            if before_year is not None and abs(before_year + year_after - since) > CENT:
                return self._fail(record, "before_year", _(
                    "Completed before this year (%(before)s) plus the year-to-date figure "
                    "(%(ytd)s) does not equal the since-start figure (%(since)s).")
                    % {"before": before_year, "ytd": year_after, "since": since})
        elif before_year is not None:
            opening = before_year - prior
            if opening < 0:
                return self._fail(record, "before_year", _(
                    "The figure for completed before this year %(before)s is smaller than the "
                    "months already reported for earlier years (%(reported)s).")
                    % {"before": before_year, "reported": prior})
        else:
            return True
        if op.project is None:
            op.values["completed_before"] = opening
        elif op.project.completed_before != opening:
            op.values["completed_before"] = opening
            op.before["completed_before"] = plain(op.project.completed_before)
        return True

    def _approved(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "status": ReportStatus.APPROVED}

    def _report_at_p(self, op: ProjectOp, at_p: MonthlyReport | None,
                     month_value: Decimal | None, covers_from: date | None) -> None:
        texts = {name: op.record.values[name] for name in _REPORT_TEXTS
                 if op.record.get(name) is not None}
        wanted: dict[str, Any] = dict(texts)
        if month_value is not None:
            wanted.update(self._approved({"completed": month_value, "covers_from": covers_from}))
        if not wanted:
            return
        first = self.period.first_day
        if at_p is None:
            if month_value is None:
                self.plan.warnings.append(op.record.error(next(iter(texts)), _(
                    "No figure for the month, so this text is not stored.")))
                return
            op.reports.append(ReportOp(first, None, wanted, {}))
            return
        changed = {name: value for name, value in wanted.items()
                   if not same_value(name, getattr(at_p, name), value)}
        if changed:
            before = {name: plain(getattr(at_p, name)) for name in changed}
            op.reports.append(ReportOp(first, at_p, changed, before))

    def _annual_plan(self, op: ProjectOp, amount: Decimal) -> None:
        existing = self.plans.get(op.project.pk) if op.project else None
        if existing is None:
            op.plan = PlanOp(None, self.period.year, amount, None)
        elif existing.planned_investment != amount:
            op.plan = PlanOp(existing, self.period.year, amount, existing.planned_investment)
