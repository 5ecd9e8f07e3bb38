"""The audit export for inspectors: events filtered by date, actor and object type, as xlsx/CSV.

Cells never start a formula from user text: text beginning with = + - @ (or a tab or carriage
return) is prefixed with an apostrophe in CSV and marked quote-prefixed text in xlsx, so Excel
shows it as written and never evaluates it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from taizhang.core.audit.models import AuditEvent, is_part_key
from taizhang.core.sheets.safe_cells import is_formula_like, put_value
from taizhang.core.usernames import login_key

MAX_ROWS = 1_000_000  # one xlsx sheet holds 1,048,576 rows


def csv_safe(value: Any) -> Any:
    """Text that would start a formula gets a leading apostrophe (shown as text)."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


@dataclass(frozen=True)
class EventFilter:
    start: date | None = None
    end: date | None = None  # inclusive
    actor: str = ""  # username
    object_type: str = ""  # e.g. ledger.monthlyreport

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.start:
            events = events.filter(at__gte=_midnight(self.start))
        if self.end:
            events = events.filter(at__lt=_midnight(self.end + timedelta(days=1)))
        if self.actor:
            # Any spelling of the account's name finds its events (core/usernames.py).
            events = events.filter(actor__username_key=login_key(self.actor))
        if self.object_type:
            # An import records a plan's, report's or membership's change as a part of its
            # project's event (`audit_part_of`): those events are read too and `rows` keeps
            # only the parts of this type.
            q = Q(object_type=self.object_type)
            holder = _holder_type(self.object_type)
            if holder:
                q |= Q(object_type=holder)
            events = events.filter(q)
        return events

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat() if self.start else "",
                "end": self.end.isoformat() if self.end else "",
                "actor": self.actor, "object_type": self.object_type}


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def headers() -> list[str]:
    return [_("time"), _("actor"), _("action"), _("object type"), _("object id"), _("object"),
            _("source"), _("request id"), _("reason"), _("restores the version of"),
            _("changes")]


def _holder_type(object_type: str) -> str:
    """The type of the object whose events may carry parts about `object_type` ("" if none)."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return ""
    holder = getattr(model, "audit_part_of", None)
    if not holder:
        return ""
    return model._meta.get_field(holder).related_model._meta.label_lower  # type: ignore[union-attr]


def _changes_by_object(event: AuditEvent) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """(object type, object id, changes) of each object the event changed: its own, then
    each part it carries about another object (an import's event on a project)."""
    own = {name: value for name, value in event.changes.items() if not is_part_key(name)}
    yield event.object_type, event.object_id, own
    for name, part in event.changes.items():
        if is_part_key(name):
            object_type, _sep, object_id = name.partition(":")
            yield object_type, object_id, part if isinstance(part, dict) else {}


def rows(events: QuerySet[AuditEvent], object_type: str = "") -> Iterable[list[Any]]:
    """One row per object changed (an import's event gives its project's row and one per
    plan, report and membership it carries), only of `object_type` if given."""
    ordered = events.select_related("actor").order_by("at", "id")
    written = 0
    for e in ordered.iterator(chunk_size=2000):
        for kind, object_id, changes in _changes_by_object(e):
            if object_type and kind != object_type:
                continue
            if kind != e.object_type and not changes:
                continue
            if written >= MAX_ROWS:
                return
            written += 1
            yield [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor.username if e.actor else "",
                e.action, kind, object_id,
                e.object_repr if kind == e.object_type else "",
                e.source, e.request_id, e.reason, e.reverts_id or "",
                json.dumps(changes, ensure_ascii=False, cls=DjangoJSONEncoder),
            ]


def write_csv(events: QuerySet[AuditEvent], out: IO[bytes], object_type: str = "") -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(headers())
    count = 0
    for row in rows(events, object_type):
        writer.writerow([csv_safe(v) for v in row])
        count += 1
    text.flush()
    text.detach()
    return count


def write_xlsx(events: QuerySet[AuditEvent], out: IO[bytes] | str, object_type: str = "") -> int:
    """Streamed row by row (a write-only workbook): memory stays flat up to MAX_ROWS."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("audit")
    ws.append(headers())
    count = 0
    for row in rows(events, object_type):
        count += 1
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws)
            put_value(cell, value)
            cells.append(cell)
        ws.append(cells)
    wb.save(out)
    return count


def write(events: QuerySet[AuditEvent], out: IO[bytes], fmt: str, object_type: str = "") -> int:
    """The rows of `events` (one per object changed, of `object_type` if given) as xlsx/CSV."""
    if fmt == "xlsx":
        return write_xlsx(events, out, object_type)
    return write_csv(events, out, object_type)
