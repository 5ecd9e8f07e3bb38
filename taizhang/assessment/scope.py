"""Who sees the assessment: the office of a division, for its division and those below.

Owners, leaders, units, banks and viewers see none of it (a ranking names who is summoned);
an office sees its own division's schemes, deductions and results and those of divisions
below it, never another county's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from taizhang.accounts.scope import office_rows_q


def office_scope_q(user: Any, action: str = "view", prefix: str = "") -> Q:
    """The assessment's rows (their division through `prefix`) `user` sees, whatever the
    action: its office's (`accounts.scope.office_rows_q`)."""
    return office_rows_q(user, prefix)
