"""The data version: one row that changes in the same transaction as any change to figures."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A single row (pk 1). `token` is a fresh random value after every change to the ledger's
    figures, committed with that change; cached statistics are keyed by it (stats/cache.py).

    A random token rather than the counter alone: a rolled-back transaction or a restored
    backup can bring back an old counter value, never an old token. `changes` counts the
    bumps, for people and tests.
    """

    SINGLETON = 1

    changes = models.BigIntegerField(_("number of changes"), default=0)
    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data version")

    def __str__(self) -> str:
        return f"{self.changes}:{self.token}"
