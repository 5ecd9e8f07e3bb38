"""Who may write as nobody: the machine (a command, the scenario), never a request."""

from __future__ import annotations

from taizhang.core.context import acting, unattended


def test_only_the_machine_writes_as_nobody():
    assert unattended(None)  # outside any request: a console command
    for source in ("command", "scenario"):
        with acting(source):
            assert unattended(None), source
            assert not unattended(object()), source  # someone acting is never the machine
    for source in ("web", "api", "import"):
        with acting(source):
            assert not unattended(None), source
    with acting("import"):
        assert unattended(None, also=("import",))  # procedures: an import's own items
