"""The office's warning pages: the rules of a year, evaluating and publishing a month, its
lamps, and a lamp with its consequences.

The rules and the month's pages are the office's (an office administrator placed in a
division; its own division's evaluations). A lamp's page is for whoever sees the lamp
(`Lamp.scope_q`: outside the office, published lamps of their own projects), anything else
"not found"; only the office records consequences there. Writes go through services.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.models import Division
from taizhang.accounts.scope import acts_for_office
from taizhang.core.forms import attempt
from taizhang.core.periods import Period
from taizhang.core.scoping import get_for_user
from taizhang.ledger.views.reports import _reporting_period  # ?period=, else the office's month
from taizhang.warnings import forms, services
from taizhang.warnings.choices import RANK, LampColor
from taizhang.warnings.models import Consequence, Evaluation, Lamp

PAGE_SIZE = 50
#: Lamps in the order the office reads them: red, yellow, green.
WORST_FIRST = Case(*(When(color=color, then=Value(-rank)) for color, rank in RANK.items()),
                   output_field=IntegerField())


def office_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An office administrator placed in a division (a superuser has no division of its
    own to evaluate: the Django admin is its place)."""
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not acts_for_office(request.user) or request.user.division_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


def _division(request: HttpRequest) -> Division:
    """The office's division (office_page made sure it has one)."""
    division = getattr(request.user, "division", None)
    if division is None:
        raise PermissionDenied
    return division


def _posted(request: HttpRequest) -> Any:
    """The form's data on a POST (a confirmation may send nothing but its token)."""
    return request.POST if request.method == "POST" else None


def _evaluation(request: HttpRequest, period: Period) -> Evaluation | None:
    return Evaluation.objects.filter(division=_division(request), year=period.year,
                                     month=period.month).select_related(
        "evaluated_by", "published_by").first()


def _period_url(name: str, period: Period, **query: str) -> str:
    extra = "".join(f"&{key}={value}" for key, value in query.items() if value)
    return f"{reverse(name)}?period={period}{extra}"


# --- the rules of a year ---------------------------------------------------------------------

@office_page
def rules(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or _reporting_period(request).year)
    except ValueError as exc:
        raise Http404 from exc
    if year not in range(2000, 2100):
        raise Http404
    found = services.rules_of_year(_division(request), year, actor=request.user)
    posted = request.POST.get("rule") if request.method == "POST" else None
    rule_forms = [forms.RuleForm(rule, request.POST if rule.code == posted else None)
                  for rule in found]
    for form in rule_forms:
        def save(f: forms.RuleForm = form) -> Any:
            return services.update_rule(f.rule, params=f.params(),
                                        enabled=f.cleaned_data["enabled"], actor=request.user,
                                        expected_version=f.cleaned_data["version"])
        if form.is_bound and form.is_valid() and attempt(form, save):
            messages.success(request, _("The rule “%(rule)s” of %(year)s is saved; it applies "
                                        "to the evaluations made from now on.")
                             % {"rule": form.rule.title, "year": year})
            return redirect(f"{reverse('warnings:rules')}?year={year}")
    return render(request, "warnings/rules.html", {
        "year": year, "forms": rule_forms, "previous": year - 1, "next": year + 1})


# --- a month: its evaluation and its lamps ---------------------------------------------------

@office_page
def lamps(request: HttpRequest) -> HttpResponse:
    period = _reporting_period(request)
    evaluation = _evaluation(request, period)
    color = request.GET.get("color", "")
    if color and color not in LampColor.values:
        color = ""
    counts: dict[str, int] = {}
    page = None
    if evaluation is not None:
        counts = services.color_counts(evaluation)
        rows = evaluation.lamps.select_related("project").order_by(WORST_FIRST, "project_id")
        if color:
            rows = rows.filter(color=color)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "warnings/lamps.html", {
        "period": period, "previous": period.previous(), "next": period.next(),
        "evaluation": evaluation, "counts": [
            (value, label, counts.get(value, 0),
             _period_url("warnings:lamps", period, color=value))
            for value, label in reversed(LampColor.choices)],
        "color": color, "page": page,
        "query": f"period={period}&color={color}&" if color else f"period={period}&",
        "all_url": _period_url("warnings:lamps", period),
    })


