"""The audit trail: one append-only row per change or named event."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from taizhang.core.audit.labels import action_label
from taizhang.core.scoping import NOTHING, ScopedQuerySet


class AuditEventQuerySet(ScopedQuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit records cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit records cannot be deleted")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

    def about(self, obj: models.Model) -> AuditEventQuerySet:
        """The events recorded on `obj`, and those recorded on the object it is part of
        (its model names the field in ``audit_part_of``) that carry a part about it.

        An import records one event per project holding its plan's, reports' and
        memberships' changes each under ``part_key`` (read them with
        ``core.audit.history.narrowed``).
        """
        q = models.Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        holder_field = getattr(type(obj), "audit_part_of", None)
        holder_id = getattr(obj, f"{holder_field}_id", None) if holder_field else None
        if holder_id is not None:
            holder = obj._meta.get_field(holder_field).related_model  # type: ignore[arg-type]
            q |= models.Q(object_type=holder._meta.label_lower,  # type: ignore[union-attr]
                          object_id=str(holder_id), changes__has_key=part_key(obj))
        return self.filter(q)


def part_key(obj: models.Model) -> str:
    """The key of `changes` under which an event recorded on another object keeps what it
    changed of `obj` (no field name has a colon)."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def is_part_key(key: str) -> bool:
    return ":" in key


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=16)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Set on the events a revert caused: the version (event) whose values were restored.
    reverts = models.ForeignKey(
        "self", verbose_name=_("restores the version of"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit records cannot be deleted")

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        """An office reads the events about objects in its scope, about its people's accounts,
        and those of its own people about objects that are not scoped.

        Generic over every scoped model, so the audit trail never shows more than the ledger.
        """
        if user.is_superuser:
            return models.Q()
        if action != "view" or not user.acts_for_office:
            return NOTHING
        in_division = user.division.subtree_q("division__")
        # About its people's accounts (logins, failed logins, lockouts).
        q = models.Q(
            object_type="accounts.user",
            object_id__in=get_user_model()._default_manager.filter(in_division).annotate(
                audit_object_id=Cast("pk", models.CharField())).values("audit_object_id"))
        scoped_types = []
        for model in apps.get_models():
            if model is AuditEvent or not hasattr(model, "scope_q"):
                continue
            scoped_types.append(model._meta.label_lower)
            ids = model._default_manager.restrict(user, "view").annotate(  # type: ignore[attr-defined]
                audit_object_id=Cast("pk", models.CharField())
            ).values("audit_object_id")
            q |= models.Q(object_type=model._meta.label_lower, object_id__in=ids)
        # Events by its people about anything that is not scoped (exports, key lists, imports):
        # never about a scoped object outside its scope, whoever acted (an owner of its
        # division may also own a project elsewhere).
        q |= user.division.subtree_q("actor__division__") & ~models.Q(
            object_type__in=[*scoped_types, "accounts.user"])
        return q

    @property
    def action_label(self) -> str:
        return action_label(self.action)
