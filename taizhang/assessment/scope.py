"""Who sees the assessment: the office of a division, for its division and those below.

Owners, leaders, units, banks and viewers see none of it (a ranking names who is summoned);
an office sees its own division's schemes, deductions and results and those of divisions
below it, never another county's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from taizhang.accounts.scope import acts_for_office
from taizhang.core.scoping import NOTHING


def office_scope_q(user: Any, action: str = "view", prefix: str = "division__") -> Q:
    if not acts_for_office(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    return user.division.subtree_q(prefix)
