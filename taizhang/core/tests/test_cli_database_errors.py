"""The command line turns a lost database into a sentence and exit status 3, whichever layer
raised it: Django's wrapper, or psycopg itself under a bulk COPY on the raw cursor (an import
whose backend was terminated mid-COPY once printed a traceback)."""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError

from taizhang import cli


@pytest.mark.parametrize("failure", [
    psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
    psycopg.OperationalError("server closed the connection unexpectedly"),
    OperationalError("database is locked"),
])
def test_a_lost_database_is_one_sentence_and_exit_3(monkeypatch, capsys, failure):
    def lose(_args):
        raise failure

    monkeypatch.setattr("django.core.management.execute_from_command_line", lose)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["taizhang", "import-ledger", "x.xlsx"])
    assert stopped.value.code == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(failure).splitlines()[0] in err


def test_a_bug_is_still_a_traceback(monkeypatch):
    def broken(_args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("django.core.management.execute_from_command_line", broken)
    with pytest.raises(ZeroDivisionError):
        cli.main(["taizhang", "check"])
