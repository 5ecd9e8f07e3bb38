"""The policies' pages. The office: its catalogue (paginated, with each policy's pushes
counted in SQL), a policy's form with its eligibility, the enterprises that qualify for it
now and what became of its pushes (mark granted), the batch run as a background job. An
owner: the policies pushed to its firm with the reasons (the home page's panel and
/policies/mine/), reading one sets it read, "mark applied". Who sees what is the models'
`scope_q`; every write goes through services.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from taizhang.accounts.choices import Role
from taizhang.accounts.models import Division, Organization
from taizhang.core.forms import attempt
from taizhang.core.scoping import get_for_user
from taizhang.policies import matching, services
from taizhang.policies.forms import ImportForm, PolicyForm, ProfileForm, initial_of, profile_initial
from taizhang.policies.importing import import_catalogue
from taizhang.policies.models import EnterpriseProfile, MatchRun, Policy, Push
from taizhang.warnings.views import office_page  # an office placed in a division

PAGE_SIZE = 50
PANEL_ROWS = 5


def office_division(request: HttpRequest) -> Division:
    """The office's division (office_page made sure it has one)."""
    division = getattr(request.user, "division", None)
    if division is None:
        raise PermissionDenied
    return division  # type: ignore[no-any-return]


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _with_reasons(pushes: Any) -> list[tuple[Push, list[str]]]:
    return [(push, matching.describe(push.reasons)) for push in pushes]


# --- the office --------------------------------------------------------------------------------

@office_page
def catalogue(request: HttpRequest) -> HttpResponse:
    policies = (Policy.objects.restrict(request.user).annotate(
        pushed=Count("pushes"), applied=Count("pushes", filter=Q(pushes__applied_at__isnull=False)),
        granted=Count("pushes", filter=Q(pushes__granted_at__isnull=False)))
        .order_by("-id"))
    last_run = MatchRun.objects.restrict(request.user).first()
    return render(request, "policies/catalogue.html",
                  {"page": _page(request, policies), "last_run": last_run})


@office_page
def policy_new(request: HttpRequest) -> HttpResponse:
    division = office_division(request)
    form = PolicyForm(request.POST or None, division=division, initial={"version": 0})
    if request.method == "POST" and form.is_valid():
        saved = attempt(form, lambda: services.save_policy(
            division, actor=request.user, expected_version=form.cleaned_data["version"],
            townships=form.cleaned_data["townships"], **form.values()))
        if saved is not None:
            messages.success(request, _("The policy was added to the catalogue."))
            return redirect(saved)
    return render(request, "policies/policy_form.html", {"form": form, "policy": None})


@office_page
def policy(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Policy.objects.prefetch_related("townships"), request.user, pk=pk)
    form = PolicyForm(request.POST or None, division=found.division,
                      initial=initial_of(found))
    if request.method == "POST" and form.is_valid():
        saved = attempt(form, lambda: services.save_policy(
            found.division, actor=request.user, policy=found,
            expected_version=form.cleaned_data["version"],
            townships=form.cleaned_data["townships"], **form.values()))
        if saved is not None:
            messages.success(request, _("The policy was saved."))
            return redirect(saved)
    return render(request, "policies/policy_form.html", {"form": form, "policy": found})


@office_page
def policy_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """The enterprises of the office's division that qualify for the policy now (the engine,
    with the reasons), and its pushes with their state."""
    found = get_for_user(Policy.objects.prefetch_related("townships"), request.user, pk=pk)
    division = office_division(request)
    index = matching.Index(matching.criteria_of([found]))
    qualifying = [(facts.enterprise_id, reasons) for _c, facts, reasons
                  in index.matches(matching.enterprise_facts(division))]
    names = dict(Organization.objects.filter(pk__in=[e for e, _r in qualifying])
                 .values_list("pk", "name"))
    pushes = {push.enterprise_id: push for push in
              Push.objects.restrict(request.user).filter(policy=found)}
    names_of_townships = services.township_names(division)
    rows = [(names.get(enterprise, ""), enterprise, pushes.get(enterprise),
             matching.describe(services.named_reasons(reasons, names_of_townships)))
            for enterprise, reasons in qualifying]
    rows.sort(key=lambda row: row[0])
    pushed_only = (Push.objects.restrict(request.user).filter(policy=found)
                   .exclude(enterprise_id__in=[e for e, _r in qualifying])
                   .select_related("enterprise"))
    return render(request, "policies/matches.html", {
        "policy": found, "page": _page(request, rows), "pushed_only": _with_reasons(pushed_only)})


