"""The office's edits on the project page: stage changes and annual plans."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.core.scoping import get_for_user
from taizhang.core.services import ServiceError
from taizhang.ledger.forms import (
    AnnualPlanForm,
    ListApplicationForm,
    ListDecisionForm,
    StageChangeForm,
)
from taizhang.ledger.models import KeyListMembership, Project
from taizhang.ledger.models.keylists import parse_list_code
from taizhang.ledger.services.keylists import (
    apply_for_list,
    decide_membership,
    get_or_create_list,
)
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import change_stage


def _form_errors(form: forms.Form) -> str:
    return "; ".join(
        f"{form.fields[name].label if name in form.fields else ''} "
        f"{' '.join(str(e) for e in errors)}".strip()
        for name, errors in form.errors.items()
    )


@login_required
@require_POST
def project_stage(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_for_user(Project.objects.all(), request.user, "change", pk=pk)
    form = StageChangeForm(request.POST, current_stage=project.stage)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(project)
    try:
        change_stage(
            project, form.cleaned_data["to_stage"], actor=request.user,
            effective_date=form.cleaned_data["effective_date"],
            reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
        )
        messages.success(request, _("The stage was changed."))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect(project)


@login_required
@require_POST
def project_plan(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_for_user(Project.objects.all(), request.user, "change", pk=pk)
    form = AnnualPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(project)
    data = form.cleaned_data
    try:
        set_annual_plan(
            project, data["year"], actor=request.user,
            planned_investment=data["planned_investment"], image_target=data["image_target"],
            planned_new_start=data["planned_new_start"],
        )
        messages.success(request, _("The annual plan was saved."))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect(project)


@login_required
@require_POST
def project_list_apply(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_for_user(Project.objects.all(), request.user, "change", pk=pk)
    form = ListApplicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(project)
    level, kind = parse_list_code(form.cleaned_data["key_list"])
    try:
        key_list = get_or_create_list(level, kind, form.cleaned_data["year"], actor=request.user)
        apply_for_list(project, key_list, actor=request.user,
                       applied_on=form.cleaned_data["applied_on"])
        messages.success(request, _("The application was recorded."))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect(project)


@login_required
@require_POST
def membership_decide(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_for_user(KeyListMembership.objects.select_related("project"),
                              request.user, "change", pk=pk)
    form = ListDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(membership.project)
    try:
        decide_membership(membership, form.cleaned_data["decision"], actor=request.user,
                          decided_on=form.cleaned_data["decided_on"])
        messages.success(request, _("The decision was recorded."))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect(membership.project)
