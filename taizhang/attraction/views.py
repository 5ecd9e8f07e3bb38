"""The attraction pages, an office's placed in a division: the leads (filtered by stage and
channel, paginated), a lead with its steps and its next stage, a new lead, a lead's card, and
converting a landed lead into a ledger project. Who sees what is `Lead.scope_q`; every write
goes through services.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.attraction import forms, services
from taizhang.attraction.choices import LeadStage
from taizhang.attraction.models import Lead
from taizhang.core.forms import attempt
from taizhang.core.scoping import get_for_user
from taizhang.warnings.views import office_page  # an office placed in a division

PAGE_SIZE = 50


def _leads(user: Any) -> Any:
    return (Lead.objects.with_current_stage().restrict(user, "view")
            .select_related("division", "project"))


@office_page
def leads(request: HttpRequest) -> HttpResponse:
    flt = forms.LeadFilter(request.GET or None)
    rows = _leads(request.user)
    if flt.is_valid():
        if flt.cleaned_data["stage"]:
            rows = rows.filter(current_stage=flt.cleaned_data["stage"])
        if flt.cleaned_data["channel"]:
            rows = rows.filter(channel=flt.cleaned_data["channel"])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "attraction/leads.html", {
        "filter": flt, "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": f"{query.urlencode()}&" if query else ""})


def _lead_values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in services.EDITABLE}


@office_page
def lead_new(request: HttpRequest) -> HttpResponse:
    form = forms.LeadForm(request.POST if request.method == "POST" else None,
                          user=request.user, initial={"division": request.user.division_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = attempt(form, lambda: services.create_lead(
            actor=request.user, registered_on=data["registered_on"], **_lead_values(data)))
        if created is not None:
            messages.success(request, _("Saved."))
            return redirect("attraction:lead", created.pk)
    return render(request, "attraction/lead_form.html", {"form": form, "lead": None})


@office_page
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Lead.objects.all(), request.user, "change", pk=pk)
    initial = {name: getattr(found, name) for name in services.EDITABLE}
    initial.update(version=found.version, registered_on=found.registered_on)
    form = forms.LeadForm(request.POST if request.method == "POST" else None,
                          user=request.user, initial=initial)
    form.fields["registered_on"].disabled = True
    if request.method == "POST" and form.is_valid():
        done = attempt(form, lambda: services.update_lead(
            found, actor=request.user, expected_version=form.cleaned_data["version"],
            changes=_lead_values(form.cleaned_data)))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("attraction:lead", found.pk)
    return render(request, "attraction/lead_form.html", {"form": form, "lead": found})


@office_page
def lead(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(_leads(request.user), request.user, pk=pk)
    next_stage = services.next_stage(found)
    form = forms.StageForm(request.POST if request.method == "POST" else None, initial={
        "stage": next_stage, "on": timezone.localdate(), "version": found.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(form, lambda: services.advance(
            found, data["stage"], actor=request.user, expected_version=data["version"],
            on=data["on"], note=data["note"], contract_amount=data["contract_amount"]))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("attraction:lead", found.pk)
    return render(request, "attraction/lead.html", {
        "lead": found, "form": form, "next_stage": next_stage,
        "steps": found.steps.select_related("author"),
        "may_convert": found.stage == LeadStage.LANDED and found.project_id is None})


@office_page
def convert(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(Lead.objects.select_related("division"), request.user, "change",
                         pk=pk)
    form = forms.ConvertForm(request.POST if request.method == "POST" else None,
                             user=request.user,
                             initial={"division": found.division_id, "version": found.version,
                                      "planned_total": found.contract_amount})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        project = attempt(form, lambda: services.convert(
            found, actor=request.user, expected_version=data["version"],
            division=data["division"], planned_total=data["planned_total"],
            planned_start=data["planned_start"]))
        if project is not None:
            messages.success(request, _("The lead is now the ledger project “%(name)s”.")
                             % {"name": project.name})
            return redirect(project.get_absolute_url())
    return render(request, "attraction/convert.html", {"form": form, "lead": found})
