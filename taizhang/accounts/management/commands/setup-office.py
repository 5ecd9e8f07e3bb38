"""taizhang setup-office --division CODE --admin USERNAME [--password-file FILE]"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from taizhang.accounts import gbt2260
from taizhang.accounts.office_setup import SetupError, setup_office

# Like argparse's own usage errors: a mistake in the command, not a failure of the system.
USAGE_ERROR = 2


class Command(BaseCommand):
    help = ("Start a county or a prefecture-level city: its division chain from the GB/T 2260 "
            "table, the office, office settings and the first office administrator. A second "
            "run changes nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--division", required=True,
                            help="six-digit code of a county-level division (e.g. 130283) or of a "
                                 "prefecture-level city (e.g. 130200)")
        parser.add_argument("--admin", required=True, help="username of the office administrator")
        parser.add_argument("--password-file",
                            help="read the administrator's password from the first line of FILE "
                                 "(default: ask twice on the terminal)")
        parser.add_argument("--townships", action=argparse.BooleanOptionalAction, default=True,
                            help="also create the divisions directly below: a county's "
                                 "townships and streets, a prefecture's counties (default)")
        parser.add_argument("--office-name",
                            help="name of the office organization (default: 《county》重点项目办)")

    def handle(self, *args: Any, **options: Any) -> None:
        def password() -> str:
            return self._password(options["password_file"])

        try:
            result = setup_office(options["division"], options["admin"], password,
                                  townships=options["townships"],
                                  office_name=options["office_name"] or "")
        except (gbt2260.DivisionCodeError, SetupError) as exc:
            raise CommandError(str(exc), returncode=USAGE_ERROR) from exc
        out = self.stdout
        for item in result.created:
            out.write(_("created: %(what)s") % {"what": item})
        for item in result.differences:
            out.write(_("kept: %(what)s") % {"what": item})
        chain = " → ".join(d.name for d in _ancestors(result.division))
        out.write(self.style.SUCCESS(
            _("%(chain)s: office %(office)s, administrator %(admin)s (%(version)s).")
            % {"chain": chain, "office": result.office.name, "admin": result.admin.username,
               "version": gbt2260.dataset_version()}))
        if not result.created:
            out.write(_("Everything was already there; nothing changed."))
        elif result.admin.password_changed_at is None:
            out.write(_("%(admin)s must choose a new password at the first login.")
                      % {"admin": result.admin.username})

    def _password(self, path: str | None) -> str:
        if path:
            try:
                lines = Path(path).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeError) as exc:
                raise SetupError(_("Cannot read the password file %(path)s: %(reason)s")
                                 % {"path": path, "reason": getattr(exc, "strerror", exc)}
                                 ) from exc
            return lines[0] if lines else ""
        if not sys.stdin.isatty():
            raise SetupError(_("No terminal to ask for the password on: give --password-file."))
        first = getpass.getpass(_("Password of the office administrator: "))
        if getpass.getpass(_("The same password again: ")) != first:
            raise SetupError(_("The two passwords differ; nothing was written."))
        return first


def _ancestors(division: Any) -> list[Any]:
    chain = [division]
    while chain[0].parent_id:
        chain.insert(0, chain[0].parent)
    return chain
