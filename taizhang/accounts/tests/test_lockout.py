"""Lockout after repeated failed logins, per username and per client address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from taizhang.accounts.models import LoginFailure, User
from taizhang.accounts.tests.helpers import english, events, post_login


@pytest.fixture(autouse=True)
def _policy(settings):
    settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_USER = 3
    settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS = 6
    settings.TAIZHANG_LOGIN_FAILURE_WINDOW_MINUTES = 15
    settings.TAIZHANG_LOGIN_LOCKOUT_MINUTES = 30


def test_a_correct_login_is_recorded_with_the_address(client, world):
    response = post_login(client, "alice", "pw-alice")
    assert response.status_code == 302
    [event] = events("auth.login", object_id=str(world.alice.pk))
    assert event.actor == world.alice
    assert event.source == "web"
    assert event.changes["address"] == "127.0.0.1"


def test_a_failed_login_is_stored_and_audited_with_the_username_tried(client, world):
    response = post_login(english(client), "alice", "wrong")
    assert "The username or password is not correct." in response.content.decode()
    assert LoginFailure.objects.filter(username="alice", address="127.0.0.1").count() == 1
    [event] = events("auth.login_failed")
    assert event.object_type == "accounts.user" and event.object_id == str(world.alice.pk)
    assert event.changes == {"username": "alice", "address": "127.0.0.1"}
    assert event.actor is None
    # An unknown username is recorded against the stored failure itself.
    post_login(client, "nobody", "x")
    assert events("auth.login_failed")[-1].changes["username"] == "nobody"


def test_it_locks_the_account_after_repeated_failures_even_for_the_right_password(client, world):
    english(client)
    for _ in range(2):
        post_login(client, "alice", "wrong")
    response = post_login(client, "alice", "wrong")
    assert "This account is locked after too many failed logins until" in response.content.decode()
    alice = User.objects.get(pk=world.alice.pk)
    assert alice.locked_at is not None and alice.failed_logins == 3
    assert len(events("auth.locked_out", object_id=str(alice.pk))) == 1

    response = post_login(client, "alice", "pw-alice")
    assert response.status_code == 200  # the form again, not a redirect into the ledger
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address still logs in.
    assert post_login(client, "bob", "pw-bob").status_code == 302


def test_the_lock_ends_after_the_lockout_time(client, world):
    for _ in range(3):
        post_login(client, "alice", "wrong")
    User.objects.filter(pk=world.alice.pk).update(
        locked_at=timezone.now() - timedelta(minutes=31))
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=31))
    assert post_login(client, "alice", "pw-alice").status_code == 302
    alice = User.objects.get(pk=world.alice.pk)
    assert alice.locked_at is None and alice.failed_logins == 0


def test_with_zero_minutes_only_the_office_unlocks(client, world, settings):
    settings.TAIZHANG_LOGIN_LOCKOUT_MINUTES = 0
    for _ in range(3):
        post_login(client, "alice", "wrong")
    User.objects.filter(pk=world.alice.pk).update(
        locked_at=timezone.now() - timedelta(days=30))
    response = post_login(english(client), "alice", "pw-alice")
    assert "Ask the key-project office to unlock it." in response.content.decode()


def test_a_success_starts_the_count_afresh(client, world):
    for _ in range(2):
        post_login(client, "alice", "wrong")
    assert post_login(client, "alice", "pw-alice").status_code == 302
    client.post("/logout/")
    for _ in range(2):
        post_login(client, "alice", "wrong")
    assert User.objects.get(pk=world.alice.pk).locked_at is None


def test_the_office_unlocks_an_account_in_its_division(client, world):
    for _ in range(3):
        post_login(client, "alice", "wrong")
    client.force_login(world.office)
    page = client.get("/account/lockouts/")
    assert page.status_code == 200 and "alice" in page.content.decode()
    assert client.post("/account/lockouts/", {"user": world.alice.pk}).status_code == 302
    assert User.objects.get(pk=world.alice.pk).locked_at is None
    [event] = events("auth.unlocked")
    assert event.actor == world.office and event.object_id == str(world.alice.pk)
    client.post("/logout/")
    assert post_login(client, "alice", "pw-alice").status_code == 302


def test_an_office_cannot_unlock_outside_its_division_and_others_cannot_at_all(client, world):
    from taizhang.accounts.choices import Role

    town_office = User.objects.create_user("town", role=Role.OFFICE_ADMIN, division=world.town)
    for _ in range(3):
        post_login(client, "alice", "wrong")  # alice belongs to the county, above the town
    client.force_login(town_office)
    assert client.post("/account/lockouts/", {"user": world.alice.pk}).status_code == 404
    client.force_login(world.bob)
    assert client.get("/account/lockouts/").status_code == 403
    assert client.post("/account/lockouts/", {"user": world.alice.pk}).status_code == 403
    assert User.objects.get(pk=world.alice.pk).locked_at is not None


def test_an_address_with_too_many_failures_is_refused_whatever_the_username(client, world):
    english(client)
    for i in range(6):
        post_login(client, f"guess{i}", "wrong")
    response = post_login(client, "bob", "pw-bob")
    assert "Too many failed logins from this computer" in (
        response.content.decode())
    assert "_auth_user_id" not in client.session
    # A different address is not affected.
    assert post_login(client, "bob", "pw-bob", REMOTE_ADDR="10.0.0.9").status_code == 302
    # The office lets the address in again.
    client.force_login(world.office)
    assert "127.0.0.1" in client.get("/account/lockouts/").content.decode()
    client.post("/account/lockouts/", {"address": "127.0.0.1"})
    assert events("auth.address_unlocked")[0].changes["failures_cleared"] == 6
    client.post("/logout/")
    assert post_login(client, "bob", "pw-bob").status_code == 302


def test_forwarded_for_counts_only_behind_a_configured_proxy(client, world, settings):
    forged = {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}
    post_login(client, "x", "wrong", **forged)
    assert LoginFailure.objects.get().address == "127.0.0.1"
    settings.TAIZHANG_PROXY_COUNT = 1
    post_login(client, "x", "wrong", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.1.1")
    assert LoginFailure.objects.order_by("-id").first().address == "10.1.1.1"


def test_the_admin_login_goes_through_the_same_door(client, world):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/admin/"


def test_the_admin_password_change_is_ours(client, world):
    client.force_login(world.office)
    assert client.get("/admin/password_change/")["Location"] == "/account/password/"


HOSTILE_IDS = ["abc", "", " ", "1.5", "-1", "0", "0x10", "١٢", "²", "①", "\x00",
               "99999999999999999999999", "9223372036854775808", "1e3", "1 OR 1=1"]


def test_a_malformed_unlock_or_reset_is_not_found_never_a_server_error(client, world):
    from taizhang.accounts.choices import Role

    outsider = User.objects.create_user("outsider", role=Role.OWNER, division=world.town)
    other_office = User.objects.create_user("town", role=Role.OFFICE_ADMIN, division=world.town)
    for _ in range(3):
        post_login(client, "alice", "wrong")
    client.force_login(other_office)
    unknown = str(User.objects.order_by("-pk").first().pk + 1000)
    for field in ("user", "reset_totp"):
        # alice is out of the town office's reach; `unknown` is nobody.
        for value in [*HOSTILE_IDS, unknown, str(world.alice.pk)]:
            response = client.post("/account/lockouts/", {field: value})
            # A NUL never reaches the view: the input middleware refuses the request (400).
            assert response.status_code == (400 if "\x00" in value else 404), (field, value)
    assert User.objects.get(pk=world.alice.pk).locked_at is not None
    assert not events("auth.unlocked") and not events("auth.totp_disabled")
    # Its own people it reaches (with spaces around the id, as a hand-made form might send).
    post_login(client, "outsider", "wrong")
    assert client.post("/account/lockouts/", {"user": f" {outsider.pk} "}).status_code == 302


def test_a_malformed_address_gets_a_message_not_a_server_error(client, world):
    for i in range(6):
        post_login(client, f"guess{i}", "wrong")
    client.force_login(world.office)
    english(client)
    response = client.post("/account/lockouts/", {"address": "\x00"})
    assert response.status_code == 400  # the input middleware refuses a NUL before the view
    for value in ["abc", "1.2.3.4.5", "300.1.1.1", "x" * 10_000, "", "::g"]:
        response = client.post("/account/lockouts/", {"address": value}, follow=True)
        assert response.status_code == 200, value
        assert "That is not a network address." in response.content.decode(), value
    assert not events("auth.address_unlocked")
    assert LoginFailure.objects.filter(cleared=False).count() == 6
    response = client.post("/account/lockouts/", {"address": " 127.0.0.1 "}, follow=True)
    assert "127.0.0.1 may log in again." in response.content.decode()


def test_an_office_admin_not_yet_placed_in_a_division_cannot_clear_an_address(client, world):
    from taizhang.accounts.choices import Role
    from taizhang.accounts.models import LoginFailure

    for i in range(6):
        post_login(client, f"guess{i}", "wrong")
    unplaced = User.objects.create_user("unplaced", role=Role.OFFICE_ADMIN, division=None)
    client.force_login(unplaced)
    assert client.post("/account/lockouts/", {"address": "127.0.0.1"}).status_code == 403
    assert LoginFailure.objects.filter(address="127.0.0.1", cleared=False).count() == 6
    assert not events("auth.address_unlocked")
