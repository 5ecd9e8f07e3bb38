"""Operations hygiene: a stopped database costs one log line per failed request, not a
traceback storm; backup archives are readable by their owner only.

The database is made unreachable under a real gunicorn server: on PostgreSQL it stops
accepting connections (`ALLOW_CONNECTIONS false`, its backends terminated), on SQLite its
file is replaced by a directory (it can no longer be opened).
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from tests.faults.appserver import session_for, start_app_server
from tests.faults.harness import Scratch, _pg_admin, office_database

LIST = "/ledger/projects/"


@contextmanager
def unreachable(db: Scratch) -> Iterator[None]:
    if db.vendor == "postgresql":
        name = urlsplit(db.url).path.lstrip("/")
        with _pg_admin(db.url) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s", (name,))
        try:
            yield
        finally:
            with _pg_admin(db.url) as admin:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        return
    path = db.sqlite_path
    aside = path.with_name(path.name + ".aside")
    path.rename(aside)
    path.mkdir()
    try:
        yield
    finally:
        path.rmdir()
        aside.rename(path)


def test_a_stopped_database_logs_one_line_per_failed_request(scratch, tmp_path):
    db = office_database(scratch)
    session = session_for(db, "office")
    server = start_app_server(db, tmp_path / "server.log")
    try:
        assert server.request(LIST, session=session).status == 200
        with unreachable(db):
            for _attempt in range(3):  # the first loses its connection, the others connect
                before = len(server.log_text().splitlines())
                reply = server.request(LIST, session=session)
                logged = server.log_text().splitlines()[before:]
                assert reply.status == 503 and "Traceback" not in reply.body
                # Written before the response was sent, so all of it is in the log by now.
                assert len(logged) == 1, "\n".join(logged[:40])
                assert logged[0].startswith("database unavailable") and LIST in logged[0]
        assert server.request(LIST, session=session).status == 200  # recovered by itself
    finally:
        server.stop()


def test_backup_archives_are_written_for_the_owner_only(scratch, tmp_path):
    db = office_database(scratch)
    archive = tmp_path / "taizhang.tar.gz"
    leftover = tmp_path / "taizhang.tar.gz.partial"  # of a backup killed half-way, earlier
    leftover.write_bytes(b"half an archive")
    leftover.chmod(0o644)
    db.manage("backup", str(archive), umask=0o022)  # the usual umask: new files 0644
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert not leftover.exists()
    db.manage("backup", str(tmp_path / "second.tar.gz"), umask=0o000)
    assert stat.S_IMODE((tmp_path / "second.tar.gz").stat().st_mode) == 0o600
