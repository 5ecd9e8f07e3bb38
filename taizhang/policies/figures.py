"""The policies' counts for `taizhang stats --json` (`policies`), the bulletin and the cockpit:
the catalogue's size, and the pushes made, applied for and granted by the period's end."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from taizhang.core.periods import Period
from taizhang.policies.models import Policy, Push


def counts(period: Period, policies: Any = None, pushes: Any = None) -> dict[str, int]:
    policies = Policy.objects.all() if policies is None else policies
    pushes = Push.objects.all() if pushes is None else pushes
    end = timezone.make_aware(datetime.combine(period.last_day + timedelta(days=1), time.min))
    found = pushes.aggregate(
        pushed=Count("id", filter=Q(pushed_at__lt=end)),
        applied=Count("id", filter=Q(applied_at__lt=end)),
        granted=Count("id", filter=Q(granted_at__lt=end)))
    return {"catalogue": policies.count(), **found}
