"""Writes to accounts (users, roles, divisions, organizations, people, office settings).

The Django admin saves and deletes through these functions, so each change is checked against
the actor's model permissions and recorded with before/after values like ledger changes.
Secrets (password hashes, second-factor keys, tokens) are never copied into the audit trail:
a password change is recorded as the fact that it changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from taizhang.accounts.identity import ensure_username_free
from taizhang.accounts.models import User
from taizhang.core.audit.service import diff, plain, record

_SECRET_HINTS = ("password", "secret", "token", "otp", "totp", "key")
# Not changes of their own: login times, and the username's identity (derived from it).
_NOT_CHANGES = {"last_login", "date_joined", "username_key", "version"}


def _audited_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name for f in model._meta.concrete_fields
        if f.name not in _NOT_CHANGES and not any(h in f.name.lower() for h in _SECRET_HINTS)
    ]


def _secret_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields
            if f.name not in _NOT_CHANGES and any(h in f.name.lower() for h in _SECRET_HINTS)]


def audit_snapshot(obj: models.Model) -> dict[str, Any]:
    """Concrete, non-secret field values (foreign keys as ids)."""
    concrete = {f.name: f for f in obj._meta.concrete_fields}
    return {name: plain(getattr(obj, concrete[name].attname))
            for name in _audited_fields(type(obj))}


def _event(obj: models.Model, suffix: str) -> str:
    return f"{obj._meta.model_name}.{suffix}"


def _require(actor: Any, obj: models.Model, action: str) -> None:
    perm = f"{obj._meta.app_label}.{action}_{obj._meta.model_name}"
    if not (actor and actor.is_authenticated and actor.is_active and actor.has_perm(perm)):
        raise PermissionDenied


def stored_state(obj: models.Model) -> dict[str, Any]:
    """The row as the database holds it now (empty for an unsaved object)."""
    if obj.pk is None:
        return {}
    current = type(obj)._base_manager.filter(pk=obj.pk).first()
    return audit_snapshot(current) if current is not None else {}


@transaction.atomic
def save_account_object(obj: models.Model, *, actor: Any, before: dict[str, Any] | None = None,
                        reason: str = "") -> models.Model:
    """Create or change `obj` (already carrying the new values) and record what changed.

    `before` is the stored state read before the new values were applied (the admin binds
    its form to the instance, so reading it afterwards would see the new values).
    """
    creating = obj.pk is None or not type(obj)._base_manager.filter(pk=obj.pk).exists()
    _require(actor, obj, "add" if creating else "change")
    if isinstance(obj, User):  # a new name, or a rename, must not be an existing identity
        ensure_username_free(obj.username, exclude_pk=None if creating else obj.pk)
    secrets_before = {}
    if not creating:
        stored = type(obj)._base_manager.filter(pk=obj.pk).values(*_secret_fields(type(obj)))
        secrets_before = stored.first() or {}
        if any(f.name == "version" for f in type(obj)._meta.concrete_fields):
            # An admin save makes any office form opened before it stale (save_versioned).
            obj.version = type(obj)._base_manager.get(pk=obj.pk).version + 1  # type: ignore[attr-defined]
    obj.save()
    after = audit_snapshot(obj)
    if creating:
        record(_event(obj, "created"), obj, actor=actor, reason=reason,
               changes={name: [None, value] for name, value in after.items()
                        if value not in (None, "")})
        return obj
    changes: dict[str, Any] = diff(before or {}, after)
    for name in _secret_fields(type(obj)):
        if secrets_before.get(name) != getattr(obj, name):
            changes[name] = ["***", "***"]  # the fact, never the value
    if changes:
        record(_event(obj, "updated"), obj, actor=actor, reason=reason, changes=changes)
    return obj


@transaction.atomic
def delete_account_object(obj: models.Model, *, actor: Any, reason: str = "") -> None:
    _require(actor, obj, "delete")
    before = audit_snapshot(obj)
    record(_event(obj, "deleted"), obj, actor=actor, reason=reason,
           changes={name: [value, None] for name, value in before.items()
                    if value not in (None, "")})
    obj.delete()


@transaction.atomic
def record_password_change(user: models.Model, *, actor: Any) -> None:
    """A password was set by an administrator: the fact is recorded, never the hash."""
    _require(actor, user, "change")
    record(_event(user, "password_changed"), user, actor=actor,
           changes={"password": ["***", "***"]})


@transaction.atomic
def record_memberships(obj: models.Model, *, actor: Any, field: str,
                       before: Iterable[str], after: Iterable[str]) -> None:
    """Group and permission changes of a user or group (many-to-many: names, sorted)."""
    old, new = sorted(before), sorted(after)
    if old != new:
        record(_event(obj, "updated"), obj, actor=actor,
               changes={field: [", ".join(old), ", ".join(new)]})
