"""Idle timeout, logout and the audit of permission denials."""

from __future__ import annotations

import time

from taizhang.accounts.security.middleware import LAST_SEEN
from taizhang.accounts.tests.helpers import events, post_login


def _idle_for(client, seconds):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_a_session_ends_after_the_idle_time(client, world, settings):
    settings.TAIZHANG_SESSION_IDLE_MINUTES = 30
    client.force_login(world.alice)
    _idle_for(client, 29 * 60)
    assert client.get("/ledger/reports/").status_code == 200  # and the clock restarts
    assert client.session[LAST_SEEN] > int(time.time()) - 60
    _idle_for(client, 31 * 60)
    response = client.get("/ledger/reports/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/ledger/reports/")
    assert "_auth_user_id" not in client.session
    [event] = events("auth.session_expired")
    assert event.actor == world.alice


def test_the_session_cookie_follows_the_idle_setting(settings):
    assert settings.SESSION_COOKIE_AGE == settings.TAIZHANG_SESSION_IDLE_MINUTES * 60
    assert settings.SESSION_COOKIE_HTTPONLY


def test_logout_is_recorded(client, world):
    post_login(client, "alice", "pw-alice")
    assert client.post("/logout/").status_code == 302
    [event] = events("auth.logout")
    assert event.actor == world.alice and event.source == "web"
    assert "_auth_user_id" not in client.session


def test_a_permission_denial_is_recorded(client, world):
    client.force_login(world.alice)
    assert client.get("/ledger/review/").status_code == 403  # owners do not review
    [event] = events("auth.permission_denied")
    assert event.actor == world.alice
    assert event.changes == {"path": "/ledger/review/", "method": "GET"}


def test_audit_labels_are_translated():
    from django.utils import translation

    from taizhang.core.audit.labels import action_label

    with translation.override("en"):
        assert action_label("auth.login_failed") == "Failed login"
        assert action_label("auth.permission_denied") == "Access refused"
