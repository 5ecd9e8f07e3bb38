"""The panels apps above the ledger add to the home pages (core/registry.py `home_panel`:
financing, policies): each, for every persona, is either not for that user or a context
computed in a bounded number of queries, and the home page renders with it."""

from __future__ import annotations

import pytest

from taizhang.core.registry import registry

pytestmark = pytest.mark.django_db
#: What one panel may cost a home page: a few short, paginated-size statements.
MAX_QUERIES = 6
PERSONAS = ("office", "alice", "bob", "carol", "dave", "eve", "victor")


@pytest.mark.parametrize("who", PERSONAS)
def test_each_panel_is_bounded_and_the_home_renders(client, world, who,
                                                    django_assert_max_num_queries):
    user = getattr(world, who)
    assert registry.home_panels, "the installed apps register home panels"
    for panel in registry.home_panels:
        with django_assert_max_num_queries(MAX_QUERIES):
            panel.context(user)
    client.force_login(user)
    assert client.get("/").status_code == 200
