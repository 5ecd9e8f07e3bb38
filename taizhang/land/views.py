"""Land pages: the office's overview of a year (quota, allocated, supplied, remaining,
supply rate; the quota's form), the allocations (key projects first, the waiting ones marked;
a request's form), one allocation (allocate, with the override reason when key projects wait;
supply), the consolidation and idle-land records; an owner's own allocations.

Who sees what is the models' `scope_q`; every write goes through services.py."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Q, Sum, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.choices import Role
from taizhang.accounts.models import Division, OfficeSettings
from taizhang.core.forms import attempt
from taizhang.core.parsing import parse_int
from taizhang.core.periods import Period
from taizhang.core.scoping import get_for_user
from taizhang.land import figures, forms, services
from taizhang.land.choices import ConsolidationKind
from taizhang.land.models import Allocation, ConsolidationRecord, LandQuota, waiting_q
from taizhang.land.rules import is_key, key_projects_q
from taizhang.warnings.views import office_page  # an office placed in a division

PAGE_SIZE = 50


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _year(request: HttpRequest) -> int:
    """?year=, else the year of the office's reporting period."""
    year = parse_int(request.GET.get("year"), minimum=2000, maximum=2099)
    if year is not None:
        return year
    division = getattr(request.user, "division", None)
    if division is not None:
        return OfficeSettings.for_division(division).current_reporting_period().year
    return timezone.localdate().year


def _division(request: HttpRequest) -> Division:
    """The office's division (office_page made sure it has one)."""
    return cast(Division, request.user.division)


def _quota(request: HttpRequest, year: int) -> LandQuota | None:
    return (LandQuota.objects.restrict(request.user, "view")
            .filter(division=_division(request), year=year).first())


@office_page
def overview(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    quota = _quota(request, year)
    initial = {"quota": quota.quota, "note": quota.note, "version": quota.version} if quota \
        else {"version": 0}
    form = forms.QuotaForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(form, lambda: services.set_quota(
            _division(request), year, form.cleaned_data["quota"], actor=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"] if quota else None))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('land:overview')}?year={year}")
    mine = LandQuota.objects.restrict(request.user, "view").filter(division=_division(request))
    totals = figures.totals(Period(year, 12), mine)
    kinds = dict(ConsolidationRecord.objects.restrict(request.user, "view")
                 .filter(date__year=year).values_list("kind").annotate(s=Sum("area")))
    return render(request, "land/overview.html", {
        "year": year, "quota": quota, "form": form, "totals": totals,
        "consolidated": kinds.get(ConsolidationKind.CONSOLIDATION),
        "revitalised": kinds.get(ConsolidationKind.IDLE)})


def allocation_rows(user: Any, quota: LandQuota) -> Any:
    """The quota's allocations the user may see: key projects first, the waiting ones first
    among them, then by the day requested."""
    return (Allocation.objects.restrict(user, "view").filter(quota=quota)
            .select_related("project", "quota")
            .annotate(key=Case(When(key_projects_q(quota, "project__"), then=Value(True)),
                               default=Value(False), output_field=BooleanField()),
                      is_waiting=Case(When(waiting_q(), then=Value(True)), default=Value(False),
                                      output_field=BooleanField()))
            .order_by("-key", "-is_waiting", "requested_on", "id"))


@office_page
def allocations(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    quota = _quota(request, year)
    form = forms.RequestForm(request.POST if request.method == "POST" else None,
                             user=request.user)
    if request.method == "POST" and form.is_valid():
        if quota is None:
            form.add_error(None, _("Set the year's quota first."))
        else:
            done = attempt(form, lambda: services.request_land(
                quota, form.cleaned_data["project"], form.cleaned_data["requested"],
                actor=request.user, on=form.cleaned_data["requested_on"]))
            if done is not None:
                messages.success(request, _("Saved."))
                return redirect("land:allocation", done.pk)
    rows = allocation_rows(request.user, quota) if quota else Allocation.objects.none()
    waiting_key = rows.filter(key=True, is_waiting=True).count() if quota else 0  # type: ignore[misc]
    return render(request, "land/allocations.html", {
        "year": year, "quota": quota, "form": form, "page": _page(request, rows),
        "waiting_key": waiting_key, "query": f"year={year}&"})


@office_page
def allocation(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Allocation.objects.select_related("project", "quota__division"),
                         request.user,
                         pk=pk)
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if data is not None else None
    today = timezone.localdate()
    allocate = forms.AllocateForm(data if action == "allocate" else None,
                                  initial={"version": found.version, "on": today})
    supply = forms.SupplyForm(data if action == "supply" else None,
                              initial={"version": found.version, "on": today})
    if action == "allocate" and allocate.is_valid():
        done = attempt(allocate, lambda: services.allocate(
            found, allocate.cleaned_data["area"], actor=request.user,
            on=allocate.cleaned_data["on"], expected_version=allocate.cleaned_data["version"],
            override_reason=allocate.cleaned_data["override_reason"]))
        if done is not None:
            messages.success(request, _("Land allocated."))
            return redirect("land:allocation", found.pk)
    if action == "supply" and supply.is_valid():
        done = attempt(supply, lambda: services.record_supply(
            found, supply.cleaned_data["area"], actor=request.user,
            on=supply.cleaned_data["on"], expected_version=supply.cleaned_data["version"]))
        if done is not None:
            messages.success(request, _("Supply recorded."))
            return redirect("land:allocation", found.pk)
    found.refresh_from_db()
    return render(request, "land/allocation.html", {
        "allocation": found, "allocate": allocate, "supply": supply,
        "key": is_key(found.project_id, found.quota),
        "waiting_key": services.override_needed(found),
        "remaining": found.quota.quota - services.allocated_total(found.quota)})


@office_page
def consolidations(request: HttpRequest) -> HttpResponse:
    rows = (ConsolidationRecord.objects.restrict(request.user, "view")
            .prefetch_related("projects"))
    return render(request, "land/consolidations.html", {"page": _page(request, rows)})


def _consolidation_form(request: HttpRequest, instance: ConsolidationRecord | None
                        ) -> HttpResponse:
    form = forms.ConsolidationForm(request.POST if request.method == "POST" else None,
                                   user=request.user, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(form, lambda: services.save_consolidation(
            actor=request.user, division=_division(request), kind=data["kind"],
            name=data["name"], location=data["location"], area=data["area"],
            status=data["status"], date=data["date"], projects=data["projects"],
            note=data["note"], instance=instance,
            expected_version=data["version"] if instance is not None else None))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("land:consolidations")
    return render(request, "land/consolidation_form.html", {"form": form, "record": instance})


@office_page
def consolidation_new(request: HttpRequest) -> HttpResponse:
    return _consolidation_form(request, None)


@office_page
def consolidation(request: HttpRequest, pk: int) -> HttpResponse:
    return _consolidation_form(request, get_for_user(
        ConsolidationRecord.objects.all(), request.user, "change", pk=pk))


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """An owner's own projects' allocations, read only."""
    if request.user.role != Role.OWNER:
        raise PermissionDenied
    rows = (Allocation.objects.restrict(request.user, "view")
            .filter(Q(project__owner_id=request.user.organization_id))
            .select_related("project", "quota").order_by("-quota__year", "requested_on", "id"))
    return render(request, "land/mine.html", {"page": _page(request, rows)})
