"""What every service function shares: its errors and optimistic locking."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

__all__ = ["ConcurrentEdit", "PermissionDenied", "ServiceError", "save_versioned"]


class ServiceError(Exception):
    """A rule refused the change; the message is shown to the user as is (translated)."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class ConcurrentEdit(ServiceError):
    def __init__(self) -> None:
        super().__init__(
            _("Someone else saved this record after you opened it. Reload it, check their "
              "change and try again; nothing was overwritten.")
        )


def save_versioned(obj: models.Model, expected_version: int | None, fields: Iterable[str]) -> None:
    """UPDATE only if nobody saved since `expected_version` was read; bump the version.

    One conditional UPDATE, so it holds across processes and databases without locks.
    """
    concrete = {f.name: f for f in obj._meta.concrete_fields}
    values = {concrete[name].attname: getattr(obj, concrete[name].attname) for name in fields}
    version = expected_version if expected_version is not None else obj.version  # type: ignore[attr-defined]
    manager = type(obj)._base_manager
    updated = manager.filter(pk=obj.pk, version=version).update(version=F("version") + 1, **values)
    if updated != 1:
        raise ConcurrentEdit()
    obj.version = version + 1  # type: ignore[attr-defined]
