"""Telling a project's owner what happened to its report (returned, approved, reopened).

Called inside the review services' transaction: the notice exists exactly when the review
does. The owner's users are the active owner accounts of the project's owner organization
whose division holds the project (the same people the scoping rules let report for it).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from taizhang.accounts.choices import Role
from taizhang.accounts.models import User
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.notices.services import notify

# Notification kinds (notices/kinds.py), not audit events: a hyphen, never a dot.
RETURNED = "report-returned"
APPROVED = "report-approved"
REMINDER = "report-reminder"


def owner_users(project: Project) -> list[Any]:
    """The accounts that report for `project` (owner role, its organization, its division)."""
    if project.owner_id is None:
        return []
    candidates = User.objects.filter(is_active=True, role=Role.OWNER,
                                     organization_id=project.owner_id).select_related("division")
    return [user for user in candidates
            if user.division is not None and user.division.contains(project.division)]


def report_reviewed(report: MonthlyReport) -> None:
    """Notify the owner of a return (with the reason), reopening or approval."""
    kind = APPROVED if report.status == ReportStatus.APPROVED else RETURNED
    params = {"project": report.project.name, "period": report.period_label}
    if kind == RETURNED:
        params["reason"] = report.return_reason
    link = reverse("ledger:report-form", args=[report.project_id, report.period_label])
    notify(owner_users(report.project), kind, params, link=link, email=kind == RETURNED)
