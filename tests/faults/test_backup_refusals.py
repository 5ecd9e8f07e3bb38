"""A restore refuses what it should (data in the way, a damaged archive, another vendor), a
failed restore leaves the old database usable, and a backup onto a full disk leaves no file.

Messages are checked for what survives translation (option names, file and vendor names) and
for the absence of a traceback; the data are checked directly.
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import tarfile
from contextlib import contextmanager

import pytest

from tests.faults.harness import media_files, office_database, write_sheet

PROJECTS = 20


@pytest.fixture(scope="module")
def _backed_up_once(module_scratch):
    """A database with 20 imported projects and a photo file, its backup, then one more
    project and another file made after the backup."""
    db = office_database(module_scratch, "backed-up")
    db.manage("import-ledger", str(write_sheet(module_scratch.tmp / "sheet.xlsx", PROJECTS)))
    (db.media / "reports").mkdir(parents=True)
    (db.media / "reports" / "before.png").write_bytes(b"\x89PNG before")
    archive = module_scratch.tmp / "backup.tar.gz"
    db.manage("backup", str(archive))
    db.shell(_ONE_MORE_PROJECT)
    (db.media / "reports" / "after.png").write_bytes(b"\x89PNG after")
    return db, archive


@pytest.fixture
def backed_up(_backed_up_once, scratch):
    """This test's own copy of the backed-up database, and the (read-only) backup."""
    db, archive = _backed_up_once
    return scratch.clone(db, "copy"), archive


_ONE_MORE_PROJECT = """
from decimal import Decimal
from taizhang.accounts.models import Organization, User
from taizhang.ledger.services.projects import create_project
office = User.objects.get(username="office")
create_project(actor=office, name="备份之后的项目", owner=Organization.objects.first(),
               division=office.division, planned_total=Decimal("1.00"), industry="C")
"""


def refused(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("CommandError: "), result.stderr
    return result.stderr


def untouched(db) -> None:
    """Still the database (and files) of after the backup, and usable."""
    assert db.count("ledger_project") == PROJECTS + 1
    assert db.count("ledger_project", "name = '备份之后的项目'") == 1
    assert set(media_files(db.media)) == {"reports/before.png", "reports/after.png"}
    if db.vendor == "sqlite":
        assert db.query("PRAGMA integrity_check") == [("ok",)]
    db.shell(_ONE_MORE_PROJECT.replace("备份之后的项目", "还能写入"))
    assert db.count("ledger_project") == PROJECTS + 2


def test_restore_over_data_needs_yes_and_then_brings_back_the_snapshot(backed_up):
    db, archive = backed_up
    assert "--yes" in refused(db.manage("restore", str(archive), check=False))
    assert db.count("ledger_project") == PROJECTS + 1

    db.manage("restore", "--yes", str(archive))
    assert db.count("ledger_project") == PROJECTS
    assert db.count("ledger_project", "name = '备份之后的项目'") == 0
    assert media_files(db.media) == {"reports/before.png": b"\x89PNG before"}
    assert db.count("core_auditevent", "action = 'backup.restored' AND source = 'command'") == 1

    # Each restore gets a fresh data version: figures cached after the backup was taken (under
    # the version it holds) are never served for the restored data.
    first = db.query("SELECT token FROM stats_dataversion")
    db.manage("restore", "--yes", str(archive))
    assert db.query("SELECT token FROM stats_dataversion") != first


def _rewrite(archive, target, *, flip_at: float | None = None, manifest_change=None):
    data = bytearray(archive.read_bytes())
    if flip_at is not None:
        data[int(len(data) * flip_at)] ^= 0xFF
        target.write_bytes(bytes(data))
        return target
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            content = src.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(content)
                manifest_change(manifest)
                content = json.dumps(manifest).encode()
                member.size = len(content)
            dst.addfile(member, io.BytesIO(content))
    return target


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "not an archive"])
def test_a_damaged_archive_is_refused_and_nothing_changes(backed_up, tmp_path, damage):
    db, archive = backed_up
    bad = tmp_path / "bad.tar.gz"
    if damage == "flipped byte":
        _rewrite(archive, bad, flip_at=0.5)
    elif damage == "truncated":
        bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    else:
        bad.write_bytes(b"PK\x03\x04 an xlsx, perhaps")
    message = refused(db.manage("restore", "--yes", str(bad), check=False))
    assert str(bad) in message or "database." in message
    untouched(db)


