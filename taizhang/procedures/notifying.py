"""The daily tick: notify departments and owners of procedure items near or past their
deadline, once per item and deadline (the notification's topic), as of a day (`--today`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Q
from django.urls import reverse

from taizhang.accounts.choices import Role
from taizhang.accounts.models import User
from taizhang.notices.models import Notification
from taizhang.notices.services import notify_each
from taizhang.procedures import queries
from taizhang.procedures.models import ProcedureItem

DUE = "procedure-due"
OVERDUE = "procedure-overdue"
_BATCH = 500


def _recipients(items: list[ProcedureItem]) -> dict[int, list[Any]]:
    """{item pk: active users of its department (unit logins) and its project's owner, placed
    in a division that contains the project}, in one query."""
    orgs = {i.department_id for i in items} | {i.project.owner_id for i in items}
    users = list(
        User.objects.filter(
            Q(role=Role.UNIT_STAFF) | Q(role=Role.OWNER),
            is_active=True,
            organization_id__in=orgs - {None},
        ).select_related("division")
    )
    by_org: dict[int | None, list[Any]] = defaultdict(list)
    for user in users:
        by_org[user.organization_id].append(user)
    found = {}
    for item in items:
        candidates = [u for u in by_org[item.department_id] if u.role == Role.UNIT_STAFF] + [
            u for u in by_org[item.project.owner_id] if u.role == Role.OWNER
        ]
        found[item.pk] = [
            u
            for u in candidates
            if u.division is not None and u.division.contains(item.project.division)
        ]
    return found


def _send(kind: str, items: list[ProcedureItem]) -> int:
    recipients = _recipients(items)
    topics = {item.pk: f"{kind}:{item.pk}:{item.deadline}" for item in items}
    sent = set(
        Notification.objects.filter(topic__in=topics.values()).values_list("recipient_id", "topic")
    )
    count = 0
    for item in items:
        topic = topics[item.pk]
        users = [u for u in recipients[item.pk] if (u.pk, topic) not in sent]
        if users:
            params = {
                "procedure": str(item.kind.label),
                "project": item.project.name,
                "deadline": item.deadline.isoformat() if item.deadline else "",
            }
            notify_each(
                [(u, params) for u in users],
                kind,
                topic=topic,
                link=reverse("procedures:project", args=[item.project_id]),
            )
            count += len(users)
    return count


def tick(today: date, near_days: int = 5) -> dict[str, int]:
    """Notifications for items due within `near_days` working days of `today`, and overdue."""
    base = ProcedureItem.objects.select_related("kind", "project__division").order_by("pk")
    counts = {}
    for kind, rows in (
        (DUE, queries.due_items(base, today, near_days)),
        (OVERDUE, queries.overdue_items(base, today)),
    ):
        count = 0
        batch: list[ProcedureItem] = []
        for item in rows.iterator(chunk_size=_BATCH):
            batch.append(item)
            if len(batch) >= _BATCH:
                count += _send(kind, batch)
                batch = []
        counts[kind] = count + (_send(kind, batch) if batch else 0)
    return counts
