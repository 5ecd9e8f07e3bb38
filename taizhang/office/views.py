"""The office's own pages: settings, accounts, organizations, people, key lists.

Every page is for an office administrator placed in a division (or a superuser); objects
outside the office's reach are "not found". Writes go through office/services.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from taizhang.accounts.choices import OrganizationKind, Role
from taizhang.accounts.models import User
from taizhang.accounts.scope import acts_for_office
from taizhang.accounts.security import second_factor
from taizhang.core.forms import attempt
from taizhang.core.services import ServiceError
from taizhang.ledger.models import KeyList
from taizhang.ledger.services.keylists import create_list
from taizhang.office import forms, services

PAGE_SIZE = 50


def office_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not acts_for_office(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


def _page(request: HttpRequest, rows: QuerySet[Any]) -> dict[str, Any]:
    """The page of rows asked for, and the filters to keep in the pager's links."""
    keep = request.GET.copy()
    keep.pop("page", None)
    query = keep.urlencode()
    return {"page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": f"{query}&" if query else ""}


def _search(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:64]


# --- settings --------------------------------------------------------------------------------

@office_page
def settings_view(request: HttpRequest) -> HttpResponse:
    if request.user.division_id is None:  # a superuser: every division's, in the Django admin
        return render(request, "office/settings.html", {"superuser": True})
    current = services.settings_of(request.user)
    initial = {"reporting_period": str(current.current_reporting_period()),
               "report_deadline_day": current.report_deadline_day,
               "behind_points": current.behind_points, "version": current.version}
    form = forms.SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(form, lambda: services.update_settings(
                request.user, reporting_period=data["reporting_period"],
                report_deadline_day=data["report_deadline_day"],
                behind_points=data["behind_points"], expected_version=data["version"])):
            messages.success(request, _("The settings are saved."))
            return redirect("office:settings")
    period = current.current_reporting_period()
    return render(request, "office/settings.html", {
        "form": form, "settings": current, "period": period,
        "deadline": current.report_due_date(period), "next_period": period.next(),
        "inherited": current.pk is None,
    })


@office_page
def open_month(request: HttpRequest) -> HttpResponse:
    current = services.settings_of(request.user)
    period = current.current_reporting_period()
    form = forms.ConfirmForm(request.POST or None, initial={"version": current.version})
    if request.method == "POST" and form.is_valid():
        opened = attempt(form, lambda: services.open_next_month(
            request.user, expected_version=form.cleaned_data["version"]))
        if opened:
            messages.success(request, _("%(period)s is open for reporting.")
                             % {"period": opened.reporting_period})
            return redirect("office:settings")
    return render(request, "office/open_month.html", {
        "form": form, "period": period, "next_period": period.next(),
        "deadline": current.report_due_date(period.next()),
    })


# --- accounts --------------------------------------------------------------------------------

@office_page
def users(request: HttpRequest) -> HttpResponse:
    rows = services.manageable_users(request.user).select_related(
        "organization", "division", "person").order_by("username")
    q, role = _search(request), request.GET.get("role", "")
    if q:
        rows = rows.filter(Q(username__icontains=q) | Q(last_name__icontains=q)
                           | Q(first_name__icontains=q) | Q(organization__name__icontains=q))
    if role in Role.values:
        rows = rows.filter(role=role)
    if request.GET.get("inactive") != "1":
        rows = rows.filter(is_active=True)
    return render(request, "office/users.html", {
        **_page(request, rows), "q": q, "role": role, "roles": Role.choices,
        "inactive": request.GET.get("inactive") == "1",
    })


def _user_values(form: forms.UserForm) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in services.USER_FIELDS}


@never_cache  # the answer shows the one-time password
@office_page
def user_new(request: HttpRequest) -> HttpResponse:
    form = forms.UserForm(request.POST or None, actor=request.user,
                          initial={"division": request.user.division_id, "role": Role.OWNER})
    if request.method == "POST" and form.is_valid():
        created = attempt(form, lambda: services.create_user(request.user,
                                                              **_user_values(form)))
        if created:
            user, password = created
            return _created(request, user, password)
    return render(request, "office/user_form.html", {"form": form, "creating": True})


def _created(request: HttpRequest, user: User, password: str) -> HttpResponse:
    context: dict[str, Any] = {"account": user, "password": password,
                               "code_form": forms.CodeForm()}
    if user.role == Role.OFFICE_ADMIN and not user.totp_confirmed:
        uri = second_factor.provisioning_uri(user)
        secret = user.totp_secret
        context.update(uri=uri, qr_code=second_factor.qr_code_data_uri(uri),
                       secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))
    return render(request, "office/user_created.html", context)


