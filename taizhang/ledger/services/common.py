from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from taizhang.accounts.scope import acts_for_office
from taizhang.core.services import ServiceError
from taizhang.ledger.models import Project


def require_project(user: Any, project: Project, action: str) -> None:
    """Refuse unless `user` may `action` on `project` (the same scoping as every list)."""
    if not Project.objects.restrict(user, action).filter(pk=project.pk).exists():
        raise PermissionDenied


def require_office(user: Any) -> None:
    """An office user placed in a division (or a superuser); an unplaced account is nobody."""
    if not acts_for_office(user):
        raise PermissionDenied


def validate_field(model: type[models.Model], name: str, value: Any) -> None:
    """The field's own validators (a money column: not negative, the cap) as a ServiceError
    naming it, for a value set without a full model validation."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    try:
        field.run_validators(value)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0], field=name) from exc


def clean_or_raise(obj: models.Model, exclude: list[str] | None = None) -> None:
    """Model validation as a ServiceError naming the first field at fault."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            message = errors[0].messages[0] if errors else str(exc)
            raise ServiceError(message, field=None if field == "__all__" else field) from exc
        raise ServiceError(exc.messages[0]) from exc
