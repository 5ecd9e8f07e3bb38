"""The home page of every role and the cockpit (驾驶舱)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from taizhang.accounts.choices import Role
from taizhang.accounts.models import OfficeSettings
from taizhang.cockpit import board as cockpit_board
from taizhang.cockpit import homes
from taizhang.cockpit.access import may_open_cockpit
from taizhang.core.registry import registry
from taizhang.ledger.filters import ProjectFilter, ProjectFilterForm, choice_ids_of
from taizhang.ledger.models import Project
from taizhang.ledger.views.common import period_from_request
from taizhang.stats.cache import cached, project_version, scope_versions


def _chart_labels() -> dict[str, str]:
    return {
        "ytd": _("Completed this year (10k yuan)"),
        "plan": _("Annual plan by time progress (10k yuan)"),
        "projects": _("Projects"),
        "rate": _("Completion rate (%)"),
        "batches": _("The four batches"),
        "stages": _("Stages"),
        "units": _("Completion by responsible unit"),
        "townships": _("Completion by township"),
        "curve": _("Cumulative completion against the plan"),
        "no_plan": _("no plan"),
        "none": _("(none)"),
        "open_list": _("Click to open the projects"),
    }


def cockpit_context(request: HttpRequest) -> dict[str, Any]:
    """The cockpit of the user's projects, filtered by the bar (period, key list, unit,
    township): the same form and filter as the project list it links to."""
    user: Any = request.user
    visible = Project.objects.restrict(user, "view")
    office = OfficeSettings.for_division(user.division)
    period = period_from_request(request, visible, office)
    versions = scope_versions(visible, user)
    choice_ids = cached(visible, "choices", lambda: choice_ids_of(visible), [],
                        data_version=project_version(visible, versions))
    form = ProjectFilterForm(request.GET or None, visible=visible, choice_ids=choice_ids)
    chosen = form.to_filter()
    bar_only = ProjectFilter(key_lists=chosen.key_lists, units=chosen.units,
                             divisions=chosen.divisions)
    filtered = bar_only.apply(visible, period.year, period=period)
    board = cockpit_board.build(filtered, period, office, versions)
    bar = cockpit_board.bar_query(form)
    shown = cockpit_board.present(board, bar, choice_ids, _chart_labels())
    return {"form": form, "period": period, "stats": board.stats, "bar": bar,
            "wall": request.GET.get("wall") == "1",
            "factor_sections": cockpit_board.factor_sections(user, period),
            "lamp_tiles": cockpit_board.lamp_tiles(filtered, period, bar, user, versions),
            **shown}


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    if not may_open_cockpit(request.user):
        raise PermissionDenied
    context = cockpit_context(request)
    template = "cockpit/wall.html" if context["wall"] else "cockpit/cockpit.html"
    return render(request, template, context)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home: what needs the user, or the cockpit for those who watch figures;
    below it, the panels apps above the ledger add (core/registry.py `home_panel`)."""
    user: Any = request.user
    panels = {"panels": registry.panels_for(user)}
    if user.role in (Role.LEADER, Role.VIEWER):
        context = cockpit_context(request)
        return render(request, "cockpit/cockpit.html", {
            **context, "as_home": True, **panels,
            **homes.leader_lamps(user, context["period"])})
    if user.is_office:
        return render(request, "cockpit/home_office.html", {**homes.office_home(user), **panels})
    if user.role == Role.OWNER:
        return render(request, "cockpit/home_owner.html", {**homes.owner_home(user), **panels})
    if user.role == Role.UNIT_STAFF:
        return render(request, "cockpit/home_unit.html", {**homes.unit_home(user), **panels})
    return render(request, "cockpit/home_bank.html", {**homes.bank_home(user), **panels})
