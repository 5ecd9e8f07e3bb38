"""The layer contract: an app imports only from its own layer and the layers below it.

    core  <  accounts  <  ledger, figures, stats  <  scenarios
    core  <  accounts  <  web

`core` holds the shared mechanisms and knows no app: what it needs of them (event labels,
history kinds, figure types, pickers, menus) the apps declare in their `registrations.py`.
`accounts` (divisions, organizations, people, users) knows nothing of the ledger. The ledger,
its figures and its statistics use one another. The demo scenarios sit on top. Every import
counts, module-level or inside a function; tests and migrations are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "taizhang"
LEDGER = {"core", "accounts", "ledger", "figures", "stats"}
ALLOWED: dict[str, set[str]] = {
    "core": {"core"},
    "accounts": {"core", "accounts"},
    "ledger": LEDGER,
    "figures": LEDGER,
    "stats": LEDGER,
    "scenarios": LEDGER | {"scenarios"},
    "web": {"core", "accounts", "web"},
}
# Modules of the package itself, not of an app: any layer may read its settings helpers.
SHARED = {"env"}


def imported_apps(source: str) -> list[tuple[int, str]]:
    """(line, app) of every `taizhang.<app>` a module imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "taizhang" and len(parts) > 1 and parts[1] not in SHARED:
                found.append((node.lineno, parts[1]))
    return found


def violations(app: str, source: str) -> list[str]:
    return [f"line {line}: imports taizhang.{other}"
            for line, other in imported_apps(source) if other not in ALLOWED[app]]


def _modules():
    for app in sorted(ALLOWED):
        for path in sorted((PACKAGE / app).rglob("*.py")):
            if {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts):
                continue
            yield app, path


def test_every_app_is_placed_in_a_layer():
    apps = {path.parent.name for path in PACKAGE.glob("*/apps.py")}
    assert apps <= set(ALLOWED), f"place {sorted(apps - set(ALLOWED))} in ALLOWED"


def test_no_app_imports_from_a_layer_above_it():
    found = [f"{path.relative_to(PACKAGE.parent)} {problem}"
             for app, path in _modules()
             for problem in violations(app, path.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("app", "source"), [
    ("core", "from taizhang.ledger.models import Project\n"),
    ("core", "def f():\n    import taizhang.accounts.models\n"),
    ("accounts", "def f():\n    from taizhang.ledger.models.scope import pickable_q\n"),
    ("web", "from taizhang.stats.service import compute\n"),
])
def test_the_scanner_sees_each_way_of_importing(app, source):
    assert violations(app, source)


def test_the_scanner_lets_a_layer_use_itself_and_below():
    assert not violations("ledger", "from taizhang.accounts.models import User\n"
                                    "from taizhang.core.money import wan\n"
                                    "from taizhang.env import envint\n")
