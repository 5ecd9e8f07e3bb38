"""A real application server (gunicorn, as docs/deploy.md runs it) over a scratch database,
and plain HTTP requests to it: for the tests where per-process state (the cache client, the
database connection, what the process logs) must be the production one, not the test client's.
"""

from __future__ import annotations

import http.client
import re
import signal
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.faults.harness import PYTHON, ROOT, Scratch, wait_until

# Written by the shell of a scratch database: a signed-in session for one user, printed.
_SESSION_FOR = """
from django.test import Client
from taizhang.accounts.models import User
from taizhang.accounts.security.passwords import mark_password_as_chosen
user = User.objects.get(username={username!r})
mark_password_as_chosen(user)
user.save(update_fields=["password_changed_at"])
client = Client()
client.force_login(user)
print("SESSION", client.cookies["sessionid"].value)
"""


def free_port() -> int:
    """A loopback port nobody listens on right now (never the project's 8000)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def session_for(scratch: Scratch, username: str) -> str:
    """The session cookie of `username`, signed in (its password marked as chosen)."""
    out = scratch.shell(_SESSION_FOR.format(username=username)).stdout
    return re.search(r"^SESSION (\S+)$", out, re.M).group(1)  # type: ignore[union-attr]


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str]  # names in lower case; the last of repeated headers
    set_cookies: list[str] = field(default_factory=list)

    def cookie(self, name: str) -> str:
        for header in self.set_cookies:
            key, _, rest = header.partition("=")
            if key.strip() == name:
                return rest.split(";", 1)[0]
        raise KeyError(name)


@dataclass
class AppServer:
    process: subprocess.Popen
    port: int
    log: Path  # the server's stderr: gunicorn's own lines and the application's logging

    def request(self, path: str, *, session: str = "", timeout: float = 30.0) -> Reply:
        return http_request("127.0.0.1", self.port, path, session=session, timeout=timeout)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_app_server(scratch: Scratch, log: Path, *, env: dict[str, str] | None = None,
                     production: bool = False, workers: int = 1) -> AppServer:
    """gunicorn on a free loopback port, answering once it listens; `env` adds settings.

    By default a development server over plain http (TAIZHANG_DEV, cookies not Secure); with
    `production` the production mode of docs/deploy.md (`env` brings its settings)."""
    server_env = dict(scratch.env)
    if production:
        server_env.pop("TAIZHANG_DEV")
        server_env["DEBUG"] = "0"
    else:
        server_env.update(ALLOWED_HOSTS="127.0.0.1,localhost", SESSION_COOKIE_SECURE="0",
                          CSRF_COOKIE_SECURE="0")
    server_env.update(env or {})
    port = free_port()
    handle = log.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "taizhang.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "60", "--graceful-timeout", "5"],
        cwd=ROOT, env=server_env, stdout=handle, stderr=subprocess.STDOUT)
    handle.close()
    server = AppServer(process, port, log)
    booted = re.compile(r"Booting worker with pid")
    wait_until(lambda: booted.search(server.log_text()) and listening(port),
               what="gunicorn to listen", limit=60, process=process)
    return server


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def http_request(address: str, port: int, path: str, *, method: str = "GET",
                 session: str = "", host: str = "", timeout: float = 30.0, tls: bool = False,
                 headers: dict[str, str] | None = None, body: bytes | None = None) -> Reply:
    """One request to `address:port` as `host`; redirects are not followed."""
    if tls:
        import ssl

        context = ssl._create_unverified_context()  # the test's self-signed certificate
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            address, port, timeout=timeout, context=context)
    else:
        conn = http.client.HTTPConnection(address, port, timeout=timeout)
    try:
        sent = {"Host": host or address, **(headers or {})}
        if session:
            sent["Cookie"] = f"sessionid={session}"
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return Reply(response.status, response.read().decode("utf-8", errors="replace"),
                     {k.lower(): v for k, v in response.getheaders()},
                     response.msg.get_all("Set-Cookie") or [])
    finally:
        conn.close()
