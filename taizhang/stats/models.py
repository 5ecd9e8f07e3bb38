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


class DivisionVersion(models.Model):
    """The version of the figures of one division and everything below it (`path`, as
    `Division.path`; "" for every division at once), changed with every write to a project's
    reports, plans, stages or list memberships below it (stats/version.py). A cache key
    carries the version of the viewer's division and the shared `DataVersion`, so a write in
    one county leaves another county's cached figures valid."""

    path = models.CharField(max_length=255, unique=True)
    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("division data version")
        verbose_name_plural = _("division data versions")

    def __str__(self) -> str:
        return f"{self.path or '*'}:{self.token}"
