"""Password strength, expiry and the forced change for passwords set by someone else."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from taizhang.accounts.choices import Role
from taizhang.accounts.models import User
from taizhang.accounts.security.passwords import character_classes, must_change_password
from taizhang.accounts.tests.helpers import english, events, post_login

STRONG = "Qian-an 2022 ledger"


@pytest.fixture
def issued(world):
    """An account the office created with a password it handed over."""
    return User.objects.create_user("newowner", password="Issued-by-office-1", role=Role.OWNER,
                                    organization=world.alice_org, division=world.county)


def test_character_classes_are_counted():
    assert character_classes("abc") == 1
    assert character_classes("abcABC") == 2
    assert character_classes("abcABC123") == 3
    assert character_classes("abcABC123!") == 4
    assert character_classes("中文密码abc1") == 3  # CJK counts as "other"


def test_the_policy_refuses_short_and_simple_passwords(settings, world):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
         "OPTIONS": {"min_length": 12}},
        {"NAME": "taizhang.accounts.security.passwords.CharacterClassValidator",
         "OPTIONS": {"min_classes": 3}},
    ]
    password_validation.get_default_password_validators.cache_clear()
    try:
        with pytest.raises(ValidationError) as short:
            password_validation.validate_password("Ab1!", world.alice)
        assert {e.code for e in short.value.error_list} == {"password_too_short"}
        with pytest.raises(ValidationError) as simple:
            password_validation.validate_password("onlylowercaseletters", world.alice)
        assert {e.code for e in simple.value.error_list} == {"password_too_simple"}
        password_validation.validate_password(STRONG, world.alice)
    finally:
        password_validation.get_default_password_validators.cache_clear()


def test_the_default_policy_comes_from_the_settings(settings):
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert "CharacterClassValidator" in names and "MinimumLengthValidator" in names
    length = next(v for v in settings.AUTH_PASSWORD_VALIDATORS
                  if v["NAME"].endswith("MinimumLengthValidator"))
    assert length["OPTIONS"]["min_length"] == settings.TAIZHANG_PASSWORD_MIN_LENGTH


def test_test_personas_and_accounts_without_password_are_not_forced(world):
    assert not must_change_password(world.alice)
    assert not must_change_password(User.objects.create_user("nopassword"))
    # Made with the ORM (a script, a benchmark): an empty password, which matches nothing.
    assert not must_change_password(User.objects.create(username="ormmade"))


def test_a_password_set_by_someone_else_must_be_changed_at_first_login(client, issued, world):
    response = post_login(client, "newowner", "Issued-by-office-1")
    assert response["Location"] == "/account/password/"
    # Every other page sends them back, htmx requests included.
    assert client.get("/ledger/projects/")["Location"] == "/account/password/"
    htmx = client.get("/ledger/projects/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == "/account/password/"
    assert client.get("/account/password/").status_code == 200

    response = client.post("/account/password/", {
        "old_password": "Issued-by-office-1", "new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 302
    assert client.get("/ledger/projects/").status_code == 200  # the session survived
    issued.refresh_from_db()
    assert issued.check_password(STRONG) and issued.password_changed_at is not None
    [event] = events("auth.password_changed", object_id=str(issued.pk))
    assert event.actor == issued and event.reason == "forced"
    assert "password" not in str(event.changes)


def test_a_weak_or_unchanged_new_password_is_refused_with_reasons(client, issued):
    client.force_login(issued)
    english(client)
    response = client.post("/account/password/", {
        "old_password": "Issued-by-office-1", "new_password1": "short",
        "new_password2": "short"})
    body = response.content.decode()
    assert response.status_code == 200 and "too short" in body and "kinds of character" in body
    response = client.post("/account/password/", {
        "old_password": "Issued-by-office-1", "new_password1": "Issued-by-office-1",
        "new_password2": "Issued-by-office-1"})
    assert "different from the current one" in response.content.decode()
    response = client.post("/account/password/", {
        "old_password": "wrong", "new_password1": STRONG, "new_password2": STRONG})
    assert "The current password is not correct." in response.content.decode()
    issued.refresh_from_db()
    assert issued.check_password("Issued-by-office-1")


def test_an_expired_password_forces_a_change(client, world, settings):
    settings.TAIZHANG_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=world.alice.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91))
    client.force_login(world.alice)
    assert client.get("/ledger/reports/")["Location"] == "/account/password/"
    settings.TAIZHANG_PASSWORD_MAX_AGE_DAYS = 0  # never expires
    assert client.get("/ledger/reports/").status_code == 200


def test_an_office_reset_forces_a_change_but_a_rehash_does_not(world):
    world.alice.set_password("Given-by-office-9")
    world.alice.save()
    assert must_change_password(world.alice)
    world.bob.password_changed_at = timezone.now()
    world.bob.check_password("pw-bob")  # may upgrade the hash; not a new password
    assert world.bob.password_changed_at is not None


LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def test_every_password_rule_speaks_chinese_in_the_chinese_interface(world):
    """Issue 8, #11: "Password too short" appeared in English in the Chinese interface."""
    password_validation.get_default_password_validators.cache_clear()
    said = []
    with translation.override("zh-hans"):
        for validator in password_validation.get_default_password_validators():
            said.append(validator.get_help_text())
            for weak in ("Ab1!", "alice", "onlylowercaseletters", "12345678901234",
                         "password1234"):
                try:
                    validator.validate(weak, world.alice)
                except ValidationError as exc:
                    said.extend(exc.messages)
    assert "密码太短：至少需要 10 个字符。" in said
    assert len(said) > 10
    assert [m for m in said if LATIN_WORD.search(m)] == []


def test_the_password_change_page_says_too_short_in_chinese(client, issued):
    client.force_login(issued)  # no language cookie: the default, Simplified Chinese
    response = client.post("/account/password/", {
        "old_password": "Issued-by-office-1", "new_password1": "short",
        "new_password2": "short"})
    errors = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', response.content.decode(),
                       re.S).group(1)
    assert "密码太短：至少需要 10 个字符。" in errors
    assert not LATIN_WORD.search(re.sub(r"<[^>]+>", "", errors)), errors