@never_cache
@office_page
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(services.manageable_users(request.user).select_related(
        "organization", "division", "person"), pk=pk)
    initial = {name: getattr(user, name) for name in services.USER_FIELDS}
    initial["version"] = user.version
    action = request.POST.get("action", "save")
    form = forms.UserForm(request.POST if action == "save" and request.method == "POST"
                          else None, actor=request.user, initial=initial)
    if request.method == "POST" and action in ("deactivate", "activate"):
        state = forms.ConfirmForm(request.POST)
        version = state.cleaned_data["version"] if state.is_valid() else None
        try:
            services.set_active(request.user, user, action == "activate",
                                expected_version=version)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(name)s is deactivated: the account can no longer "
                                        "log in.") % {"name": user.username}
                             if action == "deactivate" else
                             _("%(name)s is active again.") % {"name": user.username})
        return redirect("office:user-edit", pk=user.pk)
    if request.method == "POST" and action == "reset_password":
        try:
            password = services.reset_password(request.user, user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("office:user-edit", pk=user.pk)
        return render(request, "office/user_created.html",
                      {"account": user, "password": password, "reset": True})
    if request.method == "POST" and action == "save" and form.is_valid():
        if attempt(form, lambda: services.update_user(
                request.user, user, expected_version=form.cleaned_data["version"],
                **_user_values(form))):
            messages.success(request, _("%(name)s is saved.") % {"name": user.username})
            return redirect("office:users")
    return render(request, "office/user_form.html", {
        "form": form, "account": user, "own": user.pk == request.user.pk})


@never_cache
@office_page
def user_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    """The new office administrator confirms the app with its first code."""
    user = get_object_or_404(services.manageable_users(request.user), pk=pk)
    if request.method != "POST":
        return redirect("office:user-edit", pk=user.pk)
    form = forms.CodeForm(request.POST)
    if form.is_valid() and services.confirm_second_factor(request.user, user,
                                                          form.cleaned_data["code"]):
        messages.success(request, _("The second factor of %(name)s is on.")
                         % {"name": user.username})
    else:
        messages.error(request, _("The code is not correct. %(name)s can set up the second "
                                  "factor later, on the second-factor page after logging in.")
                       % {"name": user.username})
    return redirect("office:users")


# --- organizations and people ----------------------------------------------------------------

@office_page
def organizations(request: HttpRequest) -> HttpResponse:
    rows = services.manageable_organizations(request.user).select_related(
        "division").order_by("kind", "name")
    q, kind = _search(request), request.GET.get("kind", "")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(credit_code__icontains=q))
    if kind in OrganizationKind.values:
        rows = rows.filter(kind=kind)
    return render(request, "office/organizations.html", {
        **_page(request, rows), "q": q, "kind": kind, "kinds": forms.KIND_CHOICES})


@office_page
def organization_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    organization = None
    initial: dict[str, Any] = {"division": request.user.division_id, "version": 0}
    if pk is not None:
        organization = get_object_or_404(services.manageable_organizations(request.user),
                                         pk=pk)
        initial = {"kind": organization.kind, "name": organization.name,
                   "credit_code": organization.credit_code or "",
                   "division": organization.division_id, "version": organization.version}
    form = forms.OrganizationForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(form, lambda: services.save_organization(
            request.user, organization, kind=data["kind"], name=data["name"],
            credit_code=data["credit_code"], division=data["division"],
            expected_version=data["version"]))
        if saved:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
            return redirect("office:organizations")
    return render(request, "office/organization_form.html",
                  {"form": form, "organization": organization})


@office_page
def people(request: HttpRequest) -> HttpResponse:
    rows = services.manageable_people(request.user).select_related(
        "organization").order_by("name", "pk")
    q = _search(request)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(title__icontains=q)
                           | Q(organization__name__icontains=q))
    return render(request, "office/people.html", {**_page(request, rows), "q": q})


@office_page
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    person = None
    initial: dict[str, Any] = {"version": 0}
    if pk is not None:
        person = get_object_or_404(services.manageable_people(request.user), pk=pk)
        initial = {"name": person.name, "title": person.title,
                   "organization": person.organization_id, "phone": person.phone,
                   "version": person.version}
    form = forms.PersonForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(form, lambda: services.save_person(
            request.user, person, name=data["name"], title=data["title"],
            organization=data["organization"], phone=data["phone"],
            expected_version=data["version"]))
        if saved:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
            return redirect("office:people")
    return render(request, "office/person_form.html", {"form": form, "person": person})


# --- key lists -------------------------------------------------------------------------------

@office_page
def key_lists(request: HttpRequest) -> HttpResponse:
    period = services.settings_of(request.user).current_reporting_period() \
        if request.user.division_id else None
    form = forms.KeyListForm(request.POST or None,
                             initial={"year": period.year if period else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = attempt(form, lambda: create_list(
            data["level"], data["kind"], data["year"], actor=request.user, name=data["name"]))
        if created:
            messages.success(request, _("%(name)s is created.") % {"name": str(created)})
            return redirect("office:key-lists")
    rows = KeyList.objects.order_by("-year", "level", "kind")
    return render(request, "office/key_lists.html", {"form": form, **_page(request, rows)})
