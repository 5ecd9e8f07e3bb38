from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from taizhang.accounts.models import OfficeSettings
from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.registry import registry
from taizhang.core.scoping import get_for_user
from taizhang.figures.per_project import rates_of, with_figures, with_share
from taizhang.figures.rates import behind_threshold
from taizhang.figures.reports import since_start_series
from taizhang.ledger import lamps
from taizhang.ledger.choices import MembershipStatus, Stage
from taizhang.ledger.filters import ProjectFilterForm, choice_ids_of
from taizhang.ledger.forms import (
    AnnualPlanForm,
    ListApplicationForm,
    StageChangeForm,
    plan_versions,
)
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.queries import descendant_ids
from taizhang.ledger.views.common import period_from_request
from taizhang.stats.cache import (
    ScopeVersions,
    cached,
    compute_by_division,
    order_by_division,
    project_version,
    scope_versions,
    whole_version,
)
from taizhang.stats.service import compute

PAGE_SIZE = 50
FIGURE_SORTS = {"plan", "ytd", "month", "rate", "points"}
SORTS = {
    "seq": "pk",
    "name": "name",
    "total": "planned_total",
    "plan": "annual_plan",
    "ytd": "ytd_completed",
    "month": "month_completed",
    # 占年度计划 and points against time progress: the same order (points = 100 × rate − c).
    "rate": "completion_share",
    "points": "completion_share",
    "stage": "stage",
    "start": "actual_start",
    # The period's lamp, worst first with "-lamp"; projects not evaluated last.
    "lamp": lamps.RANK_FIELD,
}


def _sorted(projects: QuerySet[Project], key: str) -> QuerySet[Project]:
    field = SORTS.get(key.lstrip("-"), "pk")
    expression = F(field).desc(nulls_last=True) if key.startswith("-") else F(field).asc(
        nulls_last=True
    )
    return projects.order_by(expression, "pk")


