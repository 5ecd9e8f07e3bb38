"""Who acts for an office, and which accounts an office reaches: the accounts' scoping rules.

Where the other scoping rules live (`docs/permissions.md`, introduction):

- "this division and everything below": `Division.subtree_q` and `Division.contains`
  (accounts/models.py), the only code that reads a division's path;
- projects and everything hanging off them, and which organizations, people and divisions a
  user may link to a project or read by name: `taizhang/ledger/models/scope.py`;
- audit events: `AuditEvent.scope_q` (core/audit/models.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from taizhang.accounts.choices import Role
from taizhang.core.scoping import NOTHING


def acts_for_office(user: Any) -> bool:
    """An active superuser, or an active office administrator placed in a division.

    An office administrator not yet placed in a division acts for nobody: an office without
    a division would otherwise reach every county. Anonymous and inactive accounts neither.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role == Role.OFFICE_ADMIN and user.division_id is not None


def acting_for_office_q(prefix: str = "") -> Q:
    """`acts_for_office` as a Q over users (through `prefix`)."""
    return Q(**{f"{prefix}is_active": True}) & (
        Q(**{f"{prefix}is_superuser": True})
        | Q(**{f"{prefix}role": Role.OFFICE_ADMIN, f"{prefix}division__isnull": False}))


def office_accounts_q(actor: Any, prefix: str = "") -> Q:
    """Accounts (users, through `prefix`) an office manages: its division and everything
    below (unlocking, resetting a second factor, reading the account's history)."""
    if not acts_for_office(actor):
        return NOTHING
    if actor.is_superuser:
        return Q()
    return actor.division.subtree_q(f"{prefix}division__")


def manages_account(actor: Any, user: Any) -> bool:
    """`office_accounts_q` for one account, in Python."""
    if not acts_for_office(actor):
        return False
    if actor.is_superuser:
        return True
    return actor.division.contains(user.division)
