from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from taizhang.core.context import acting, current
from taizhang.core.dberrors import explain, first_line, is_database_failure, kind_of

logger = logging.getLogger("taizhang.database")


class RequestContextMiddleware:
    """Gives each web request an id, kept in the audit records it causes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        with acting("web", request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class LanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose English with the switch (a cookie).

    The browser's Accept-Language is ignored on purpose: offices share machines set up in
    all sorts of ways, and the interface should not change language by accident.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class DatabaseErrorMiddleware:
    """A full disk, a lost connection, a busy database or one that refuses the write (read-only,
    a privilege missing) gives a translated 503 page.

    This catches failures in views; `taizhang.core.views.server_error` (the 500 handler) the
    ones in other middleware (sessions, login policy). Not a 500 traceback: the request's
    transaction was rolled back, nothing is half-written,
    and trying again later is the right advice. The page is rendered without touching the
    database (no user, no session lookups).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_failure(exception):
            return None
        return database_unavailable(exception, request)


def database_unavailable(exception: BaseException, request: HttpRequest | None = None
                         ) -> HttpResponse:
    """The translated 503 page for a database failure (also used by the 500 handler).

    Logged as one line, once: a stopped database is an operating condition, not a bug, and
    a traceback per request (plus Django's own record of the 503) buried the logs in
    hundreds of lines per failed request."""
    request_id = current().request_id
    where = f"{request.method} {request.path}" if request is not None else "-"
    logger.error("database unavailable (%s) for %s [request %s]: %s", kind_of(exception),
                 where, request_id or "-", first_line(exception))
    html = render_to_string("core/database_unavailable.html",
                            {"message": explain(exception), "request_id": request_id,
                             "refused": kind_of(exception) == "refused"})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "60"
    response._has_been_logged = True  # type: ignore[attr-defined]  # django.request: once
    return response


# Methods no view answers: TRACE/TRACK echo the request (cookies included) back to a script,
# CONNECT asks for a tunnel. OPTIONS stays: Django answers it with the Allow header only.
REFUSED_METHODS = frozenset({"TRACE", "TRACK", "CONNECT"})


class RefuseInputMiddleware:
    """Refuses, before any view, what no view can handle: the methods above (405), and a NUL
    character in the path, a query parameter or a form field (400, with a translated page).

    PostgreSQL stores no NUL in text, so such a value would fail in whichever query first
    used it; one refusal here, with a clear message, instead of a check in every view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in REFUSED_METHODS:
            response = _refused(405, _("Method not allowed"),
                                _("This address does not answer that kind of request."))
            response["Allow"] = "GET, HEAD, POST, OPTIONS"
            return response
        if _has_nul(request):
            return _refused(400, _("The request was refused"), _(
                "The request contains a NUL character (\\0), which cannot be stored. Remove it "
                "(it often comes from copying text out of another program) and try again."))
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    sources = [request.GET]
    if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(request.POST)
    return any("\x00" in key or any("\x00" in value for value in values)
               for source in sources for key, values in source.lists())


def _refused(status: int, title: str, message: str) -> HttpResponse:
    html = render_to_string("core/refused_request.html", {"title": title, "message": message})
    return HttpResponse(html, status=status)
