"""Financing pages: the office's needs (by status), events with their intentions and the
figures per bank and per event; a bank's published needs and its "record an intention" form;
an owner's needs. Who sees what is the models' `scope_q`; every write goes through
services.py."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.accounts.choices import Role
from taizhang.accounts.models import OfficeSettings
from taizhang.accounts.scope import acts_for_office
from taizhang.core.forms import attempt
from taizhang.core.money_sql import MoneySum
from taizhang.core.parsing import parse_int
from taizhang.core.periods import Period, PeriodError
from taizhang.core.scoping import get_for_user
from taizhang.financing import figures, forms, services
from taizhang.financing.choices import NeedStatus
from taizhang.financing.homes import intentions_for, loans_for, needs_for
from taizhang.financing.models import CHANGE, VIEW, FinancingNeed, Loan, LoanIntention
from taizhang.financing.models import MatchmakingEvent as Event
from taizhang.ledger.models import Project

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def _only(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        return wrapped
    return decorate


def _placed_office(user: Any) -> bool:
    return acts_for_office(user) and user.division_id is not None


def _with_org(role: str) -> Callable[[Any], bool]:
    return lambda user: (user.role == role and user.organization_id is not None
                         and user.division_id is not None)


office_page = _only(_placed_office)
bank_page = _only(_with_org(Role.BANK))
owner_page = _only(_with_org(Role.OWNER))
drafter_page = _only(lambda u: _placed_office(u) or _with_org(Role.OWNER)(u))
figures_page = _only(lambda u: _placed_office(u) or (
    u.role in (Role.LEADER, Role.VIEWER) and u.division_id is not None))
reader_page = _only(lambda u: u.division_id is not None or u.is_superuser)


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _drafter_projects(user: Any) -> Any:
    """The projects a user may draft a need for: the office's division's, an owner's own."""
    if acts_for_office(user):
        return Project.objects.restrict(user, "change")
    return Project.objects.restrict(user, "report")


# --- needs ---------------------------------------------------------------------------------

@office_page
def needs(request: HttpRequest) -> HttpResponse:
    flt = forms.NeedFilter(request.GET or None)
    rows = needs_for(request.user).annotate(
        n_intentions=Count("intentions"), intended=MoneySum("intentions__amount")).order_by("-id")
    status = flt.cleaned_data["status"] if flt.is_valid() else ""
    if status:
        rows = rows.filter(status=status)
    return render(request, "financing/needs.html", {
        "filter": flt, "page": _page(request, rows),
        "query": f"status={status}&" if status else ""})


