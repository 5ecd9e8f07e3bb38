"""The PostgreSQL client tools must be at least the server's major version (pg_dump refuses a
newer server, and a dump is only readable by its own or a newer pg_restore)."""

from __future__ import annotations

import pytest

from taizhang.core.backup import BackupError
from taizhang.core.backup.postgres import _check_tool, tool_major


def _fake_tool(folder, name, version):
    tool = folder / name
    tool.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    tool.chmod(0o755)


def test_an_older_pg_dump_is_refused_naming_the_package_to_install(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "pg_dump", "13.14 (Debian 13.14-0+deb11u1)")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert tool_major("pg_dump")[0] == 13
    with pytest.raises(BackupError, match="postgresql-client-15"):
        _check_tool("pg_dump", 15)


def test_a_missing_tool_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_restore"):
        _check_tool("pg_restore", 15)


def test_a_newer_tool_is_accepted(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "pg_restore", "16.2")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert _check_tool("pg_restore", 15) == "pg_restore (PostgreSQL) 16.2"