def test_an_archive_of_the_other_vendor_is_refused(backed_up, tmp_path):
    db, archive = backed_up
    other = "postgresql" if db.vendor == "sqlite" else "sqlite"
    bad = _rewrite(archive, tmp_path / "other.tar.gz",
                   manifest_change=lambda m: m.update(vendor=other))
    message = refused(db.manage("restore", "--yes", str(bad), check=False))
    assert other in message and db.vendor in message
    untouched(db)


def test_an_archive_of_a_newer_version_is_refused(backed_up, tmp_path):
    db, archive = backed_up
    bad = _rewrite(archive, tmp_path / "newer.tar.gz", manifest_change=lambda m: m.update(
        migrations=[*m["migrations"], ["ledger", "9999_from_the_future"]]))
    assert "9999_from_the_future" in refused(db.manage("restore", "--yes", str(bad),
                                                       check=False))
    untouched(db)


@contextmanager
def _lock_held(db):
    """Another session holds a lock the restore needs, for as long as the block runs."""
    conn = db.connect()
    try:
        if db.vendor == "sqlite":
            conn.execute("BEGIN IMMEDIATE")
        else:
            conn.execute("BEGIN")
            conn.execute("LOCK TABLE ledger_stagechange IN ACCESS SHARE MODE")
        yield
    finally:
        conn.rollback() if db.vendor == "postgresql" else conn.execute("ROLLBACK")
        conn.close()


def test_a_restore_that_fails_midway_leaves_the_old_database_usable(backed_up):
    db, archive = backed_up
    db.extra_env.update(TAIZHANG_SQLITE_TIMEOUT="1", PGOPTIONS="-c lock_timeout=1s")
    with _lock_held(db):
        refused(db.manage("restore", "--yes", str(archive), check=False))
    untouched(db)


@pytest.fixture
def small_disk(tmp_path):
    """Mounts a small file system (tmpfs, as root, as CI runs) of the size asked for."""
    mounted = []

    def mount(kib: int):
        point = tmp_path / f"disk{len(mounted)}"
        point.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(point)],
                       check=True)
        mounted.append(point)
        return point

    try:
        yield mount
    finally:
        for point in mounted:
            subprocess.run(["umount", "-l", str(point)], check=True)


def test_a_backup_onto_a_full_disk_fails_cleanly_and_leaves_no_file(backed_up, small_disk):
    db, _archive = backed_up
    tiny_disk = small_disk(256)
    (tiny_disk / "filler").write_bytes(b"\0" * 200_000)
    message = refused(db.manage("backup", str(tiny_disk / "backup.tar.gz"), check=False))
    assert "No space left" in message or "disk is full" in message  # the system's own words
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler"]
    assert db.count("core_auditevent", "action = 'backup.created'") == 1  # the first one only


def test_sqlite_import_onto_a_full_disk_gives_a_clear_error_and_writes_nothing(
        scratch, tmp_path, small_disk):
    # SQLite only: PostgreSQL's data directory is not ours to fill (see docs/backup.md).
    source = office_database(scratch, "seeded", vendor_="sqlite")
    # Room for the database and a little more, not for 3,000 projects.
    tiny_disk = small_disk(source.sqlite_path.stat().st_size // 1024 + 512)
    db = scratch.new("full", vendor_="sqlite")
    db.url = f"sqlite:///{tiny_disk / 'full.sqlite3'}"
    with sqlite3.connect(source.sqlite_path) as src, sqlite3.connect(db.sqlite_path) as dst:
        src.backup(dst)
    before = db.count("ledger_project"), db.count("core_auditevent")
    result = db.manage("import-ledger", str(write_sheet(tmp_path / "big.xlsx", 3000)),
                       check=False)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr and "disk is full" in result.stderr
    assert db.query("PRAGMA integrity_check") == [("ok",)]
    assert (db.count("ledger_project"), db.count("core_auditevent")) == before