@office_page
def evaluate(request: HttpRequest) -> HttpResponse:
    period = _reporting_period(request)
    evaluation = _evaluation(request, period)
    form = forms.ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid() and attempt(
            form, lambda: services.evaluate_period(_division(request), period,
                                                   actor=request.user)):
        messages.success(request, _("The lamps of %(period)s are evaluated. Check them, then "
                                    "publish them.") % {"period": period})
        return redirect(_period_url("warnings:lamps", period))
    return render(request, "warnings/confirm.html", {
        "form": form, "period": period, "evaluation": evaluation, "action": "evaluate",
        "back": _period_url("warnings:lamps", period)})


@office_page
def publish(request: HttpRequest) -> HttpResponse:
    period = _reporting_period(request)
    evaluation = _evaluation(request, period)
    if evaluation is None:
        raise Http404
    form = forms.ConfirmForm(_posted(request), initial={"version": evaluation.version})
    if request.method == "POST" and form.is_valid() and attempt(
            form, lambda: services.publish_evaluation(
                evaluation, actor=request.user,
                expected_version=form.cleaned_data["version"])):
        messages.success(request, _("The lamps of %(period)s are published.")
                         % {"period": period})
        return redirect(_period_url("warnings:lamps", period))
    return render(request, "warnings/confirm.html", {
        "form": form, "period": period, "evaluation": evaluation, "action": "publish",
        "counts": services.color_counts(evaluation),
        "back": _period_url("warnings:lamps", period)})


# --- a lamp and its consequences ---------------------------------------------------------------

@login_required
def lamp(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Lamp.objects.select_related("project", "evaluation"), request.user,
                         pk=pk)
    may_record = services.may_act(request.user, found.evaluation.division) and (
        found.evaluation.published and found.color != LampColor.GREEN)
    form = forms.ConsequenceForm(_posted(request), initial={
        "date": found.period.next().clamp(timezone.localdate())})
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form.is_valid() and attempt(form, lambda: services.record_consequence(
                found, kind=form.cleaned_data["kind"], date=form.cleaned_data["date"],
                held_by=form.cleaned_data["held_by"], outcome=form.cleaned_data["outcome"],
                actor=request.user)):
            messages.success(request, _("The consequence is recorded."))
            return redirect("warnings:lamp", pk=found.pk)
    return render(request, "warnings/lamp.html", {
        "lamp": found, "form": form if may_record else None,
        "consequences": found.consequences.restrict(request.user).select_related(
            "recorded_by"),
        "history": found.project.lamps.restrict(request.user).order_by("-year", "-month")[:24],
        "may_edit": services.may_act(request.user, found.evaluation.division),
    })


@office_page
def consequence(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Consequence.objects.select_related("lamp__project",
                                                            "lamp__evaluation"),
                         request.user, pk=pk)
    if not services.may_act(request.user, found.lamp.evaluation.division):
        raise Http404
    form = forms.ConsequenceForm(_posted(request), initial={
        "kind": found.kind, "date": found.date, "held_by": found.held_by,
        "outcome": found.outcome, "version": found.version})
    if request.method == "POST" and form.is_valid() and attempt(
            form, lambda: services.update_consequence(
                found, actor=request.user, expected_version=form.cleaned_data["version"],
                **{name: form.cleaned_data[name] for name in services.CONSEQUENCE_FIELDS})):
        messages.success(request, _("The consequence is saved."))
        return redirect("warnings:lamp", pk=found.lamp_id)
    return render(request, "warnings/consequence.html", {"form": form, "consequence": found})
