"""Who is acting, from where: carried through a request or a command for the audit trail."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ActionContext:
    source: str = "command"  # web, import, command, api, scenario
    request_id: str = ""


_current: ContextVar[ActionContext | None] = ContextVar("taizhang_action", default=None)


def current() -> ActionContext:
    return _current.get() or ActionContext()


#: Where an action done as nobody may come from: a console command, the demo scenario.
UNATTENDED_SOURCES = ("command", "scenario")


def unattended(actor: Any, *, also: tuple[str, ...] = ()) -> bool:
    """The write is the machine's: no actor, from a command or the scenario (or a source in
    `also`), never a request. The services' permission gates let it through, audited as
    nobody."""
    return actor is None and current().source in (*UNATTENDED_SOURCES, *also)


@contextlib.contextmanager
def acting(source: str, request_id: str | None = None) -> Iterator[ActionContext]:
    """Mark everything inside as done from `source` (kept in each audit record)."""
    ctx = ActionContext(source=source, request_id=request_id or uuid.uuid4().hex)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
