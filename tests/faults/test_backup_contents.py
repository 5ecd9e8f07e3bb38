"""A backup holds every model's table of every app: the dump is the whole database, so a new
app's tables need no declaration to be backed up (only one for the restore guard,
taizhang/core/tests/test_registry.py)."""

from __future__ import annotations

import json
import tarfile

from django.apps import apps

from tests.faults.harness import migrated_database


def test_a_backup_holds_the_table_of_every_model(scratch, tmp_path):
    live = migrated_database(scratch, "live")
    archive = tmp_path / "taizhang.tar.gz"
    live.manage("backup", str(archive))
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    assert tables, "no models"
    assert not tables - set(manifest["tables"]), "tables missing from the backup"
