"""Hooks of the end-to-end tests (browser, faults, deployment…)."""

from __future__ import annotations

import sys


def pytest_sessionfinish(session, exitstatus):
    """The fault harness's template databases (one set per test process) go with the
    process's session."""
    harness = sys.modules.get("tests.faults.harness")
    if harness is not None:
        harness.drop_templates()
