"""What each kind of job does: the apps above declare theirs (ledger: import, export).

The jobs app knows no app; `ledger/registrations.py` registers its kinds here, as apps
declare their menus and events to the core.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

if TYPE_CHECKING:
    from taizhang.jobs.models import Job
    from taizhang.jobs.progress import Progress

Label = str | Promise


@dataclass
class Outcome:
    """What a handler reports: ``ok``; a summary for the page; on failure the sentence and
    the rows' errors (dicts: sheet, row, column, column_letter, value, reason); a file the
    owner may download (a path under MEDIA_ROOT/jobs)."""

    ok: bool
    summary: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    row_errors: list[dict[str, Any]] = field(default_factory=list)
    row_error_count: int = 0
    result_file: str = ""
    result_name: str = ""


@dataclass(frozen=True)
class JobKind:
    kind: str
    label: Label
    run: Callable[[Job, Progress], Outcome]
    # Where the result is looked at, once the job succeeded (None: the job page only).
    next_url: Callable[[Job], str | None] = lambda job: None
    next_label: Label = ""
    # Run in one transaction with the job's outcome (for a kind that writes data). Not for a
    # long read (a preview, an export): on SQLite it would hold the write lock throughout.
    atomic: bool = False


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    if kind.kind in KINDS:
        raise ImproperlyConfigured(f"job kind {kind.kind} registered twice")
    KINDS[kind.kind] = kind


def kind_of(job: Job) -> JobKind | None:
    return KINDS.get(job.kind)
