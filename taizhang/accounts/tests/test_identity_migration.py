"""The migration that introduces one identity per login name refuses clashing existing data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0004_username_key")]
LATEST = [("accounts", "0006_username_key_unique")]


def _every_latest():
    # Going back to 0004 takes every later migration of every app with it: the test leaves
    # the database as it found it, at the leaf of every app, not only at 0006.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_it_refuses_two_existing_accounts_with_one_name_and_fills_the_rest():
    old_apps = _migrate(BEFORE)
    try:
        OldUser = old_apps.get_model("accounts", "User")
        OldUser.objects.create(username="Leader")
        OldUser.objects.create(username="ｌｅａｄｅｒ")
        OldUser.objects.create(username="Alice")
        with pytest.raises(RuntimeError, match="Leader = ｌｅａｄｅｒ"):
            _migrate(LATEST)
        assert set(OldUser.objects.values_list("username_key", flat=True)) == {None}
        OldUser.objects.filter(username="ｌｅａｄｅｒ").update(username="leader2")
        new_apps = _migrate(LATEST)
        User = new_apps.get_model("accounts", "User")
        assert dict(User.objects.values_list("username", "username_key")) == {
            "Leader": "leader", "leader2": "leader2", "Alice": "alice"}
    finally:
        connection.cursor().execute("DELETE FROM accounts_user")
        _every_latest()
