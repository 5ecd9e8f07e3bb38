from __future__ import annotations

import pytest

from tests.faults.harness import scratch_factory


@pytest.fixture
def scratch(tmp_path):
    """Makes scratch databases of the suite's vendor; drops them afterwards."""
    yield from scratch_factory(tmp_path)


@pytest.fixture(scope="module")
def module_scratch(tmp_path_factory):
    """Scratch databases shared by a module's tests (clone them before spoiling them)."""
    yield from scratch_factory(tmp_path_factory.mktemp("module-scratch"))
