"""A cache server that hangs (alive but silent: SIGSTOP) slows pages down a little; it does
not freeze the site.

A real redis-server of the test's own on a free port, a real gunicorn worker using it as
CACHE_URL (the cache client, its connection pool and the breaker are per process, so the
test client would not show what a worker does). The bound: while the cache hangs, every
request to the ledger list answers 200 within BOUND seconds. With the default timeouts
(0.5 s connect, 0.5 s read) a request pays the cache's read timeout at most once, then the
breaker leaves the cache alone for TAIZHANG_CACHE_RETRY_SECONDS; BOUND is generous for a
loaded 2-core CI machine. Without the timeouts the first request never answers.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from tests.faults.appserver import free_port, session_for, start_app_server
from tests.faults.harness import office_database, wait_until

BOUND = 5.0  # seconds per request while the cache hangs (docs/deploy.md, *Timeouts*)
LIST = "/ledger/projects/"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture
def redis_port(tmp_path) -> Iterator[int]:
    """A redis-server of this test's own (never the machine's): it gets stopped."""
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: _answers(port), what="redis-server to answer", limit=30,
                   process=process)
        yield port
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        process.wait(timeout=20)


def _answers(port: int) -> bool:
    try:
        return bool(redis.Redis(port=port, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def test_a_hanging_cache_server_slows_pages_down_but_never_stops_them(
        scratch, tmp_path, redis_port):
    db = office_database(scratch)
    session = session_for(db, "office")
    server = start_app_server(db, tmp_path / "server.log",
                              env={"CACHE_URL": f"redis://127.0.0.1:{redis_port}/0"})
    cache_server = redis.Redis(port=redis_port, socket_timeout=5)
    try:
        assert server.request(LIST, session=session).status == 200
        assert cache_server.dbsize() > 0  # the page's figures went through this cache
        redis_pid = int(cache_server.info("server")["process_id"])

        os.kill(redis_pid, signal.SIGSTOP)
        try:
            for _request in range(4):
                started = time.monotonic()
                reply = server.request(LIST, session=session, timeout=BOUND + 10)
                took = time.monotonic() - started
                assert reply.status == 200 and "Traceback" not in reply.body
                assert took < BOUND, f"a request took {took:.1f} s while the cache hung"
        finally:
            os.kill(redis_pid, signal.SIGCONT)

        # One failure, one line: the breaker kept the worker off the silent cache after it.
        warnings = [line for line in server.log_text().splitlines()
                    if "statistics cache unreachable" in line]
        assert len(warnings) == 1, warnings
        assert server.request(LIST, session=session).status == 200
    finally:
        server.stop()
