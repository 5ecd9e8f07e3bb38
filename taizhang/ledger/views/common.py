from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.core.periods import Period, PeriodError
from taizhang.ledger.queries import latest_reported_period


def period_from_request(request: HttpRequest, projects) -> Period:
    """`?period=YYYY-MM`, else the newest approved month, else last month."""
    raw = request.GET.get("period", "").strip()
    if raw:
        try:
            return Period.parse(raw)
        except PeriodError:
            messages.error(request, _("The period must look like YYYY-MM; showing the latest."))
    return latest_reported_period(projects) or Period.of(timezone.localdate()).previous()
