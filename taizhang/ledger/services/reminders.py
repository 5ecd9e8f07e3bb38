"""Reminders (催报): the office tells the owners still missing a month's report.

One dispatch per sending, kept as the board's history; one notification per owner account
(in the app, and by e-mail when a mail server is configured), saying how many of its projects
are missing. An account already reminded of the same month today is skipped unless `force`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from taizhang.accounts.choices import Role
from taizhang.accounts.models import Division, OfficeSettings, User
from taizhang.accounts.scope import acts_for_office
from taizhang.core.audit.service import record
from taizhang.core.periods import Period
from taizhang.figures import reporting
from taizhang.ledger.models import Project
from taizhang.ledger.services.notifying import REMINDER
from taizhang.notices.models import Dispatch, Notification
from taizhang.notices.services import notify_each


def topic(period: Period) -> str:
    return f"{REMINDER}:{period}"


def _start_of_today() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))


@transaction.atomic
def send_reminders(actor: Any, period: Period, *, force: bool = False,
                   owner_ids: list[int] | None = None) -> Dispatch:
    """Remind the owners (all, or those of `owner_ids`) with missing reports for `period`
    among the projects the office reviews. Audited as `notices.reminders_sent`."""
    if not acts_for_office(actor):
        raise PermissionDenied
    projects = Project.objects.restrict(actor, "review")
    missing = reporting.select(projects, period, state=reporting.MISSING).filter(
        owner__isnull=False)
    if owner_ids is not None:
        missing = missing.filter(owner_id__in=owner_ids)
    # (owner, division) → missing projects: bounded by the owners' places, not the projects.
    places = list(missing.values("owner_id", "division_id").annotate(n=Count("pk"))
                  .order_by("owner_id", "division_id"))
    divisions = Division.objects.in_bulk({row["division_id"] for row in places})
    by_owner: dict[int, list[tuple[Division, int]]] = defaultdict(list)
    for row in places:
        by_owner[row["owner_id"]].append((divisions[row["division_id"]], row["n"]))
    users = (User.objects.filter(is_active=True, role=Role.OWNER, organization_id__in=by_owner)
             .select_related("division").order_by("pk"))
    already: set[int] = set()
    if not force:
        already = set(Notification.objects.filter(
            topic=topic(period), created__gte=_start_of_today()).values_list(
            "recipient_id", flat=True))
    deadline = OfficeSettings.for_division(actor.division).report_deadline(period)
    dispatch = Dispatch.objects.create(
        kind=REMINDER, topic=topic(period), division=actor.division, sent_by=actor,
        params={"period": str(period)})
    link = reverse("ledger:my-reports") + f"?period={period}"
    messages = []
    skipped = 0
    reached: set[int] = set()
    last_day = timezone.localtime(deadline - dt.timedelta(seconds=1)).date()
    for user in users:
        org = user.organization_id
        count = 0
        for division, n in by_owner.get(org, []) if org is not None else []:
            if user.division is not None and user.division.contains(division):
                count += n  # the projects this account reports for (its division and below)
        if not count or org is None:
            continue
        if user.pk in already:
            skipped += 1
            continue
        messages.append((user, {"period": str(period), "count": count,
                                "deadline": last_day.isoformat()}))
        reached.add(org)
    sent, emails = notify_each(messages, REMINDER, link=link, topic=topic(period),
                               dispatch=dispatch, email=True)
    recipients = len(sent)
    dispatch.organizations = len(reached)
    dispatch.recipients, dispatch.emails, dispatch.skipped = recipients, emails, skipped
    dispatch.save(update_fields=["organizations", "recipients", "emails", "skipped"])
    record("notices.reminders_sent", dispatch, actor=actor, changes={
        "period": [None, str(period)], "organizations": [None, len(reached)],
        "recipients": [None, recipients], "emails": [None, emails],
        "skipped": [None, skipped]})
    return dispatch
