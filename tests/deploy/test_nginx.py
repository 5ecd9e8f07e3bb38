"""docs/deploy.md's nginx site, read from the document and run for real in front of a
production-mode gunicorn: pages answer (the Host header, X-Forwarded-Proto), plain http
is redirected, the client's address cannot be forged (X-Forwarded-For with
TAIZHANG_PROXY_COUNT=1), and with no application server nginx shows the application's own
50x page. Only the ports, the certificate and the static folder are put in for the test;
each of those must still be in the document, so a changed site fails here first.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.faults.appserver import free_port, http_request, listening, start_app_server
from tests.faults.harness import ROOT, office_database, wait_until

DOC = ROOT / "docs" / "deploy.md"
SITE = "taizhang.example.gov.cn"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ERROR_PAGE = ROOT / "taizhang" / "web" / "static" / "errors" / "50x.html"


def site_from_doc() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "docs/deploy.md should hold exactly one nginx site"
    return blocks[0]


def put_in(site: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in site, f"docs/deploy.md's nginx site no longer has {old!r}"
        site = site.replace(old, new)
    return site


@pytest.fixture
def certificate(tmp_path) -> Path:
    folder = tmp_path / "tls"
    folder.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", f"/CN={SITE}", "-keyout", str(folder / "privkey.pem"),
         "-out", str(folder / "fullchain.pem")], check=True, capture_output=True)
    return folder


@pytest.fixture
def nginx(tmp_path, certificate) -> Iterator:
    """Starts the document's site for an application server port; yields (http, https)."""
    running: list[subprocess.Popen] = []

    def start(app_port: int, static_root: Path) -> tuple[int, int]:
        http_port, https_port = free_port(), free_port()
        site = put_in(site_from_doc(), {
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
            "/etc/ssl/taizhang/": f"{certificate}/",
            "/srv/taizhang/var/static": str(static_root),
        })
        prefix = tmp_path / "nginx"
        prefix.mkdir()
        # As root, nginx's workers would drop to `nobody`, who cannot read pytest's folders.
        user = "user root;" if os.geteuid() == 0 else ""
        temp = " ".join(f"{kind}_temp_path {prefix}/{kind};"
                        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (prefix / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    {temp}
    {site}
}}
""", encoding="utf-8")
        process = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
             "-e", str(prefix / "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        running.append(process)
        wait_until(lambda: listening(https_port) and listening(http_port),
                   what="nginx to listen", limit=30, process=process)
        return http_port, https_port

    yield start
    for process in running:
        process.terminate()
        process.wait(timeout=20)


def test_the_documented_nginx_site_serves_the_application_and_its_50x_page(
        scratch, tmp_path, nginx):
    db = office_database(scratch)
    var = tmp_path / "var"
    db.extra_env["TAIZHANG_VAR_DIR"] = str(var)
    db.manage("collectstatic", "--no-input", "-v", "0")  # as docs/deploy.md, step 6
    app = start_app_server(db, tmp_path / "app.log", production=True, env={
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": SITE,
        "TAIZHANG_PROXY_COUNT": "1", "SECURE_HSTS_SECONDS": "31536000"})
    http_port, https_port = nginx(app.port, var / "static")

    def get(path: str, **kw):
        return http_request("127.0.0.1", https_port, path, host=SITE, tls=True, **kw)

    try:
        # Django sees the site's name (not 127.0.0.1:port: 400) and https (not a redirect).
        login = get("/login/")
        assert login.status == 200, (login.status, login.body[:300])
        assert "csrfmiddlewaretoken" in login.body
        plain = http_request("127.0.0.1", http_port, "/ledger/projects/", host=SITE)
        assert plain.status == 301
        assert plain.headers["location"] == f"https://{SITE}/ledger/projects/"
        assert get("/static/web/app.css").status == 200  # served by nginx itself

        # The lockout counts the address nginx saw, not what the client claims.
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.body).group(1)
        refused = get("/login/", method="POST", body=urlencode(
            {"csrfmiddlewaretoken": token, "username": "office", "password": "wrong"}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Cookie": f"csrftoken={login.cookie('csrftoken')}",
                     "Referer": f"https://{SITE}/login/", "X-Forwarded-For": "203.0.113.9"})
        assert refused.status == 200, (refused.status, refused.body[:300])
        addresses = [str(row[0]) for row in db.query("SELECT address FROM accounts_loginfailure")]
        assert addresses == ["127.0.0.1"]
    finally:
        app.stop()

    # No application server: the application's own page, in both languages, not nginx's.
    down = get("/ledger/projects/")
    assert down.status == 502
    assert down.body == ERROR_PAGE.read_text(encoding="utf-8")
    assert "系统暂时无法访问" in down.body and "temporarily unavailable" in down.body
    assert not re.search(r"\b(src|href)=|@import|url\(", down.body)  # nothing to fetch
