"""taizhang restore FILE [--yes] — replace the database and the uploaded files with a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from taizhang.core.backup import BackupError, restore_backup
from taizhang.core.context import acting


class Command(BaseCommand):
    help = ("Restore a backup written by `taizhang backup`. Refuses a damaged archive or one of "
            "another database vendor; replacing a database that holds data needs --yes.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive written by `taizhang backup`")
        parser.add_argument("--yes", "--force", dest="yes", action="store_true",
                            help="replace the data the database already holds")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with acting("command"):
                result = restore_backup(Path(options["file"]), force=options["yes"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            _("Restored the backup of %(created)s: %(tables)d tables (%(rows)d rows) and "
              "%(files)d files, in %(s).1f s.")
            % {"created": manifest.created_at, "tables": len(manifest.tables),
               "rows": sum(manifest.tables.values()), "files": manifest.media_files,
               "s": result.seconds})
        if result.pending_migrations:
            self.stdout.write(_("The backup is from an older version: run `taizhang migrate` "
                                "now (%(n)d migrations to apply).")
                              % {"n": len(result.pending_migrations)})
