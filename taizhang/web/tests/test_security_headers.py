"""Security headers on every response (the browser test proves the pages satisfy the CSP)."""

from __future__ import annotations

from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", ["/login/", "/ledger/projects/"])
def test_every_page_carries_the_security_headers(client, world, path):
    client.force_login(world.office)
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]


def test_no_template_has_inline_script_style_or_handler():
    import re

    bad = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=|javascript:",
                     re.IGNORECASE)
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.glob("*/templates/**/*.html")
        # Templates under a "print" folder are rendered into documents on the server
        # (WeasyPrint), never served to a browser: the CSP does not apply to them.
        if "print" not in path.relative_to(TEMPLATES).parts
        for match in bad.finditer(path.read_text(encoding="utf-8"))
        # JSON data blocks (json_script) are not executed.
        if "application/json" not in match.group(0)
    ]
    assert offenders == []


def test_htmx_is_told_not_to_inject_styles_or_eval(client, world):
    client.force_login(world.office)
    page = client.get("/ledger/projects/").content.decode()
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page
