"""The layer contract: an app imports only from its own layer and the layers below it.

    core  <  accounts  <  notices, jobs  <  ledger, figures, stats, warnings  <  scenarios, office,
                                                                    cockpit, assessment
    ledger, figures, stats, warnings, assessment, dispatch  <  bulletin
    core  <  accounts  <  web

`core` holds the shared mechanisms and knows no app: what it needs of them (event labels,
history kinds, figure types, pickers, menus) the apps declare in their `registrations.py`.
`accounts` (divisions, organizations, people, users) knows nothing of the ledger. The ledger,
its figures and its statistics use one another. `jobs` (background jobs: a record per job
owned by a user, the queue, the worker) knows no app above it: the ledger registers its kinds
of job. The demo scenarios sit on top. Every import
counts, module-level or inside a function; tests and migrations are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "taizhang"
# The ledger's list and export read the lamps of the warnings (红黄绿灯), which read its figures.
LEDGER = {"core", "accounts", "notices", "jobs", "ledger", "figures", "stats", "warnings"}
ALLOWED: dict[str, set[str]] = {
    "core": {"core"},
    "accounts": {"core", "accounts"},
    "notices": {"core", "accounts", "notices"},
    "jobs": {"core", "accounts", "jobs"},
    "ledger": LEDGER,
    "figures": LEDGER,
    "stats": LEDGER,
    "warnings": LEDGER,
    "dispatch": LEDGER | {"dispatch"},
    # Procedures (手续办理): items, nodes and campaigns over the ledger's projects; a warning rule.
    "procedures": LEDGER | {"procedures"},
    # Investment attraction (招商引资): leads that become the ledger's projects.
    "attraction": LEDGER | {"attraction"},
    "financing": LEDGER | {"financing"},
    # Land (用地): quotas, allocations (key projects first), consolidation and idle land.
    "land": LEDGER | {"land", "policies"},
    "scenarios": LEDGER | {"scenarios", "procedures", "dispatch", "attraction", "financing",
                           "land", "policies"},
    # Policies (惠企政策清单): the catalogue, matching over the ledger's projects, pushes.
    "policies": LEDGER | {"policies"},
    # The office's own pages: accounts, settings and the ledger's key lists.
    "office": LEDGER | {"office"},
    # The home pages and the cockpit read the ledger's figures; nothing below reads them.
    "cockpit": LEDGER | {"cockpit"},
    # Schemes, scores and rankings of units and townships: read the ledger's figures.
    "assessment": LEDGER | {"assessment"},
    # The monthly bulletin reads the figures, the lamps, the assessment's ranking and dispatch's
    # counts.
    "bulletin": LEDGER | {"assessment", "dispatch", "bulletin"},
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
    ("jobs", "from taizhang.ledger.jobs import KINDS\n"),
    ("accounts", "from taizhang.jobs.models import Job\n"),
])
def test_the_scanner_sees_each_way_of_importing(app, source):
    assert violations(app, source)


def test_the_scanner_lets_a_layer_use_itself_and_below():
    assert not violations("ledger", "from taizhang.accounts.models import User\n"
                                    "from taizhang.core.money import wan\n"
                                    "from taizhang.env import envint\n")