@office_page
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise's size and tags, for the office of a division where it is placed or
    owns a project (another's: not found)."""
    division = office_division(request)
    enterprise = (Organization.objects.filter(pk=pk).filter(
        division.subtree_q("division__") | division.subtree_q("projects__division__"))
        .distinct().first())
    if enterprise is None:
        raise Http404
    current = EnterpriseProfile.objects.filter(organization=enterprise).first()
    form = ProfileForm(request.POST or None, initial=profile_initial(current))
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not (target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure())):
        target = ""
    if request.method == "POST" and form.is_valid():
        saved = attempt(form, lambda: services.save_profile(
            enterprise, actor=request.user, expected_version=form.cleaned_data["version"],
            size=form.cleaned_data["size"], tags=form.cleaned_data["tags"]))
        if saved is not None:
            messages.success(request, _("The enterprise's size and tags were saved."))
            return redirect(target or request.path)
    return render(request, "policies/profile.html",
                  {"form": form, "enterprise": enterprise, "next": target})


@office_page
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    job = services.start_matching(actor=request.user)
    messages.success(request, _("Matching started; the pushes appear when it has finished."))
    return redirect("jobs:detail", job_id=job.pk)


@office_page
@require_POST
def granted(request: HttpRequest, pk: int) -> HttpResponse:
    push = get_for_user(Push.objects.select_related("policy"), request.user, pk=pk)
    try:
        services.mark_granted(push, actor=request.user)
        messages.success(request, _("Recorded as granted."))
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("policies:matches", pk=push.policy_id)


# --- the owner ---------------------------------------------------------------------------------

def _owner(request: HttpRequest) -> Any:
    user = request.user
    if user.role != Role.OWNER or not user.organization_id:  # type: ignore[union-attr]
        raise PermissionDenied
    return user


def _own_pushes(user: Any) -> Any:
    return Push.objects.restrict(user).select_related("policy").order_by("-pushed_at", "-id")


def owner_panel(user: Any) -> dict[str, Any]:
    """The home page's panel: the newest pushes with their reasons, and how many are unread
    (a subquery of the same statement: the panel costs the home one query)."""
    unread = (Push.objects.restrict(user).filter(read_at__isnull=True).order_by()
              .values("enterprise").annotate(n=Count("id")).values("n"))
    rows = list(_own_pushes(user).annotate(unread=Subquery(unread))[:PANEL_ROWS])
    return {"rows": _with_reasons(rows), "unread": rows[0].unread or 0 if rows else 0}


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = _owner(request)
    page = _page(request, _own_pushes(user))
    return render(request, "policies/mine.html",
                  {"page": page, "rows": _with_reasons(page.object_list)})


@login_required
def mine_push(request: HttpRequest, pk: int) -> HttpResponse:
    user = _owner(request)
    push = get_for_user(_own_pushes(user), user, pk=pk)
    services.mark_read(push, user=user)
    return render(request, "policies/push.html",
                  {"push": push, "reasons": matching.describe(push.reasons)})


@login_required
@require_POST
def mine_applied(request: HttpRequest, pk: int) -> HttpResponse:
    user = _owner(request)
    push = get_for_user(_own_pushes(user), user, pk=pk)
    try:
        services.mark_applied(push, actor=user)
        messages.success(request, _("Marked as applied."))
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("policies:push", pk=push.pk)


@office_page
def import_sheet(request: HttpRequest) -> HttpResponse:
    """Upload a catalogue sheet: every row checked, then all or nothing (importing.py)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_catalogue(upload, upload.name, actor=request.user,
                                  division=office_division(request))
        if result.applied:
            messages.success(request, ngettext(
                "%(n)d policy imported.", "%(n)d policies imported.", result.created)
                % {"n": result.created})
            return redirect("policies:catalogue")
    return render(request, "policies/import.html", {"form": form, "result": result})
