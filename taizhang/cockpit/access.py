"""Who opens the cockpit: leaders, the office and viewers (the roles that watch figures)."""

from typing import Any

from taizhang.accounts.choices import Role

COCKPIT_ROLES = {Role.LEADER, Role.OFFICE_ADMIN, Role.VIEWER}


def may_open_cockpit(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in COCKPIT_ROLES))
