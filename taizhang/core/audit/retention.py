"""Retention: audit events are kept at least six months; purging is the one way to delete."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.protection import purging
from taizhang.core.audit.service import record_event
from taizhang.core.services import ServiceError

MIN_RETENTION_MONTHS = 6  # the graded-protection floor; configuration cannot go below it


def retention_months() -> int:
    configured = int(getattr(settings, "TAIZHANG_AUDIT_RETENTION_MONTHS", MIN_RETENTION_MONTHS))
    return max(configured, MIN_RETENTION_MONTHS)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day if it has no such day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def earliest_purge_date(today: date | None = None) -> date:
    """Events before this date may be purged; anything younger must be kept."""
    return months_before(today or timezone.localdate(), retention_months())


def delete_events(events: QuerySet[AuditEvent], *, actor: Any, reason: str,
                  details: dict[str, Any]) -> int:
    """Delete `events` past the database guard and record that it happened (one transaction)."""
    with transaction.atomic(), purging():
        deleted = events._raw_delete(events.db)
    record_event("audit.purged", "core.auditevent", "", _("Audit trail"), actor=actor,
                 reason=reason, changes={**details, "deleted": deleted})
    return deleted


@transaction.atomic
def purge_before(before: date, *, actor: Any = None, today: date | None = None) -> int:
    """Delete events older than `before`, refused if that is inside the retention period."""
    limit = earliest_purge_date(today)
    if before > limit:
        raise ServiceError(
            _("Audit events must be kept for %(months)d months: the latest date allowed is "
              "%(limit)s.") % {"months": retention_months(), "limit": limit.isoformat()}
        )
    cutoff = timezone.make_aware(datetime.combine(before, time.min))
    # A revert kept after the cutoff still names the version it restored: keep that one too.
    still_named = AuditEvent.objects.filter(at__gte=cutoff, reverts__isnull=False)
    events = AuditEvent.objects.filter(at__lt=cutoff).exclude(
        pk__in=still_named.values("reverts_id"))
    return delete_events(
        events, actor=actor, reason=_("Retention purge"),
        details={"before": before.isoformat(), "retention_months": retention_months()},
    )
