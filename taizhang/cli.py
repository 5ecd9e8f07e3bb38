"""The `taizhang` console command: Django's management commands under the project's name."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    from django.core.management import execute_from_command_line

    from taizhang.core.dberrors import UNAVAILABLE, privilege_refused

    args = list(sys.argv if argv is None else argv)
    args[0] = "taizhang"
    try:
        execute_from_command_line(args)
    except UNAVAILABLE as exc:
        # A full disk or a lost connection is not a bug: a sentence, not a traceback.
        from taizhang.core.dberrors import explain, first_line

        _fail(f"{_translated(explain, exc)}\n({first_line(exc)})")
    except Exception as exc:
        # A role without the privilege (`migrate` on PostgreSQL 15 by a role that does not
        # own the database) is the installation's mistake, not a bug: one line saying so.
        refused = privilege_refused(exc)
        if refused is None:
            raise
        from taizhang.core.dberrors import explain_privilege

        _fail(_translated(explain_privilege, refused))


def _translated(explain: Callable[[BaseException], str], exc: BaseException) -> str:
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return explain(exc)


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"{message}\n")
    sys.exit(3)


if __name__ == "__main__":
    main()
