"""taizhang backup FILE — the database and the uploaded files, consistent, in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from taizhang.core.backup import BackupError, create_backup
from taizhang.core.context import acting


class Command(BaseCommand):
    help = ("Write a consistent snapshot of the database and of MEDIA_ROOT to FILE while the "
            "system stays in use (see docs/backup.md).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive to write, e.g. taizhang-2022-07-31.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        if target.exists():
            raise CommandError(_("%(path)s exists; choose a new file name.") % {"path": target})
        try:
            with acting("command"):
                result = create_backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            _("Backed up %(tables)d tables (%(rows)d rows) and %(files)d files of the "
              "%(vendor)s database to %(path)s: %(mb).1f MB in %(s).1f s.")
            % {"tables": len(manifest.tables), "rows": sum(manifest.tables.values()),
               "files": manifest.media_files, "vendor": manifest.vendor, "path": result.path,
               "mb": result.bytes / 1e6, "s": result.seconds})
