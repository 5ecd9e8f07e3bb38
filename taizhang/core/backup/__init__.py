"""Consistent backups of the database and the uploaded files, and restoring them.

`taizhang backup FILE` / `taizhang restore FILE` call `create_backup` / `restore_backup`.
One archive (gzip'd tar) holds the database snapshot (SQLite online backup or pg_dump custom
format), every file under MEDIA_ROOT and a manifest with checksums; see docs/backup.md.
"""

from taizhang.core.backup.archive import FORMAT_VERSION, Manifest
from taizhang.core.backup.errors import BackupError
from taizhang.core.backup.service import BackupResult, RestoreResult, create_backup, restore_backup

__all__ = [
    "FORMAT_VERSION",
    "BackupError",
    "BackupResult",
    "Manifest",
    "RestoreResult",
    "create_backup",
    "restore_backup",
]
