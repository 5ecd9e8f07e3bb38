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
from taizhang.ledger.forms import AnnualPlanForm, StageChangeForm
from taizhang.ledger.models import Project
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
