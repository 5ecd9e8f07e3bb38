"""taizhang audit-export -o FILE.xlsx|FILE.csv [--from DATE] [--to DATE] [--actor U] [--type T]"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from taizhang.core.audit.export import EventFilter, write
from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.service import record_event
from taizhang.core.context import acting


def _day(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(_("The date must look like YYYY-MM-DD.")) from exc


class Command(BaseCommand):
    help = "Export audit events for inspectors (xlsx or CSV); the export itself is recorded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="a .xlsx or .csv file")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--actor", default="", help="username")
        parser.add_argument("--type", dest="object_type", default="",
                            help="object type, e.g. ledger.monthlyreport")

    def handle(self, *args: Any, **options: Any) -> None:
        output: str = options["output"]
        fmt = output.lower().rsplit(".", 1)[-1]
        if fmt not in ("xlsx", "csv"):
            raise CommandError(_("The output file must end in .xlsx or .csv."))
        chosen = EventFilter(_day(options["start"]), _day(options["end"]), options["actor"],
                             options["object_type"])
        events = chosen.apply(AuditEvent.objects.all())
        with open(output, "wb") as out:
            count = write(events, out, fmt, chosen.object_type)
        with acting("command"):
            record_event("audit.exported", "core.auditevent", "", _("Audit trail"), actor=None,
                         changes={"filters": chosen.as_dict(), "rows": count, "file": output})
        self.stdout.write(_("Wrote %(n)d audit events to %(file)s.")
                          % {"n": count, "file": output})
