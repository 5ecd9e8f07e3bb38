"""The procedures' pages: what is due (everyone who works items), a project's checklist and
nodes, an item and a node, the campaigns, the office's catalogue and the responsibility check.

Reads go through `restrict(user, …)` (anything outside the scope is "not found"), writes
through services.py. List pages are bounded: a page of rows, a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.accounts.models import Division
from taizhang.accounts.scope import acts_for_office, acts_for_office_of
from taizhang.core.forms import attempt
from taizhang.core.scoping import get_for_user
from taizhang.figures import responsibility
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import Project
from taizhang.procedures import forms, queries, services
from taizhang.procedures.choices import ItemStatus
from taizhang.procedures.models import (
    CHANGE,
    Campaign,
    Node,
    ProcedureItem,
    ProcedureKind,
    project_part_q,
)
from taizhang.procedures.registrations import works_procedures

# An office administrator placed in a division: the same gate as the warnings' pages.
from taizhang.warnings.views import office_page

PAGE_SIZE = 50
NEAR_DAYS = 5  # "due soon" on the list: within five working days
PIPELINE = (Stage.PLANNING, Stage.PRELIMINARY)


def _division(request: HttpRequest) -> Division:
    """The office's division (office_page made sure it has one)."""
    division = getattr(request.user, "division", None)
    if division is None:
        raise PermissionDenied
    return division


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def worker_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not works_procedures(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _items(user: Any) -> QuerySet[ProcedureItem]:
    return ProcedureItem.objects.restrict(user).select_related("project", "kind", "department")


@worker_page
def due(request: HttpRequest) -> HttpResponse:
    """Overdue and soon-due items and nodes in the user's scope, earliest first."""
    today = timezone.localdate()
    show = request.GET.get("show") if request.GET.get("show") in ("overdue", "soon") else "overdue"
    items = (
        queries.overdue_items(_items(request.user), today)
        if show == "overdue"
        else queries.due_items(_items(request.user), today, NEAR_DAYS)
    )
    visible: QuerySet[Node] = Node.objects.restrict(request.user).select_related("project")
    nodes = (
        queries.overdue_nodes(visible, today)
        if show == "overdue"
        else queries.due_nodes(visible, today, NEAR_DAYS)
    )
    return render(
        request,
        "procedures/due.html",
        {
            "show": show,
            "today": today,
            "near_days": NEAR_DAYS,
            "items": _page(request, items.order_by("deadline", "pk")),
            "nodes": nodes.order_by("planned_date", "pk")[:PAGE_SIZE],
            "office": acts_for_office(request.user),
        },
    )


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's checklist and nodes, for whoever sees the project."""
    found: Project = get_for_user(
        queries.with_land_to_start(Project.objects.all()),  # type: ignore[arg-type]
        request.user,
        pk=pk,
    )
    items = list(_items(request.user).filter(project=found).order_by("kind__order", "kind_id"))
    changeable = set(
        ProcedureItem.objects.restrict(request.user, CHANGE)
        .filter(project=found)
        .values_list("pk", flat=True)
    )
    nodes = list(Node.objects.restrict(request.user).filter(project=found))
    may_nodes = Project.objects.filter(
        project_part_q(request.user, CHANGE, prefix=""), pk=found.pk
    ).exists()
    office = acts_for_office_of(request.user, found.division)
    return render(
        request,
        "procedures/project.html",
        {
            "project": found,
            "items": items,
            "changeable": changeable,
            "nodes": nodes,
            "may_nodes": may_nodes,
            "office": office,
            "today": timezone.localdate(),
            "node_form": forms.NodeForm() if may_nodes else None,
        },
    )


@login_required
@require_POST
def add_node(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Project.objects.all(), request.user, pk=pk)
    form = forms.NodeForm(request.POST)
    if form.is_valid() and attempt(
        form,
        lambda: services.add_node(
            found,
            name=form.cleaned_data["name"],
            planned_date=form.cleaned_data["planned_date"],
            actor=request.user,
        ),
    ):
        messages.success(request, _("The node is added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("procedures:project", pk=found.pk)


@login_required  # before the method check: an anonymous visitor is sent to log in
@require_POST
@office_page
def open_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Project.objects.all(), request.user, CHANGE, pk=pk)
    new = services.open_checklist(found, actor=request.user)
    messages.success(request, _("%(n)s procedure items added.") % {"n": len(new)})
    return redirect("procedures:project", pk=found.pk)


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(
        ProcedureItem.objects.select_related("project__division", "kind"),
        request.user,
        CHANGE,
        pk=pk,
    )
    office = services.is_office(request.user, found)
    form = forms.ItemForm(
        _posted(request),
        office=office,
        user=request.user,
        initial={
            "status": found.status,
            "accepted_on": found.accepted_on,
            "done_on": found.done_on,
            "note": found.note,
            "department": found.department_id,
            "deadline": found.deadline,
            "version": found.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if attempt(
            form,
            lambda: services.update_item(
                found, actor=request.user, expected_version=version, **data
            ),
        ):
            messages.success(request, _("The procedure item is saved."))
            return redirect("procedures:project", pk=found.project_id)
    return render(request, "procedures/item.html", {"item": found, "form": form})


@login_required
def node(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Node.objects.select_related("project"), request.user, CHANGE, pk=pk)
    form = forms.NodeForm(
        _posted(request),
        initial={
            "name": found.name,
            "planned_date": found.planned_date,
            "done_on": found.done_on,
            "version": found.version,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.update_node(
                found,
                name=form.cleaned_data["name"],
                planned_date=form.cleaned_data["planned_date"],
                done_on=form.cleaned_data["done_on"],
                actor=request.user,
                expected_version=form.cleaned_data["version"],
            ),
        )
    ):
        messages.success(request, _("The node is saved."))
        return redirect("procedures:project", pk=found.project_id)
    return render(request, "procedures/node.html", {"node": found, "form": form})


@worker_page
def campaigns(request: HttpRequest) -> HttpResponse:
    office = acts_for_office(request.user) and request.user.division_id is not None
    form = forms.CampaignForm(_posted(request))
    if request.method == "POST":
        if not office:
            raise PermissionDenied
        if form.is_valid():
            made = attempt(
                form,
                lambda: services.create_campaign(
                    _division(request), actor=request.user, **form.cleaned_data
                ),
            )
            if made:
                return redirect("procedures:campaign", pk=made.pk)
    return render(
        request,
        "procedures/campaigns.html",
        {
            "campaigns": Campaign.objects.restrict(request.user)[:PAGE_SIZE],
            "form": form if office else None,
        },
    )


@worker_page
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Campaign.objects.select_related("division"), request.user, pk=pk)
    office = services.may_run(request.user, found)
    kinds = {k.pk: k for k in ProcedureKind.objects.all()}
    by_kind = [
        {**row, "kind": kinds.get(row["kind"])} for row in queries.progress_by(found, "kind")
    ]
    page = _page(request, queries.progress_by(found, "project"))
    names = dict(
        Project.objects.filter(pk__in=[row["project"] for row in page]).values_list("pk", "name")
    )
    for row in page:
        row["name"] = names.get(row["project"], "")
    return render(
        request,
        "procedures/campaign.html",
        {
            "campaign": found,
            "progress": queries.campaign_progress(found),
            "by_kind": by_kind,
            "page": page,
            "office": office,
            "kinds": services.kinds_for(found.division) if office else [],
        },
    )


@login_required  # before the method check: an anonymous visitor is sent to log in
@require_POST
@office_page
def campaign_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a kind's open items of the division's pipeline projects as targets."""
    found = get_for_user(Campaign.objects.select_related("division"), request.user, CHANGE, pk=pk)
    kind = services.kinds_for(found.division).filter(pk=request.POST.get("kind") or 0).first()
    if kind is None:
        messages.error(request, _("Choose a procedure."))
        return redirect("procedures:campaign", pk=found.pk)
    items = ProcedureItem.objects.filter(
        found.division.subtree_q("project__division__"), kind=kind, project__stage__in=PIPELINE
    ).exclude(status=ItemStatus.NOT_NEEDED)
    added = services.add_targets(found, items, actor=request.user)
    messages.success(request, _("%(n)s target items added.") % {"n": added})
    return redirect("procedures:campaign", pk=found.pk)


@office_page
def kinds(request: HttpRequest) -> HttpResponse:
    form = forms.KindForm(_posted(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.add_kind(
                _division(request),
                name=form.cleaned_data["name"],
                time_limit_days=form.cleaned_data["time_limit_days"],
                actor=request.user,
            ),
        )
    ):
        messages.success(request, _("The procedure is added to the checklist."))
        return redirect("procedures:kinds")
    return render(
        request,
        "procedures/kinds.html",
        {"kinds": services.kinds_for(_division(request)), "form": form},
    )


@office_page
def responsibility_check(request: HttpRequest) -> HttpResponse:
    """有人管、有方案、有时限: the office's projects lacking a person, a plan or a deadline."""
    year = timezone.localdate().year
    asked = request.GET.get("lacks") or ""
    lack = asked if asked in (*responsibility.LACKS, "any") else "any"
    projects = Project.objects.restrict(request.user)
    rows = (
        responsibility.lacking(projects, year, lack)
        .select_related("leader", "responsible_unit")
        .order_by("pk")
    )
    return render(
        request,
        "procedures/responsibility.html",
        {
            "year": year,
            "lack": lack,
            "counts": responsibility.counts(projects, year),
            "page": _page(request, rows),
        },
    )
