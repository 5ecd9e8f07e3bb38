"""The sections the installed apps register (financing, land, attraction, policies, dispatch):
each is a JSON-able dict for any period, computed in a bounded number of queries whatever the
size of the ledger, and each one with a view gives its readable lines."""

from __future__ import annotations

import json

import pytest

from taizhang.core.periods import Period
from taizhang.core.registry import registry

pytestmark = pytest.mark.django_db
#: What one section may cost: its counts are aggregates in SQL, not a loop over rows.
MAX_QUERIES = 8


@pytest.mark.parametrize("name", sorted(registry.stats_sections))
def test_each_section_is_bounded_and_json(world, django_assert_max_num_queries, name):
    compute = registry.stats_sections[name]
    with django_assert_max_num_queries(MAX_QUERIES):
        data = compute(Period(2022, 7))
    json.dumps(data)
    view = registry.section_views.get(name)
    if view is not None:
        lines = view.lines(data)
        assert lines and all(str(label) and isinstance(value, str) for label, value in lines)
