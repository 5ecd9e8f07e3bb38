"""The `taizhang` console command: Django's management commands under the project's name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    from django.core.management import execute_from_command_line

    from taizhang.core.dberrors import UNAVAILABLE

    args = list(sys.argv if argv is None else argv)
    args[0] = "taizhang"
    try:
        execute_from_command_line(args)
    except UNAVAILABLE as exc:
        # A full disk or a lost connection is not a bug: a sentence, not a traceback.
        from django.conf import settings
        from django.utils import translation

        from taizhang.core.dberrors import explain, first_line

        with translation.override(settings.LANGUAGE_CODE):
            sys.stderr.write(f"{explain(exc)}\n({first_line(exc)})\n")
        sys.exit(3)


if __name__ == "__main__":
    main()
