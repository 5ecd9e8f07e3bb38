"""The office's bulletin pages: generate (a background job), publish, the published ones and
their files, and the masthead settings. Office administrators only (accounts.scope)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from taizhang.accounts.models import OfficeSettings
from taizhang.accounts.scope import acts_for_office
from taizhang.bulletin import forms, services
from taizhang.bulletin.jobs import GENERATE, PUBLISH
from taizhang.bulletin.models import Bulletin
from taizhang.bulletin.writers import FORMATS, MEDIA_TYPES
from taizhang.core.scoping import get_for_user
from taizhang.core.services import ServiceError
from taizhang.jobs.services import start_job


def office_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not acts_for_office(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


@office_page
def index(request: HttpRequest) -> HttpResponse:
    division = request.user.division
    bulletins = Bulletin.objects.restrict(request.user, "view").select_related("division")
    if division is None:  # a superuser placed nowhere: every office's, to read
        return render(request, "bulletin/index.html", {"bulletins": bulletins[:200]})
    period = OfficeSettings.for_division(division).current_reporting_period().previous()
    generate = forms.GenerateForm(initial={"period": str(period), "format": "docx"},
                                  prefix="g")
    publish = forms.PublishForm(initial={"period": str(period)}, prefix="p")
    if request.method == "POST" and "g-period" in request.POST:
        generate = forms.GenerateForm(request.POST, prefix="g")
        if generate.is_valid():
            job = start_job(GENERATE, actor=request.user, total=2, params={
                "division": division.code, "period": str(generate.cleaned_data["period"]),
                "format": generate.cleaned_data["format"]})
            return redirect("jobs:detail", job_id=job.pk)
    elif request.method == "POST":
        publish = forms.PublishForm(request.POST, prefix="p")
        if publish.is_valid():
            chosen = publish.cleaned_data["period"]
            if services.published(division, chosen) is not None:
                publish.add_error("period", _("The bulletin of %(period)s is already "
                                              "published.") % {"period": chosen})
            else:
                job = start_job(PUBLISH, actor=request.user, total=2, params={
                    "division": division.code, "period": str(chosen)})
                return redirect("jobs:detail", job_id=job.pk)
    return render(request, "bulletin/index.html", {
        "generate": generate, "publish": publish, "bulletins": bulletins[:200],
        "settings": services.settings_for(division), "formats": FORMATS})


@office_page
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    if fmt not in FORMATS:
        raise Http404
    bulletin: Bulletin = get_for_user(Bulletin.objects.all(), request.user, "view", pk=pk)
    stored = bulletin.file(fmt)
    return FileResponse(stored.open("rb"), as_attachment=True, content_type=MEDIA_TYPES[fmt],
                        filename=f"bulletin-{bulletin.month}-{bulletin.number}.{fmt}")


@office_page
def settings_view(request: HttpRequest) -> HttpResponse:
    division = request.user.division
    if division is None:
        raise PermissionDenied
    current = services.settings_for(division)
    own = current.division_id == division.pk and current.pk is not None
    initial = {"issuing_office": current.issuing_office, "number_prefix": current.number_prefix,
               "title": current.title, "first_number": current.first_number,
               "version": current.version if own else 0}
    form = forms.SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_settings(
                request.user, issuing_office=data["issuing_office"],
                number_prefix=data["number_prefix"], title=data["title"],
                first_number=data["first_number"], expected_version=data["version"])
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("bulletin:index")
    return render(request, "bulletin/settings.html", {"form": form, "inherited": not own})
