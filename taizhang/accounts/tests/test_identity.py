"""One identity per login name: every spelling of `leader` is the same account (issue 8, #2)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from taizhang.accounts.choices import Role
from taizhang.accounts.identity import login_key
from taizhang.accounts.models import LoginFailure, User
from taizhang.accounts.security.passwords import mark_password_as_chosen
from taizhang.accounts.tests.helpers import english, events, post_login
from taizhang.core.audit.models import AuditEvent

SPELLINGS = ["ｌｅａｄｅｒ", "lｅader", "LEADER", "Leader", " leader "]


@pytest.fixture(autouse=True)
def _policy(settings):
    settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_USER = 5
    settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS = 100
    settings.TAIZHANG_LOGIN_LOCKOUT_MINUTES = 30


@pytest.fixture
def leader(world):
    user = User(username="leader", role=Role.LEADER, division=world.county)
    user.set_password("pw-leader")
    mark_password_as_chosen(user)
    user.save()
    return user


@pytest.fixture
def root(world):
    root = User.objects.create_superuser("root", password="pw-root")
    mark_password_as_chosen(root)
    root.save(update_fields=["password_changed_at"])
    return root


def test_the_identity_is_nfkc_and_case_folded():
    for spelling in SPELLINGS:
        assert login_key(spelling) == "leader"
    assert login_key("STRASSE") == login_key("straße") == "strasse"
    assert login_key("刘晓燕") == "刘晓燕"
    assert login_key("lea\u200bder") != "leader"  # not a letter: no account can have it
    for name in ("ＬＥＡＤＥＲ", "ẞ", "ﬃ", "İstanbul", "Ǆ"):
        assert login_key(login_key(name)) == login_key(name)


def test_a_locked_account_stays_locked_whatever_the_spelling(client, leader):
    english(client)
    for _ in range(5):
        post_login(client, "leader", "wrong")
    locked_at = User.objects.get(pk=leader.pk).locked_at
    assert locked_at is not None
    for spelling in [*SPELLINGS, "leader"]:
        response = post_login(client, spelling, "pw-leader")
        assert response.status_code == 200, spelling
        assert "This account is locked" in response.content.decode(), spelling
        assert "_auth_user_id" not in client.session, spelling
        assert User.objects.get(pk=leader.pk).locked_at == locked_at, spelling
    assert not events("auth.login")


def test_failures_under_any_spelling_count_against_the_real_account(client, leader):
    english(client)
    for spelling in SPELLINGS:
        post_login(client, spelling, "wrong")
    leader.refresh_from_db()
    assert leader.locked_at is not None and leader.failed_logins == 5
    assert set(LoginFailure.objects.values_list("username", flat=True)) == {"leader"}
    failed = events("auth.login_failed")
    assert len(failed) == 5
    assert {(e.object_type, e.object_id) for e in failed} == {("accounts.user", str(leader.pk))}
    assert {e.changes["username"] for e in failed} == {"leader"}
    assert failed[0].changes["typed"] == "ｌｅａｄｅｒ"  # the spelling tried, kept as evidence
    [locked] = events("auth.locked_out")
    assert locked.object_id == str(leader.pk)
    assert "This account is locked" in post_login(client, "leader", "pw-leader").content.decode()


def test_any_spelling_logs_in_to_the_one_account_and_clears_its_count(client, leader):
    for _ in range(4):
        post_login(client, "Leader", "wrong")
    response = post_login(client, "ＬＥＡＤＥＲ", "pw-leader")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(leader.pk)
    [login] = events("auth.login")
    assert login.object_id == str(leader.pk) and login.actor == leader
    assert not LoginFailure.objects.filter(cleared=False).exists()
    client.post("/logout/")
    for _ in range(4):
        post_login(client, "leader", "wrong")
    assert User.objects.get(pk=leader.pk).locked_at is None  # the count started afresh


def test_the_office_unlock_clears_failures_of_every_spelling(client, leader, world):
    for spelling in SPELLINGS:
        post_login(client, spelling, "wrong")
    client.force_login(world.office)
    assert client.post("/account/lockouts/", {"user": leader.pk}).status_code == 302
    client.post("/logout/")
    post_login(client, "LEADER", "wrong")
    leader.refresh_from_db()
    assert leader.locked_at is None and leader.failed_logins == 1


def _add_form(username):
    return {"username": username, "usable_password": "true",
            "password1": "Qian-an 2022 ledger", "password2": "Qian-an 2022 ledger"}


@pytest.mark.parametrize("spelling", ["ｌｅａｄｅｒ", "LEADER", "lｅader"])
def test_the_admin_refuses_a_new_user_named_like_an_existing_one(client, leader, root,
                                                                  spelling):
    client.force_login(root)
    response = client.post(reverse("admin:accounts_user_add"), _add_form(spelling))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"]
    assert list(User.objects.filter(username_key="leader")) == [leader]


def test_the_admin_refuses_a_name_only_case_folding_matches(client, root, world):
    # Django's own check (username__iexact) misses this one on SQLite.
    User.objects.create_user("straße")
    client.force_login(root)
    response = client.post(reverse("admin:accounts_user_add"), _add_form("STRASSE"))
    assert response.status_code == 200
    assert "该用户名已被 straße 使用" in str(response.context["adminform"].form.errors)
    assert not User.objects.filter(username="STRASSE").exists()


def test_the_admin_refuses_renaming_a_user_to_an_existing_identity(client, leader, root, world):
    from taizhang.accounts.tests.test_admin_audit import _user_form

    client.force_login(root)
    url = reverse("admin:accounts_user_change", args=[world.victor.pk])
    response = client.post(url, _user_form(world.victor, username="ＬＥＡＤＥＲ"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"]
    assert User.objects.get(pk=world.victor.pk).username == "victor"
    # A change of case of one's own name is a rename, not a clash.
    response = client.post(url, _user_form(world.victor, username="Victor"))
    assert response.status_code == 302
    victor = User.objects.get(pk=world.victor.pk)
    assert (victor.username, victor.username_key) == ("Victor", "victor")
    [renamed] = AuditEvent.objects.for_object(victor).filter(action="user.updated")
    assert renamed.changes == {"username": ["victor", "Victor"]}


def test_the_service_refuses_a_user_named_like_an_existing_one(leader, root):
    from taizhang.accounts.services import save_account_object

    with pytest.raises(ValidationError) as refused:
        save_account_object(User(username="ｌｅａｄｅｒ"), actor=root)
    assert "该用户名已被 leader 使用" in str(refused.value.message_dict["username"])
    renamed = User.objects.get(username="root")
    renamed.username = "Leader"
    with pytest.raises(ValidationError):
        save_account_object(renamed, actor=root)
    assert User.objects.filter(username_key="leader").count() == 1


def test_the_database_refuses_a_second_spelling_whatever_the_path(leader):
    for spelling in ("ｌｅａｄｅｒ", "LEADER"):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create_user(spelling)
    assert User.objects.filter(username_key="leader").count() == 1


def test_createsuperuser_refuses_another_spelling(leader, monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Qian-an 2022 ledger")
    with pytest.raises(CommandError, match="already taken"):
        call_command("createsuperuser", "--noinput", "--username", "ＬＥＡＤＥＲ",
                     "--email", "x@example.org")
