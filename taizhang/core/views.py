"""The 500 handler: a database failure outside a view is still a 503, not a 500."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from taizhang.core.dberrors import is_database_failure
from taizhang.core.middleware import database_unavailable


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    # Django calls the handler inside its `except` block, so the exception is at hand.
    exception = sys.exc_info()[1]
    if exception is not None and is_database_failure(exception):
        return database_unavailable(exception, request)
    return defaults.server_error(request, template_name)
