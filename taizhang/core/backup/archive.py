"""The archive: `database.*`, `media/...` and `manifest.json` (last) in a gzip'd tar.

The archive is written to `FILE.partial` and renamed when complete, so a failed or interrupted
backup never leaves a file under the name an operator would restore from. It is created 0600
(owner only), whatever the umask: it holds personal data.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

from taizhang.core.backup.errors import BackupError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
_CHUNK = 1024 * 1024
ARCHIVE_MODE = 0o600


@dataclass
class Manifest:
    vendor: str  # Django's connection.vendor: "sqlite" or "postgresql"
    created_at: str  # ISO 8601, UTC
    database: str  # the member holding the database snapshot
    migrations: list[list[str]]  # applied [app, name] pairs at the snapshot
    tables: dict[str, int]  # rows per table at the snapshot
    server_version: str = ""
    tool_version: str = ""  # pg_dump's version (PostgreSQL only)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # member → sha256, bytes
    format: int = FORMAT_VERSION
    app: str = "taizhang"

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        raw = json.loads(data)
        if not isinstance(raw, dict) or raw.get("app") != "taizhang":
            raise ValueError("not a taizhang manifest")
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in raw.items() if k in known})

    @property
    def media_files(self) -> int:
        return sum(1 for name in self.files if name.startswith(MEDIA_PREFIX))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def write_archive(target: Path, database: Path, manifest: Manifest, media_root: Path) -> None:
    """Write the archive; the database file first, then the media files, the manifest last."""
    partial = target.with_name(target.name + ".partial")
    try:
        with _private_file(partial) as raw, \
                tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            manifest.files[manifest.database] = {
                "sha256": sha256_of(database), "bytes": database.stat().st_size}
            tar.add(database, arcname=manifest.database, recursive=False)
            for path in media_files(media_root):
                # Read once: the checksum is of exactly the bytes archived.
                try:
                    data = path.read_bytes()
                except FileNotFoundError:
                    continue  # deleted since the listing (after the database snapshot)
                name = MEDIA_PREFIX + path.relative_to(media_root).as_posix()
                manifest.files[name] = {
                    "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                _add_bytes(tar, name, data)
            _add_bytes(tar, MANIFEST, manifest.to_json())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _private_file(path: Path) -> io.BufferedWriter:
    """`path` opened for writing, readable by its owner only (0600) whatever the umask: an
    archive holds names, phone numbers and photos."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, ARCHIVE_MODE)
    try:
        os.fchmod(fd, ARCHIVE_MODE)  # also a leftover .partial made earlier with another mode
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o640
    tar.addfile(info, io.BytesIO(data))


def read_manifest(source: Path) -> Manifest:
    """The manifest, or BackupError if the file is not a readable taizhang backup."""
    try:
        with tarfile.open(source, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return Manifest.from_json(member.read())
    except FileNotFoundError as exc:
        raise BackupError(_("No such file: %(path)s") % {"path": source}) from exc
    except (tarfile.TarError, KeyError, ValueError, EOFError, OSError) as exc:
        raise BackupError(_("%(path)s is not a taizhang backup or it is damaged (%(reason)s).")
                          % {"path": source, "reason": exc}) from exc


def extract_verified(source: Path, manifest: Manifest, workdir: Path) -> None:
    """Extract every member into `workdir`, checking it against the manifest's checksums."""
    seen: set[str] = set()
    try:
        with tarfile.open(source, "r:gz") as tar:
            for member in tar:
                name = member.name
                if name == MANIFEST:
                    continue
                expected = manifest.files.get(name)
                if expected is None or not member.isfile() or not _is_safe(name):
                    raise BackupError(_("The backup holds an unexpected entry %(name)s; it is "
                                        "damaged or was altered.") % {"name": name})
                target = workdir / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                reader = tar.extractfile(member)
                assert reader is not None  # a regular file
                with target.open("wb") as out:
                    while chunk := reader.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != expected["sha256"]:
                    raise BackupError(_("The checksum of %(name)s does not match the manifest; "
                                        "the backup is damaged.") % {"name": name})
                seen.add(name)
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(_("%(path)s is damaged (%(reason)s).")
                          % {"path": source, "reason": exc}) from exc
    missing = sorted(set(manifest.files) - seen)
    if missing:
        raise BackupError(_("The backup is incomplete: %(names)s missing.")
                          % {"names": ", ".join(missing[:5])})


def _is_safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts
