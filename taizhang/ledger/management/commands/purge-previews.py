"""taizhang purge-previews: delete the uploads of import previews never confirmed in time."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from taizhang.ledger.importing.staging import purge_expired


class Command(BaseCommand):
    help = ("Delete the uploaded files of import previews older than "
            "TAIZHANG_IMPORT_PREVIEW_HOURS that were never confirmed (run it daily).")

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired()
        self.stdout.write(_("Deleted %(n)d import previews older than %(hours)d hours.")
                          % {"n": deleted, "hours": settings.TAIZHANG_IMPORT_PREVIEW_HOURS})
