"""Backup and restore, as the commands (and any later scheduler) call them."""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model
from django.utils.translation import gettext as _

from taizhang.core.audit.service import record_event
from taizhang.core.backup import postgres, sqlite
from taizhang.core.backup.archive import Manifest, extract_verified, read_manifest, write_archive
from taizhang.core.backup.errors import BackupError
from taizhang.core.figures import figures_may_change
from taizhang.core.registry import registry

_DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


@dataclass
class BackupResult:
    path: Path
    manifest: Manifest
    bytes: int
    seconds: float


@dataclass
class RestoreResult:
    manifest: Manifest
    seconds: float
    pending_migrations: list[str]


def _engine() -> Any:
    vendor = connection.vendor
    if vendor == "sqlite":
        return sqlite
    if vendor == "postgresql":
        return postgres
    raise BackupError(_("Backups of a %(vendor)s database are not supported.")
                      % {"vendor": vendor})


def create_backup(target: Path, *, actor: Any = None) -> BackupResult:
    """Snapshot the database and MEDIA_ROOT into the archive `target` (atomic rename)."""
    started = time.monotonic()
    engine = _engine()
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupError(_("The folder %(dir)s does not exist.") % {"dir": target.parent})
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    member = _DATABASE_MEMBER[connection.vendor]
    try:
        with tempfile.TemporaryDirectory(prefix=".taizhang-backup-", dir=target.parent) as work:
            database = Path(work) / member
            info = engine.snapshot(database)
            manifest = Manifest(vendor=connection.vendor, created_at=created_at,
                                database=member, **info)
            write_archive(target, database, manifest, Path(settings.MEDIA_ROOT))
    except OSError as exc:  # a full disk, a folder we may not write to
        raise BackupError(_("The backup could not be written to %(path)s: %(reason)s")
                          % {"path": target, "reason": exc.strerror or exc}) from exc
    size = target.stat().st_size
    _record("backup.created", target, actor, {
        "bytes": size, "tables": len(manifest.tables), "media_files": manifest.media_files})
    return BackupResult(target, manifest, size, time.monotonic() - started)


def check_compatible(manifest: Manifest) -> None:
    """Refuse an archive from another database vendor or from a newer taizhang."""
    if manifest.format > 1:
        raise BackupError(_("The backup has format %(n)d; this taizhang reads format 1 only.")
                          % {"n": manifest.format})
    if manifest.vendor != connection.vendor:
        raise BackupError(_("The backup is of a %(theirs)s database but this installation uses "
                            "%(ours)s; restore it into a %(theirs)s database.")
                          % {"theirs": manifest.vendor, "ours": connection.vendor})
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest.migrations
               if (app, name) not in known]
    if unknown:
        raise BackupError(_("The backup was made by a newer taizhang (migrations %(names)s are "
                            "unknown here); upgrade taizhang first.")
                          % {"names": ", ".join(unknown[:5])})


def guarded_models() -> list[type[Model]]:
    """The models whose rows make a restore need --yes: every model but those its app declares
    are not the office's data (`registry.backup` in `<app>/registrations.py`; Django's own
    tables fill up on `migrate`). An undeclared model counts as data: careful by default."""
    return [model for model in apps.get_models()
            if model._meta.label_lower not in registry.not_office_data]


def holds_data() -> bool:
    """Whether the live database has any of the office's rows (then a restore needs --yes)."""
    try:
        existing = set(connection.introspection.table_names())
        for model in guarded_models():
            if model._meta.db_table in existing and model._base_manager.exists():
                return True
    except DatabaseError:
        return True  # unreadable: be careful
    return False


def restore_backup(source: Path, *, force: bool = False, actor: Any = None) -> RestoreResult:
    """Replace the database and MEDIA_ROOT with the archive's; refuses rather than guesses.

    The database is replaced in one transaction (a failure leaves it as it was); the media
    folder is then swapped by two renames.
    """
    started = time.monotonic()
    source = Path(source)
    engine = _engine()
    manifest = read_manifest(source)
    check_compatible(manifest)
    if not force and holds_data():
        raise BackupError(_("The database already holds data; restoring replaces all of it. "
                            "Give --yes to do that."))
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Extract next to MEDIA_ROOT so the final swap is a rename on one file system.
    try:
        with tempfile.TemporaryDirectory(prefix=".taizhang-restore-",
                                         dir=media_root.parent) as work:
            workdir = Path(work)
            extract_verified(source, manifest, workdir)
            database = workdir / manifest.database
            if manifest.vendor == "postgresql":
                postgres.restore(database, manifest.tool_version)
            else:
                engine.restore(database)
            _swap_media(workdir / "media", media_root)
    except OSError as exc:  # a full disk while unpacking, a folder we may not write to
        raise BackupError(_("The backup could not be unpacked: %(reason)s")
                          % {"reason": exc.strerror or exc}) from exc
    pending = _pending_migrations()
    if not any(name.startswith("stats.") for name in pending):
        # The restored data version is the backup's: a cache may hold figures computed after
        # it under that same version. A fresh one makes every cached figure unreachable.
        figures_may_change.send(sender=None, using=DEFAULT_DB_ALIAS)
    if not any(name.startswith("core.") for name in pending):
        _record("backup.restored", source, actor, {
            "created_at": manifest.created_at, "tables": len(manifest.tables),
            "media_files": manifest.media_files})
    return RestoreResult(manifest, time.monotonic() - started, pending)


def _swap_media(restored: Path, media_root: Path) -> None:
    restored.mkdir(exist_ok=True)
    old = media_root.with_name(f".{media_root.name}.old-{uuid.uuid4().hex[:8]}")
    if media_root.exists():
        media_root.rename(old)
    restored.rename(media_root)
    if old.exists():
        shutil.rmtree(old)


def _pending_migrations() -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def _record(action: str, path: Path, actor: Any, changes: dict[str, Any]) -> None:
    # The subject is the archive file, not a model row.
    record_event(action, "core.backup", path.name[:64], str(path)[:200], actor=actor,
                 changes=changes)
