import pytest

from taizhang.core.registry import registry
from taizhang.stats.testing import hidden_sections


@pytest.fixture(autouse=True)
def _factor_sections_hidden():
    """The cockpit's own tests (and their pinned query counts) see no production-factor
    section and no home panel of the installed apps; test_factor_sections.py registers its
    own section, stats/tests/test_installed_sections.py bounds what each installed section
    costs and core/tests/test_home_panels.py what each panel costs."""
    saved = list(registry.home_panels)
    registry.home_panels.clear()
    try:
        with hidden_sections():
            yield
    finally:
        registry.home_panels[:] = saved
