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

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from taizhang.core.audit.models import AuditEvent
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
            events = events.filter(object_type=self.object_type)
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


def rows(events: QuerySet[AuditEvent]) -> Iterable[list[Any]]:
    ordered = events.select_related("actor").order_by("at", "id")[:MAX_ROWS]
    for e in ordered.iterator(chunk_size=2000):
        yield [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor.username if e.actor else "",
            e.action, e.object_type, e.object_id, e.object_repr, e.source, e.request_id,
            e.reason, e.reverts_id or "",
            json.dumps(e.changes, ensure_ascii=False, cls=DjangoJSONEncoder),
        ]


def write_csv(events: QuerySet[AuditEvent], out: IO[bytes]) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(headers())
    count = 0
    for row in rows(events):
        writer.writerow([csv_safe(v) for v in row])
        count += 1
    text.flush()
    text.detach()
    return count


def write_xlsx(events: QuerySet[AuditEvent], out: IO[bytes] | str) -> int:
    """Streamed row by row (a write-only workbook): memory stays flat up to MAX_ROWS."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("audit")
    ws.append(headers())
    count = 0
    for row in rows(events):
        count += 1
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws)
            put_value(cell, value)
            cells.append(cell)
        ws.append(cells)
    wb.save(out)
    return count


def write(events: QuerySet[AuditEvent], out: IO[bytes], fmt: str) -> int:
    return write_xlsx(events, out) if fmt == "xlsx" else write_csv(events, out)
