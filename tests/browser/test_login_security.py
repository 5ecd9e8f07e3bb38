"""In a real browser: the forced first password change, then a lockout and its message."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def _submit_login(page, base, username, password):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # Waited for: the next goto would otherwise abort the POST, and a read would see the old page.
    with page.expect_navigation():
        page.click("button[type=submit].primary")


@pytest.mark.django_db(transaction=True)
def test_first_login_forces_a_password_change_then_lockout(transactional_db, world, live_server,
                                                           page, screenshot, settings):
    from taizhang.accounts.choices import Role
    from taizhang.accounts.models import User

    settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_USER = 3
    User.objects.create_user("newowner", password="Issued-by-office-1", role=Role.OWNER,
                             organization=world.alice_org, division=world.county)
    base = live_server.url
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                               "url": base}])

    _submit_login(page, base, "newowner", "Issued-by-office-1")
    page.wait_for_url(re.compile(r".*/account/password/$"))
    assert "set by someone else" in page.locator("main").inner_text()
    page.goto(f"{base}/ledger/reports/")  # anything else leads back
    page.wait_for_url(re.compile(r".*/account/password/$"))
    page.fill("input[name=old_password]", "Issued-by-office-1")
    page.fill("input[name=new_password1]", "weak")
    page.fill("input[name=new_password2]", "weak")
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert "too short" in page.locator("main").inner_text()
    screenshot("login-forced-password-change")
    page.fill("input[name=old_password]", "Issued-by-office-1")
    page.fill("input[name=new_password1]", "Qian-an 2022 ledger")
    page.fill("input[name=new_password2]", "Qian-an 2022 ledger")
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")  # the owner's home, free at last
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                               "url": base}])

    for _ in range(3):
        _submit_login(page, base, "newowner", "not-my-password")
    message = page.locator(".error").inner_text()
    assert "This account is locked after too many failed logins until" in message
    screenshot("login-locked")
    _submit_login(page, base, "newowner", "Qian-an 2022 ledger")
    assert "locked" in page.locator(".error").inner_text()
    assert page.url.endswith("/login/")
