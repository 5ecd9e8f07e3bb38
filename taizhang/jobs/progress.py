"""A running job's progress and heartbeat, kept in a small file beside its result.

Not in the database: an import writes all its rows in ONE transaction (a kill leaves nothing
half-written), and on SQLite that transaction holds the only write lock until it commits, so
progress written to a table would wait for the end. A file under MEDIA_ROOT/jobs is read by
the web (which already shares MEDIA_ROOT with the worker: the upload it imports, the file it
exports) and its modification time is the worker's heartbeat: a thread touches it every
TAIZHANG_JOBS_HEARTBEAT_SECONDS while the job runs, whatever the job is doing.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings


def jobs_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_path(job_id: Any) -> Path:
    return jobs_dir() / f"{job_id}.progress"


class Progress:
    """Given to a job's handler: ``progress(done, total)`` after each chunk of work."""

    def __init__(self, job_id: Any) -> None:
        self.path = progress_path(job_id)
        self.done = 0
        self.total = 0
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int | None = None) -> None:
        with self._lock:
            self.done = done
            if total is not None:
                self.total = total
            self._write()

    def beat(self) -> None:
        with self._lock:
            self._write()

    def _write(self) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"done": self.done, "total": self.total}))
        os.replace(temporary, self.path)  # a reader sees the old or the new, never half

    @contextmanager
    def heartbeat(self) -> Iterator[Progress]:
        """Touch the file every few seconds until the block ends (the worker is alive)."""
        self.beat()
        stop = threading.Event()

        def keep_beating() -> None:
            while not stop.wait(settings.TAIZHANG_JOBS_HEARTBEAT_SECONDS):
                self.beat()

        thread = threading.Thread(target=keep_beating, name="job-heartbeat", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()
            self.path.unlink(missing_ok=True)


def read(job_id: Any) -> tuple[int, int, float] | None:
    """(done, total, seconds since the last beat) of a running job, or None without a file."""
    path = progress_path(job_id)
    try:
        data = json.loads(path.read_text())
        age = time.time() - path.stat().st_mtime
    except (FileNotFoundError, ValueError):
        return None
    return int(data.get("done", 0)), int(data.get("total", 0)), age
