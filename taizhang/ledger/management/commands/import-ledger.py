"""taizhang import-ledger FILE [--period YYYY-MM] [--dry-run] [--user USERNAME]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from taizhang.accounts.choices import Role
from taizhang.accounts.identity import login_key
from taizhang.accounts.scope import acting_for_office_q
from taizhang.core.periods import Period, PeriodError
from taizhang.ledger.importing import ImportResult, import_ledger

_SUMS = (("planned_total", "总投资"), ("before_year", "至上年底累计完成"),
         ("annual_plan", "年度计划投资"), ("ytd", "年初至报告期累计完成"),
         ("month", "本月完成"), ("since_start", "开工至今累计完成"))


def office_user(username: str | None) -> Any:
    """The named user, or the first active office administrator."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username_key=login_key(username)).first()
        if user is None:
            raise CommandError(_("No active user %(name)s.") % {"name": username})
        return user
    user = users.filter(acting_for_office_q(), role=Role.OFFICE_ADMIN).order_by("pk").first()
    if user is None:
        raise CommandError(_("There is no active office administrator; give --user."))
    return user


class Command(BaseCommand):
    help = "Import a ledger sheet (xlsx, xls or csv); every error is listed, nothing written."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the sheet: .xlsx, .xls or .csv (UTF-8 or GBK)")
        parser.add_argument("--period", help="YYYY-MM (default: read from the sheet title)")
        parser.add_argument("--dry-run", action="store_true",
                            help="show what would change, write nothing")
        parser.add_argument("--user", help="office user to act as (default: first office admin)")
        parser.add_argument("--confirm-approved-changes", action="store_true",
                            help="write rows that change reports already approved (they are "
                                 "listed; without this flag such an import is refused)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        period = None
        if options["period"]:
            try:
                period = Period.parse(options["period"])
            except PeriodError as exc:
                raise CommandError(_("The period must look like YYYY-MM.")) from exc
        self.verbose = int(options.get("verbosity", 1))
        user = office_user(options["user"])
        try:
            result = import_ledger(path, path.name, actor=user, period=period,
                                   dry_run=options["dry_run"],
                                   preview=options["dry_run"] or self.verbose > 1,
                                   confirm_approved_changes=options["confirm_approved_changes"])
        except PermissionDenied as exc:
            raise CommandError(
                _("%(user)s is not an office user and may not import.") % {"user": user}
            ) from exc
        self._report(result)
        if result.errors:
            raise CommandError(
                ngettext("%(n)d error; nothing was imported.",
                         "%(n)d errors; nothing was imported.", len(result.errors))
                % {"n": len(result.errors)})

    def _report(self, result: ImportResult) -> None:
        out = self.stdout
        verbose = getattr(self, "verbose", 1)
        for error in result.errors:
            self.stderr.write(str(error))
        for warning in result.warnings:
            # The sheet-wide ones (columns and sheets not imported) are always shown: the
            # office must know what of its sheet was left out.
            if verbose > 1 or warning.row is None:
                out.write(_("warning: %(w)s") % {"w": warning})
        if result.approved_changes:
            out.write(ngettext(
                "%(n)d row changes a report already approved:",
                "%(n)d rows change reports already approved:", len(result.approved_changes))
                % {"n": len(result.approved_changes)})
            for approved in result.approved_changes:
                out.write(f"  {approved}")
            if result.dry_run:
                out.write(_("Importing them needs --confirm-approved-changes."))
        if result.period is None:
            return
        state = (_("dry run, nothing written") if result.dry_run
                 else _("written") if result.applied else _("nothing written"))
        out.write(_("Period %(period)s (%(state)s)") % {"period": result.period, "state": state})
        out.write(_("created %(c)d, updated %(u)d, unchanged %(n)d")
                  % {"c": result.created, "u": result.updated, "n": result.unchanged})
        totals = result.totals
        out.write(ngettext("sheet totals: %(n)d project", "sheet totals: %(n)d projects",
                           totals.projects) % {"n": totals.projects})
        for key, label in _SUMS:
            if key in totals.sums:
                out.write(f"  {label:<12} {totals.sums[key]:>18,.2f} 万元")
        for name, items in ((_("new owners"), result.new_owners),
                            (_("new units"), result.new_units),
                            (_("new leaders"), result.new_leaders)):
            if items:
                out.write(f"{name}: {'、'.join(items)}")
        if result.dry_run or verbose > 1:
            for change in result.changes:
                out.write(f"{change.action} {change.sheet}!{change.row} {change.name}")
                for item in (*change.fields, *change.figures):
                    out.write(f"    {item.label}: {item.before or '—'} → {item.after or '—'}")
