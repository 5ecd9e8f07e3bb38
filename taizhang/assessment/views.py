"""The assessment's pages, for an office administrator placed in a division.

The ranking of a month and level (units or townships) with each subject's breakdown, the
scheme of a year, the deductions, publishing and the published results. Writes go through
assessment/services.py; reads are scoped to the office's division.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.accounts.models import OfficeSettings
from taizhang.accounts.scope import acts_for_office
from taizhang.assessment import forms, services
from taizhang.assessment.choices import Level
from taizhang.assessment.indicators import figure_label
from taizhang.assessment.models import Deduction, Result
from taizhang.assessment.results import ranking_for
from taizhang.assessment.schemes import scheme_spec
from taizhang.core.periods import Period, PeriodError
from taizhang.core.services import ServiceError

PAGE_SIZE = 50


def office_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not acts_for_office(request.user) or request.user.division_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


def _default_period(request: HttpRequest) -> Period:
    """The month before the one owners are reporting: the last month whose reports are in."""
    return OfficeSettings.for_division(request.user.division).current_reporting_period().previous()


def _period(request: HttpRequest, source: Any) -> Period:
    try:
        return Period.parse(source.get("period", ""))
    except PeriodError:
        return _default_period(request)


def _level(source: Any) -> str:
    level = source.get("level", Level.UNIT)
    return level if level in Level.values else Level.UNIT


def _ranking_url(period: Period, level: str) -> str:
    return f"{reverse('assessment:ranking')}?{urlencode({'period': str(period), 'level': level})}"


@office_page
def ranking(request: HttpRequest) -> HttpResponse:
    period, level = _period(request, request.GET), _level(request.GET)
    found = ranking_for(services.office_division(request.user), period, level)
    rows = [(row, [(score, [(figure_label(k), v) for k, v in score.figures.items()])
                   for score in row.indicators]) for row in found.rows]
    return render(request, "assessment/ranking.html", {
        "ranking": found, "rows": rows, "period": period, "level": level,
        "levels": Level.choices, "previous": period.previous(), "next": period.next(),
    })


@office_page
def publish(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    period, level = _period(request, source), _level(source)
    form = forms.ConfirmForm(request.POST or None,
                             initial={"period": str(period), "level": level})
    if request.method == "POST" and form.is_valid():
        try:
            services.publish(request.user, month=form.cleaned_data["period"],
                             level=form.cleaned_data["level"])
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The ranking of %(month)s is published.")
                             % {"month": period})
            return redirect(_ranking_url(period, level))
    return render(request, "assessment/publish.html", {
        "form": form, "period": period, "level": level,
        "level_label": Level(level).label, "back": _ranking_url(period, level)})


@office_page
def results(request: HttpRequest) -> HttpResponse:
    rows = (Result.objects.restrict(request.user).filter(division=request.user.division)
            .select_related("published_by").order_by("-month", "level"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/results.html", {
        "page": page, "query": "", "year": _default_period(request).year})


@office_page
def scheme(request: HttpRequest, year: int) -> HttpResponse:
    if not 2000 <= year <= 2099:
        raise Http404
    spec = scheme_spec(services.office_division(request.user), year)
    form = forms.SchemeForm(spec, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_scheme(
                request.user, year, name=data["name"], reward_count=data["reward_count"],
                summon_count=data["summon_count"], indicators=form.indicator_values(),
                expected_version=data["version"])
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("The scheme of %(year)s is saved; rankings computed "
                                        "from now on use it.") % {"year": year})
            return redirect("assessment:scheme", year=year)
    return render(request, "assessment/scheme.html", {
        "form": form, "year": year, "saved": spec.version > 0,
        "previous": year - 1, "next": year + 1})


@office_page
def deductions(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = forms.DeductionForm(services.unit_choices(user), services.township_choices(user),
                               request.POST or None,
                               initial={"month": str(_default_period(request))})
    if request.method == "POST" and form.is_valid():
        level, pk = form.subject_parts()
        data = form.cleaned_data
        try:
            services.add_deduction(user, month=data["month"], level=level, subject_id=pk,
                                   kind=data["kind"], points=data["points"],
                                   reason=data["reason"])
        except ServiceError as exc:
            name = {"level": "subject"}.get(exc.field or "", exc.field)
            form.add_error(name if name in form.fields else None, str(exc))
        else:
            messages.success(request, _("The deduction is entered."))
            return redirect("assessment:deductions")
    rows = (Deduction.objects.restrict(user).filter(division=user.division)
            .select_related("unit", "township", "created_by").order_by("-month", "-id"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/deductions.html", {
        "form": form, "page": page, "query": "", "year": _default_period(request).year})


@office_page
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.withdraw_deduction(request.user, pk)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The deduction is withdrawn."))
    return redirect("assessment:deductions")
