"""What every service function shares: its errors and optimistic locking."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

__all__ = ["UNCHECKED", "ConcurrentEdit", "MissingVersion", "PermissionDenied", "ServiceError",
           "check_version", "refuse_missing", "refuse_unbegun", "save_versioned"]

_MAX_VERSION = 2**31 - 1


class ServiceError(Exception):
    """A rule refused the change; the message is shown to the user as is (translated)."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


def refuse_unbegun(period: Any, *, field: str = "period") -> None:
    """Nothing is reported, evaluated, ranked or published for a month that has not begun
    (`Period.has_begun`): a slip such as 2032-07 for 2022-07 would otherwise leave an empty
    month's lamps, ranking or numbered bulletin behind."""
    if not period.has_begun():
        raise ServiceError(_("%(period)s has not begun yet: choose a month that has.")
                           % {"period": period}, field=field)


class ConcurrentEdit(ServiceError):
    def __init__(self) -> None:
        super().__init__(
            _("Someone else saved this record after you opened it. Reload it, check their "
              "change and try again; nothing was overwritten.")
        )


class MissingVersion(ServiceError):
    """A write from a form that does not say which version it was opened at."""

    def __init__(self) -> None:
        super().__init__(
            _("This form does not say which version of the record it was opened at (it is "
              "incomplete or out of date), so nothing was saved. Open the page again and enter "
              "your change there.")
        )


class _Unchecked:
    def __repr__(self) -> str:
        return "UNCHECKED"


# What code that read the record itself in the same transaction (imports, scenarios, commands,
# tests) passes as `expected_version`, explicitly: the services have no default, so a caller
# that forgets the version does not compile a skipped check (TypeError). Every request passes
# what its form sent, and there None (a missing field) or junk is refused.
UNCHECKED: Any = _Unchecked()


def refuse_missing(expected_version: Any) -> None:
    """MissingVersion unless `expected_version` is a version (or UNCHECKED)."""
    if expected_version is not UNCHECKED:
        _version(expected_version)


def _version(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_VERSION:
        raise MissingVersion()
    return value


def check_version(expected_version: Any, current: int | None) -> None:
    """Refuse the write unless `expected_version` is `current` (None: no record yet, which a
    form says with version 0). Missing or malformed: MissingVersion; stale: ConcurrentEdit."""
    if expected_version is UNCHECKED:
        return
    if _version(expected_version) != (current if current is not None else 0):
        raise ConcurrentEdit()


def save_versioned(obj: models.Model, expected_version: Any, fields: Iterable[str]) -> None:
    """UPDATE only if nobody saved since `expected_version` was read; bump the version.

    One conditional UPDATE, so it holds across processes and databases without locks.
    """
    concrete = {f.name: f for f in obj._meta.concrete_fields}
    values = {concrete[name].attname: getattr(obj, concrete[name].attname) for name in fields}
    if expected_version is UNCHECKED:
        version = obj.version  # type: ignore[attr-defined]
    else:
        version = _version(expected_version)
    manager = type(obj)._base_manager
    updated = manager.filter(pk=obj.pk, version=version).update(version=F("version") + 1, **values)
    if updated != 1:
        raise ConcurrentEdit()
    obj.version = version + 1  # type: ignore[attr-defined]
