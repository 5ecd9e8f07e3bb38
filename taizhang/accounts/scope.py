"""Who acts for an office, what an office reaches, and which accounts: the accounts' scoping
rules.

An office reaches its own division and everything below it; a superuser every division.
`office_rows_q` (rows, in SQL) and `acts_for_office_of` (one division, in Python) are that
rule, for every app whose records belong to a division (warnings, bulletins, assessment,
dispatch, procedures, land, financing, attraction, policies, accounts).

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


def office_rows_q(user: Any, prefix: str = "") -> Q:
    """Rows (their division through `prefix`) that `user`'s office reaches: its division and
    everything below; every row for a superuser; none for anyone not acting for an office."""
    if not acts_for_office(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    return user.division.subtree_q(f"{prefix}division__")


def acts_for_office_of(user: Any, division: Any) -> bool:
    """`office_rows_q` for one division, in Python: `user` acts for the office of `division`
    or of a division above it (a superuser for every one)."""
    if not acts_for_office(user):
        return False
    return bool(user.is_superuser or user.division.contains(division))


def office_accounts_q(actor: Any, prefix: str = "") -> Q:
    """Accounts (users, through `prefix`) an office manages: its division and everything
    below (unlocking, resetting a second factor, reading the account's history)."""
    return office_rows_q(actor, prefix)


def manages_account(actor: Any, user: Any) -> bool:
    """`office_accounts_q` for one account, in Python."""
    return acts_for_office_of(actor, user.division)