class _CountedPaginator(Paginator):
    """A paginator told its count (the statistics' project count), so it needs no COUNT."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _lamp_filtered_stats(filtered: QuerySet[Project], period: Period, office: OfficeSettings,
                         versions: ScopeVersions | None, include_cancelled: bool) -> Any:
    def make() -> Any:
        return compute(filtered, period, start_rate_basis=office.start_rate_basis,
                       include_cancelled=include_cancelled)

    if versions is None:
        return make()
    parts = [str(period), office.start_rate_basis, *(["cancelled"] if include_cancelled else [])]
    return cached(filtered, "stats-lamps", make, parts,
                  data_version=lamps.with_evaluations(whole_version(versions), period))


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    visible = Project.objects.restrict(request.user, "view")
    office = OfficeSettings.for_division(request.user.division)
    period = period_from_request(request, visible, office)
    # The filter lists and the totals row and tiles come from the cache unless the data
    # changed since they were made (stats/cache.py). The statistics' project count is the
    # filter's, so the paginator needs no COUNT of its own.
    versions = scope_versions(visible, request.user)
    choice_ids = cached(visible, "choices", lambda: choice_ids_of(visible), [],
                        data_version=project_version(visible, versions))
    form = ProjectFilterForm(request.GET or None, visible=visible, choice_ids=choice_ids)
    chosen = form.to_filter()
    threshold = behind_threshold(office)
    filtered = chosen.apply(visible, period.year, period=period, behind_line=threshold,
                            viewer=request.user)
    include_cancelled = Stage.CANCELLED in chosen.stages
    if chosen.lamps:
        # Evaluating or publishing lamps moves no data version (stats/version.py): a list
        # filtered by lamp caches its totals whole, under the scope's versions and the
        # period's evaluations (`lamps.version_of`), and orders in SQL.
        stats = _lamp_filtered_stats(filtered, period, office, versions, include_cancelled)
        versions_of_order = None
    else:
        stats = compute_by_division(filtered, period, user=request.user, versions=versions,
                                    start_rate_basis=office.start_rate_basis,
                                    include_cancelled=include_cancelled)
        versions_of_order = versions
    sort = request.GET.get("sort", "seq")
    rows: Any
    if sort.lstrip("-") in FIGURE_SORTS:
        # Ordering by a figure needs it for every row: merged from per-division pieces
        # cached under their divisions' versions, so a write re-sorts only its division's.
        def figures(projects: QuerySet[Project]) -> QuerySet[Project]:
            return with_share(with_figures(projects.only("pk", "division"), period))

        rows = order_by_division(filtered, period, figures, SORTS[sort.lstrip("-")],
                                 descending=sort.startswith("-"), versions=versions_of_order)
        if rows is None:
            rows = _sorted(figures(filtered), sort).values_list("pk", flat=True)
    elif sort.lstrip("-") == "lamp":
        lit = lamps.annotated(filtered, period, request.user)
        rows = _sorted(lit, sort).values_list("pk", flat=True)
    else:
        rows = _sorted(filtered, sort).values_list("pk", flat=True)
    page = _CountedPaginator(rows, PAGE_SIZE, stats.total.projects).get_page(
        request.GET.get("page"))
    ids = list(page.object_list)
    rows_of_page = with_figures(Project.objects.filter(pk__in=ids), period)
    by_id = lamps.with_reasons(rows_of_page, period, request.user).select_related(
        "owner", "division", "leader", "responsible_unit").in_bulk()
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    for project in page.object_list:
        project.rates = rates_of(project, period, threshold)  # type: ignore[attr-defined]
        project.lamp = lamps.shown(project)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(request, "ledger/project_list.html", {
        "form": form,
        "page": page,
        "stats": stats,
        "period": period,
        "sort": sort,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "behind_points": threshold,
        "has_any": form.is_bound or stats.total.projects > 0 or visible.exists(),
    })


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_for_user(
        Project.objects.select_related("owner", "division", "leader", "responsible_unit"),
        request.user, "view", pk=pk,
    )
    return project_page(request, project)


def project_page(request: HttpRequest, project: Project,
                 bound: dict[str, Any] | None = None) -> HttpResponse:
    """The project page; `bound` holds an office form sent with mistakes (views/office.py),
    shown again with what was typed and its errors beside the fields, in place of the
    blank one."""
    pk = project.pk
    reports = list(
        MonthlyReport.objects.filter(project=project)
        .select_related("submitted_by", "reviewed_by")
        .prefetch_related("photos")
        .order_by("period")
    )
    approved, since_start = since_start_series(project.completed_before, reports)
    cumulative = [str(amount) for amount in since_start]
    chart = {
        "periods": [r.period_label for r in approved],
        "monthly": [str(r.completed) for r in approved],
        "cumulative": cumulative,
        "labels": {
            "monthly": _("Completed in the month (10k yuan)"),
            "cumulative": _("Completed since start (10k yuan)"),
        },
    }
    can = {
        "report": Project.objects.restrict(request.user, "report").filter(pk=pk).exists(),
        "change": Project.objects.restrict(request.user, "change").filter(pk=pk).exists(),
    }
    visible = Project.objects.restrict(request.user, "view")
    # A parent outside the user's scope (another owner's, another county's) stays unnamed.
    parent = visible.filter(pk=project.parent_id).first() if project.parent_id else None
    children = list(visible.filter(parent=project).order_by("pk"))
    rollup = None
    office = OfficeSettings.for_division(request.user.division)
    period = period_from_request(request, visible, office)
    # The lamp shown: the period asked for, else the newest evaluated (as on the homes).
    lamp_period = period if request.GET.get("period") else lamps.shown_period(
        office, request.user)
    lamp_history = lamps.history(project, request.user)
    if children:
        rollup = compute(visible.filter(pk__in=descendant_ids(project)), period)
    office_forms = {}
    if can["change"]:
        # Dates and years default to the month being reported, not the machine's date: in
        # September the office records what happened in August.
        reporting = office.current_reporting_period()
        day = reporting.clamp(timezone.localdate())
        office_forms = {
            "stage_form": StageChangeForm(
                current_stage=project.stage,
                initial={"version": project.version, "effective_date": day},
            ),
            "plan_form": AnnualPlanForm(initial={
                "year": reporting.year,
                "versions": plan_versions(project.plans.all())}),
            "list_form": ListApplicationForm(initial={"year": reporting.year,
                                                      "applied_on": day}),
            "today": day,
            **(bound or {}),
        }
    return render(request, "ledger/project_detail.html", {
        **office_forms,
        "rollup": rollup,
        "project": project,
        "lamp_period": lamp_period,
        "lamp_history": lamp_history[::-1],  # newest first
        "lamp_now": next((lamp for lamp in lamp_history if lamp.period == lamp_period), None),
        "parent": parent,
        "reports": reports,
        "plans": project.plans.order_by("-year"),
        "stage_changes": project.stage_changes.select_related(
            "changed_by__person", "changed_by__division"),
        "memberships": project.memberships.select_related("key_list").order_by(
            "-key_list__year", "key_list__level"
        ),
        "children": children,
        # What apps above the ledger add (core/registry.py `project_facts`).
        "facts": registry.facts_for(request.user, project),
        "approved_status": MembershipStatus.APPROVED,
        "chart": chart,
        "photos": [p for r in reports for p in r.photos.all()],
        "history": AuditEvent.objects.for_object(project).select_related(
            "actor__person", "actor__division")[:20]
        if can["change"] else [],
        "can": can,
    })
