"""`taizhang backup` while another process keeps writing, `taizhang restore` into a fresh
database: every table and every uploaded file comes back exactly as at the snapshot."""

from __future__ import annotations

import json
import tarfile

from tests.faults.harness import (
    fingerprint,
    media_files,
    migrated_database,
    rows_by_key,
    tables,
    wait_until,
)
from tests.faults.scripts import WRITER_PREFIX

# The tables the concurrent writer (and the backup's own audit row) add to after the snapshot.
GROWING = {"ledger_project", "ledger_annualplan", "core_auditevent", "sqlite_sequence"}
# Rows the writer changes in place after the snapshot: SQLite's id counters, and the data
# version (stats/version.py), which every write moves on.
MOVING = {"sqlite_sequence", "stats_dataversion", "stats_divisionversion"}


def writer_projects(db) -> int:
    return db.count("ledger_project", f"name LIKE '{WRITER_PREFIX}%'")


def manifest_of(archive) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return json.load(tar.extractfile("manifest.json"))


def test_backup_while_writing_restores_the_snapshot_exactly(scratch, tmp_path):
    live = migrated_database(scratch, "live")
    live.manage("load-scenario", "qianan-2022")
    demo = len(media_files(live.media))  # August's site photos of the demo, thumbnails too
    live.shell("from tests.faults.scripts import add_photos; add_photos(3)")
    photos = media_files(live.media)
    assert len(photos) == demo + 6  # three photos and the thumbnail made of each at upload

    stop = tmp_path / "stop-writing"
    code = f"from tests.faults.scripts import keep_writing; keep_writing({str(stop)!r})"
    writer = live.spawn("shell", "-c", code)
    try:
        wait_until(lambda: writer_projects(live) >= 5, what="the writer's first projects",
                   process=writer)
        archive = tmp_path / "taizhang.tar.gz"
        backup = live.manage("backup", str(archive))
        written_by_then = writer_projects(live)
        # Writing went on after the snapshot: the backup must not contain those rows.
        wait_until(lambda: writer_projects(live) > written_by_then + 2,
                   what="writes after the backup", process=writer)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert "Backed up" in backup.stdout or "备份" in backup.stdout

    restored = scratch.new("restored")  # a fresh, empty database
    restore = restored.manage("restore", str(archive))
    assert restore.returncode == 0, restore.stderr

    manifest = manifest_of(archive)
    assert manifest["vendor"] == live.vendor and manifest["format"] == 1
    assert ["ledger", "0001_initial"] in manifest["migrations"]

    # The restore's own audit row is the one row the snapshot did not have.
    (restored_event,) = restored.query(
        "SELECT id, source FROM core_auditevent WHERE action = 'backup.restored'")
    assert restored_event[1] == "command"
    assert live.count("core_auditevent",
                      "action = 'backup.created' AND source = 'command'") == 1

    assert set(tables(restored)) == set(tables(live)) == set(manifest["tables"])
    for table in tables(live):
        got = rows_by_key(restored, table)
        if table == "core_auditevent":
            got.pop(restored_event[0])
        assert len(got) == manifest["tables"][table], table  # the counts at the snapshot
        if table in MOVING:
            continue  # moved on with the writer
        now = rows_by_key(live, table)
        at_snapshot = {key: now[key] for key in got if key in now}
        # Every restored row is byte-for-byte the live row: same count, same content hash.
        assert fingerprint(got) == fingerprint(at_snapshot), table
        if table not in GROWING:
            assert fingerprint(got) == fingerprint(now), table

    # The snapshot caught the writer mid-stream, and each of its transactions whole.
    caught = writer_projects(restored)
    assert 5 <= caught < writer_projects(live)
    of_writer = f"name LIKE '{WRITER_PREFIX}%'"
    in_writer = f"project_id IN (SELECT id FROM ledger_project WHERE {of_writer})"  # noqa: S608
    plans = restored.count("ledger_annualplan", in_writer)
    assert plans == caught
    assert restored.count("core_auditevent", "action = 'project.created' AND source = 'command'"
                          " AND object_repr LIKE '%" + WRITER_PREFIX + "%'") == caught

    # Every uploaded file, byte for byte, and the photos' rows point at them.
    assert media_files(restored.media) == photos
    stored = {name for row in restored.query("SELECT image, thumbnail FROM ledger_reportphoto")
              for name in row}
    assert stored == set(photos)
