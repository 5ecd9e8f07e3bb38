"""Benchmark 3, `list_page`: the filtered project list with its totals row, under load.

    python -m benchmarks.list_page --db sqlite --size 20 --side ours|django-admin

This process is the load generator: it logs the office user in (a session made with Django's
test client), starts `taizhang runserver --noreload` on a free port of 127.0.0.1 (the same
server for both sides, DEBUG off), sends 2 warm-up requests, then `--size` requests from
`CONCURRENCY` threads, each on a new connection, and stops the server.  Every response must
be a 200 of the page asked for.  It reports the seconds for all the requests, requests per
second and the p50/p95 latency.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks import common

SIDES = ["ours", "django-admin"]
URLS = {
    "ours": "/ledger/projects/?period=2022-07&stage=under_construction",
    "django-admin": "/admin/ledger/project/?stage__exact=under_construction",
}
CONCURRENCY = 2
WARM_UP = 2
TIMEOUT = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookie() -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(common.office_user(common.county()))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _get(port: int, path: str, cookie: str) -> tuple[int, int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    return response.status, len(body), time.perf_counter() - started


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited")
        try:
            _get(port, "/login/", "")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start within 60 s")


def main() -> None:
    args = common.arguments(SIDES, 20)
    common.emit(**measure(args, URLS[args.side]))


def measure(args: argparse.Namespace, path: str,
            writer: Callable[[], subprocess.Popen] | None = None) -> dict[str, Any]:
    """The load of the module's docstring on `path`; with `writer`, the process it starts
    runs from before the warm-up until the last answer (and reports its writes)."""
    common.use(args.db, "ledger")
    cookie = _session_cookie()
    common.close()
    port = _free_port()
    env = {**os.environ, "DEBUG": "0", "TAIZHANG_DEV": "1", "ALLOWED_HOSTS": "127.0.0.1",
           "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "taizhang.cli", "runserver", "--noreload", "--skip-checks",
         f"127.0.0.1:{port}"], env=env, cwd=common.ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    writing = writer() if writer else None
    writes = None
    try:
        _wait_until_up(port, server)
        for _ in range(WARM_UP):
            status, size, _ = _get(port, path, cookie)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
        started = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            answers = list(pool.map(lambda _: _get(port, path, cookie), range(args.size)))
        seconds = time.perf_counter() - started
    finally:
        if writing is not None:
            writing.terminate()
            out, _ = writing.communicate(timeout=60)
            writes = next((int(line.split()[1]) for line in out.splitlines()
                           if line.startswith("WRITES ")), None)
        server.terminate()
        server.wait(timeout=30)
    if any(status != 200 for status, _, _ in answers):
        raise SystemExit(f"not every answer was a 200: {sorted({a[0] for a in answers})}")
    latencies = sorted(latency for _, _, latency in answers)
    return dict(seconds=seconds, requests=args.size, concurrency=CONCURRENCY,
                rps=args.size / seconds, bytes=size,
                p50_s=statistics.median(latencies),
                p95_s=latencies[max(0, round(0.95 * len(latencies)) - 1)],
                **({"writes": writes} if writing is not None else {}))


if __name__ == "__main__":
    main()
