"""A real PostgreSQL primary and streaming replica on 127.0.0.1: writes go to the primary,
statistics are read from the replica.

Needs the PostgreSQL server binaries (.ci/run installs them). As root, the clusters run as
the postgres user, since initdb refuses root.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args: list[str], as_postgres: bool) -> None:
    if as_postgres:
        args = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{a}'" for a in args)]
    subprocess.run(args, check=True, capture_output=True, timeout=120)


@pytest.fixture
def primary_and_replica():
    pg = _pg_bin()
    if pg is None:
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    as_postgres = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="taizhang-replica-"))
    if as_postgres:
        shutil.chown(base, "postgres")
    primary, replica = base / "primary", base / "replica"
    p_port, r_port = _free_port(), _free_port()
    started = []
    try:
        _run([str(pg / "initdb"), "-D", str(primary), "-U", "postgres", "-A", "trust",
              "--locale=C.UTF-8", "-E", "UTF8"], as_postgres)
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        for data, port in ((primary, p_port),):
            _run([str(pg / "pg_ctl"), "-D", str(data), "-l", str(base / "primary.log"), "-w",
                  "-o", f"-h 127.0.0.1 -p {port} -k {base} -c wal_level=replica", "start"],
                 as_postgres)
            started.append(data)
        _run([str(pg / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres",
              "-D", str(replica), "-R", "-X", "stream"], as_postgres)
        _run([str(pg / "pg_ctl"), "-D", str(replica), "-l", str(base / "replica.log"), "-w",
              "-o", f"-h 127.0.0.1 -p {r_port} -k {base}", "start"], as_postgres)
        started.append(replica)
        _run([str(pg / "createdb"), "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres",
              "taizhang"], as_postgres)
        yield (f"postgres://postgres@127.0.0.1:{p_port}/taizhang",
               f"postgres://postgres@127.0.0.1:{r_port}/taizhang")
    finally:
        for data in reversed(started):
            try:
                _run([str(pg / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                     as_postgres)
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(base, ignore_errors=True)


def test_writes_go_to_the_primary_and_statistics_come_from_the_replica(primary_and_replica):
    primary_url, replica_url = primary_and_replica
    env = {**os.environ, "DATABASE_URL": primary_url, "DATABASE_REPLICA_URL": replica_url,
           "TAIZHANG_DEV": "1", "DEBUG": "1", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "replica" / "replica_check.py")],
        env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    verdict = json.loads(result.stdout.strip().splitlines()[-1])
    assert verdict["ytd"] == "321.09"  # the replica has the primary's writes
    assert verdict["projects"] == 1
    assert verdict["replica_statements"], "the statistics were not read from the replica"
    # Nothing written to the replica: plain reads (the statistics statement may open with a
    # common table expression on PostgreSQL).
    assert set(verdict["replica_statements"]) <= {"SELECT", "WITH"}
    assert verdict["primary_writes"] >= 6
