"""Uploads waiting for their confirm: one file per preview under MEDIA_ROOT/imports.

A file is deleted when its import is committed or refused, and once it is older than
TAIZHANG_IMPORT_PREVIEW_HOURS: by ``taizhang purge-previews`` (run it daily from cron) and
whenever a new preview is stored.  A confirm of an expired preview is refused.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

_TOKEN = re.compile(r"[0-9a-f]{32}")


def staging_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _lifetime_seconds() -> float:
    return settings.TAIZHANG_IMPORT_PREVIEW_HOURS * 3600


def _expired(path: Path, now: float) -> bool:
    try:
        return path.stat().st_mtime + _lifetime_seconds() < now
    except FileNotFoundError:
        return True


def stage(chunks: Iterable[bytes]) -> tuple[str, Path]:
    """Store an upload; return its token and path.  Expired previews are removed first."""
    purge_expired()
    token = secrets.token_hex(16)
    path = staging_dir() / token
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return token, path


def staged(token: str) -> Path | None:
    """The stored upload of a preview, or None if there is none or it has expired (an
    expired one is deleted)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    path = staging_dir() / token
    if _expired(path, time.time()):
        path.unlink(missing_ok=True)
        return None
    return path


def purge_expired() -> int:
    """Delete the previews older than their lifetime; return how many were deleted."""
    now, deleted = time.time(), 0
    for path in staging_dir().iterdir():
        if _TOKEN.fullmatch(path.name) and path.is_file() and _expired(path, now):
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
