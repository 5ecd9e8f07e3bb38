"""The office's edits on the project page: stage changes and annual plans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from taizhang.ledger.views.projects import project_page


def _submit(
    request: HttpRequest,
    form: forms.Form,
    project: Project,
    action: Callable[[dict[str, Any]], object],
    done: str,
    *,
    shown_as: dict[str, Any],
) -> HttpResponse:
    """Validate `form`, run the service `action` on its data, report, back to the project.

    A form with mistakes comes back on the project page as typed, each error beside its
    field (`shown_as` names it in the page's context); a refusal by the service (a stale
    version, a rule of the ledger) is a message over the page, which is read afresh."""
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
        return project_page(request, project, bound=shown_as)
    try:
        action(form.cleaned_data)
        messages.success(request, done)
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect(project)


@login_required
@require_POST
def project_stage(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_for_user(Project.objects.all(), request.user, "change", pk=pk)
    form = StageChangeForm(request.POST, current_stage=project.stage)
    return _submit(
        request, form, project,
        lambda data: change_stage(
            project, data["to_stage"], actor=request.user, effective_date=data["effective_date"],
            reason=data["reason"], expected_version=data["version"],
        ),
        _("The stage was changed."), shown_as={"stage_form": form},
    )


@login_required
@require_POST
def project_plan(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_for_user(Project.objects.all(), request.user, "change", pk=pk)
    form = AnnualPlanForm(request.POST)
    return _submit(
        request, form, project,
        lambda data: set_annual_plan(
            project, data["year"], actor=request.user,
            planned_investment=data["planned_investment"], image_target=data["image_target"],
            planned_new_start=data["planned_new_start"],
            expected_version=form.version_for(data["year"]),
        ),
        _("The annual plan was saved."), shown_as={"plan_form": form},
    )


@login_required
@require_POST
def project_list_apply(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_for_user(Project.objects.all(), request.user, "change", pk=pk)

    def apply(data: dict[str, Any]) -> object:
        level, kind = parse_list_code(data["key_list"])
        key_list = get_or_create_list(level, kind, data["year"], actor=request.user)
        return apply_for_list(project, key_list, actor=request.user,
                              applied_on=data["applied_on"])

    form = ListApplicationForm(request.POST)
    return _submit(request, form, project, apply, _("The application was recorded."),
                   shown_as={"list_form": form})


@login_required
@require_POST
def membership_decide(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_for_user(KeyListMembership.objects.select_related("project"),
                              request.user, "change", pk=pk)
    form = ListDecisionForm(request.POST)
    project = get_for_user(
        Project.objects.select_related("owner", "division", "leader", "responsible_unit"),
        request.user, "view", pk=membership.project_id,
    )
    return _submit(
        request, form, project,
        lambda data: decide_membership(membership, data["decision"], actor=request.user,
                                       decided_on=data["decided_on"]),
        _("The decision was recorded."),
        shown_as={"decide_form": form, "decide_pk": membership.pk},
    )
