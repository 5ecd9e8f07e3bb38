"""Permissions live in the queryset: `Model.objects.restrict(user, action)`.

Each scoped model defines `scope_q(user, action) -> Q`; every list, detail, edit and export
goes through `restrict`, so a rule lives in one place and an id guessed in a URL is a 404.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)

NOTHING = models.Q(pk__in=[])


class ScopedQuerySet(models.QuerySet[M]):
    def restrict(self, user: Any, action: str = "view") -> ScopedQuerySet[M]:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        q = self.model.scope_q(user, action)  # type: ignore[attr-defined]
        return self.filter(q) if q is not None else self.all()


def get_for_user(queryset: ScopedQuerySet[M], user: Any, action: str = "view", **lookup: Any) -> M:
    """The object if `user` may do `action` on it, else 404 (never 403: ids are not leaked)."""
    try:
        return queryset.restrict(user, action).get(**lookup)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
