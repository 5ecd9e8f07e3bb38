from __future__ import annotations

import pytest

from tests.faults.harness import scratch_factory


@pytest.fixture
def scratch(tmp_path):
    """Makes scratch databases of the suite's vendor; drops them afterwards."""
    yield from scratch_factory(tmp_path)
