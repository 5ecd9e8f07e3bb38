from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from taizhang.core.context import acting


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
