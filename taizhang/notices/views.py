"""The notification centre: my notifications, newest first; mark read; open one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from taizhang.notices import services
from taizhang.notices.models import Notification

PAGE_SIZE = 30


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.restrict(request.user)
    unread_only = request.GET.get("unread") == "1"
    shown = mine.filter(read_at__isnull=True) if unread_only else mine
    page = Paginator(shown.order_by("-created", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "notices/centre.html", {
        "page": page, "unread_only": unread_only,
        "unread": services.unread_count(request.user),
    })


@login_required
def bell(request: HttpRequest) -> HttpResponse:
    """The header's bell with the unread count, loaded after the page (no query on every
    page's own request)."""
    return render(request, "notices/_bell_count.html",
                  {"unread": services.unread_count(request.user)})


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    services.mark_read(request.user, pk)
    return redirect(_back(request))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(request.user)
    return redirect(_back(request))


@login_required
@require_POST
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and go where the notice points (a path on this site only)."""
    found = services.mark_read(request.user, pk)
    target = found.link if found.link.startswith("/") and url_has_allowed_host_and_scheme(
        found.link, allowed_hosts={request.get_host()}) else ""
    return redirect(target or "notices:centre")


def _back(request: HttpRequest) -> str:
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and url_has_allowed_host_and_scheme(
            nxt, allowed_hosts={request.get_host()}):
        return nxt
    return "notices:centre"
