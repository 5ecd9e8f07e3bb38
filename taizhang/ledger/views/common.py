from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from taizhang.accounts.models import OfficeSettings
from taizhang.core.periods import Period, PeriodError
from taizhang.ledger.models import Project
from taizhang.ledger.queries import latest_reported_period


def period_from_request(
    request: HttpRequest, projects: QuerySet[Project], office: OfficeSettings | None = None
) -> Period:
    """`?period=YYYY-MM`, else the month before the one being reported.

    Without a reporting period set by the office: the newest approved month, else last month.
    """
    raw = request.GET.get("period", "").strip()
    if raw:
        try:
            return Period.parse(raw)
        except PeriodError:
            messages.error(request, _("The period must look like YYYY-MM; showing the latest."))
    office = office or OfficeSettings.for_division(request.user.division)
    if office.reporting_period:
        return office.current_reporting_period().previous()
    return latest_reported_period(projects) or office.current_reporting_period()
