"""In-app notifications, and the batches an office sends (reminders), kept as history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Division
from taizhang.accounts.scope import office_rows_q
from taizhang.core.scoping import NOTHING, ScopedQuerySet
from taizhang.notices import kinds


class Dispatch(models.Model):
    """One sending of notices to many people (e.g. the reminders of a reporting month)."""

    kind = models.CharField(_("kind"), max_length=40)
    topic = models.CharField(_("topic"), max_length=80, db_index=True)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created = models.DateTimeField(_("sent at"), auto_now_add=True)
    params = models.JSONField(default=dict, blank=True)
    organizations = models.PositiveIntegerField(_("organizations"), default=0)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    emails = models.PositiveIntegerField(_("e-mails"), default=0)
    skipped = models.PositiveIntegerField(_("already reminded today"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.topic} {self.created:%Y-%m-%d %H:%M}"

    @staticmethod
    def scope_q(user: Any, action: str) -> Q:
        """Offices read the dispatches of their division and below."""
        return office_rows_q(user)


class Notification(models.Model):
    """A message to one user. Its text is made at display time from `kind` and `params`."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    #: What the notice is about, for "not twice a day" (e.g. "report-reminder:2022-08").
    topic = models.CharField(max_length=80, blank=True)
    dispatch = models.ForeignKey(
        Dispatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created"]),
            models.Index(fields=["topic", "created"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def text(self) -> str:
        return kinds.message(self.kind, self.params)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @staticmethod
    def scope_q(user: Any, action: str) -> Q:
        """Everyone reads only their own notifications, the superuser too."""
        if user is None or not user.is_authenticated:
            return NOTHING
        return Q(recipient=user)