@drafter_page
def need_new(request: HttpRequest) -> HttpResponse:
    form = forms.NewNeedForm(request.POST or None, projects=_drafter_projects(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        need = attempt(form, lambda: services.create_need(
            data["project"], actor=request.user, amount=data["amount"], purpose=data["purpose"],
            term_months=data["term_months"], deadline=data["deadline"]))
        if need is not None:
            messages.success(request, _("Saved."))
            return redirect("financing:need", need.pk)
    return render(request, "financing/need_form.html", {"form": form})


@reader_page
def need(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    found = get_for_user(FinancingNeed.objects.select_related("project", "project__owner"),
                         user, pk=pk)
    editable = FinancingNeed.objects.restrict(user, CHANGE).filter(pk=pk).exists() and (
        found.status != NeedStatus.CLOSED)
    form = None
    if editable:
        initial = {name: getattr(found, name) for name in services.NEED_FIELDS}
        form = forms.NeedForm(request.POST or None, initial={**initial,
                                                             "version": found.version})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = attempt(form, lambda: services.update_need(
                found, actor=user, expected_version=data["version"],
                **{name: data[name] for name in services.NEED_FIELDS}))
            if done is not None:
                messages.success(request, _("Saved."))
                return redirect("financing:need", found.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "financing/need.html", {
        "need": found, "form": form, "office": acts_for_office(user),
        "bank": user.role == Role.BANK,
        "intentions": intentions_for(user).filter(need=found)})


def _need_step(step: Callable[..., Any]) -> View:
    @office_page
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        found = get_for_user(FinancingNeed.objects.all(), request.user, CHANGE, pk=pk)
        try:
            step(found, actor=request.user,
                 expected_version=parse_int(request.POST.get("version"), minimum=0))
        except services.ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved."))
        return redirect("financing:need", found.pk)
    return view


need_publish = _need_step(services.publish_need)
need_close = _need_step(services.close_need)


@bank_page
def need_intention(request: HttpRequest, pk: int) -> HttpResponse:
    """A bank records its intention against a need published to it."""
    found = get_for_user(FinancingNeed.objects.select_related("project"), request.user, pk=pk)
    form = forms.IntentionForm(request.POST or None,
                               initial={"date": timezone.localdate(), "amount": found.amount})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(form, lambda: services.record_intention(
            actor=request.user, need=found, amount=data["amount"], date=data["date"],
            note=data["note"]))
        if done is not None:
            messages.success(request, _("Your intention was recorded."))
            return redirect("financing:bank")
    return render(request, "financing/intention_form.html", {"need": found, "form": form})


# --- events --------------------------------------------------------------------------------

@office_page
def events(request: HttpRequest) -> HttpResponse:
    rows = Event.objects.restrict(request.user, VIEW).annotate(
        n_intentions=Count("intentions"), intended=MoneySum("intentions__amount")
    ).order_by("-date", "-id")
    return render(request, "financing/events.html", {"page": _page(request, rows)})


@office_page
def event_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = forms.EventForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = attempt(form, lambda: services.record_event(
            user.division, actor=user, date=data["date"], title=data["title"],
            place=data["place"], banks=data["banks"], firms=data["firms"]))
        if found is not None:
            messages.success(request, _("Saved."))
            return redirect("financing:event", found.pk)
    return render(request, "financing/event_form.html", {"form": form})


@office_page
def event(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    found = get_for_user(Event.objects.all(), user, pk=pk)
    form = forms.EventIntentionForm(request.POST or None, user=user,
                                    projects=_drafter_projects(user),
                                    initial={"date": found.date})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(form, lambda: services.record_intention(
            actor=user, event=found, bank=data["bank"], enterprise=data["enterprise"],
            project=data["project"], amount=data["amount"], date=data["date"],
            note=data["note"]))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("financing:event", found.pk)
    rows = intentions_for(user).filter(event=found).select_related("loan")
    return render(request, "financing/event.html", {
        "event": found, "form": form, "page": _page(request, rows),
        "banks": found.banks.order_by("name"), "firms": found.firms.count()})


# --- intentions, loans ---------------------------------------------------------------------

@office_page
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The office records the loan signed on an intention."""
    found = get_for_user(LoanIntention.objects.select_related("bank", "enterprise", "project"),
                         request.user, pk=pk)
    form = forms.LoanForm(request.POST or None, initial={"amount": found.amount})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        loan = attempt(form, lambda: services.sign_loan(
            actor=request.user, intention=found, amount=data["amount"],
            signed_on=data["signed_on"], term_months=data["term_months"]))
        if loan is not None:
            messages.success(request, _("Saved."))
            return redirect("financing:loan", loan.pk)
    return render(request, "financing/sign.html", {"intention": found, "form": form})


@reader_page
def loan(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    found = get_for_user(Loan.objects.select_related("bank", "enterprise", "project"), user, pk=pk)
    form = forms.DisbursementForm(request.POST or None) if _placed_office(user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            done = attempt(form, lambda: services.record_disbursement(
                found, actor=user, date=data["date"], amount=data["amount"]))
            if done is not None:
                messages.success(request, _("Saved."))
                return redirect("financing:loan", found.pk)
    return render(request, "financing/loan.html", {
        "loan": found, "form": form, "disbursements": found.disbursements.all()})


# --- the figures, a bank's and an owner's pages -------------------------------------------

@figures_page
def figures_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    try:
        period = Period.parse(request.GET.get("period", ""))
    except PeriodError:  # none or junk: the office's month
        period = (OfficeSettings.for_division(user.division).current_reporting_period()
                  if user.division is not None else Period.of(timezone.localdate()))
    intentions = LoanIntention.objects.restrict(user, VIEW)
    loans = Loan.objects.restrict(user, VIEW)
    return render(request, "financing/figures.html", {
        "period": period,
        "section": figures.section(period, FinancingNeed.objects.restrict(user, VIEW),
                                   intentions, loans),
        "by_bank": figures.per_bank(intentions, loans),
        "by_event": figures.per_event(intentions)})


@bank_page
def bank(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(request, "financing/bank.html", {
        "page": _page(request, needs_for(user).order_by("-published_at", "-id")),
        "intentions": intentions_for(user)[:PAGE_SIZE], "loans": loans_for(user)[:PAGE_SIZE]})


@owner_page
def mine(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(request, "financing/mine.html", {
        "page": _page(request, needs_for(user)),
        "intentions": intentions_for(user)[:PAGE_SIZE], "loans": loans_for(user)[:PAGE_SIZE]})
