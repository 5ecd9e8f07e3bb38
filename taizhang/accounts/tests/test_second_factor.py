"""TOTP (RFC 6238): the algorithm, enrolment, the second login step, the office rule."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlparse

from taizhang.accounts.models import LoginFailure, User
from taizhang.accounts.security import totp
from taizhang.accounts.tests.helpers import english, events, post_login

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def _now_code(secret):
    return totp.code_at(secret, totp.current_step())


def _next_code(secret):
    """The code of the next step (accepted: clocks drift); the current one was used to enrol."""
    return totp.code_at(secret, totp.current_step() + 1)


def test_it_matches_the_rfc_6238_test_vectors():
    # RFC 6238 appendix B (SHA-1), last six of the eight digits.
    for seconds, expected in ((59, "94287082"), (1111111109, "07081804"),
                              (1234567890, "89005924"), (20000000000, "65353130")):
        assert totp.code_at(RFC_SECRET, seconds // 30) == expected[-6:]
    assert totp.matching_step(RFC_SECRET, "287082", now=59) == 1
    assert totp.matching_step(RFC_SECRET, "287082", now=59 + 30) == 1  # one step of drift
    assert totp.matching_step(RFC_SECRET, "287082", now=59 + 90) is None
    assert totp.matching_step(RFC_SECRET, "287082", after_step=1, now=59) is None  # replay
    assert totp.matching_step(RFC_SECRET, "abcdef", now=59) is None


def test_the_provisioning_uri_is_what_apps_import():
    uri = totp.provisioning_uri(RFC_SECRET, "office", "taizhang")
    parsed = urlparse(uri)
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("otpauth", "totp", "/taizhang:office")
    assert parse_qs(parsed.query)["secret"] == [RFC_SECRET]


def _enrol(client, user):
    client.force_login(user)
    page = client.get("/account/two-factor/").content.decode()
    shown = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    user.refresh_from_db()
    assert shown.replace(" ", "") == user.totp_secret
    assert "otpauth://totp/" in page
    qr = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(qr).startswith(b"<svg")
    response = client.post("/account/two-factor/", {"code": _now_code(user.totp_secret)})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.totp_confirmed
    client.post("/logout/")
    return user


def test_an_enrolled_account_needs_the_code_after_the_password(client, world):
    office = _enrol(client, world.office)
    assert len(events("auth.totp_enabled", object_id=str(office.pk))) == 1

    response = post_login(client, "office", "pw-office")
    assert response["Location"] == "/login/verify/"
    assert "_auth_user_id" not in client.session  # not logged in yet
    assert client.get("/ledger/projects/").status_code == 302

    response = client.post("/login/verify/", {"code": "000000"})
    assert "The code is not correct" in english(client).post(
        "/login/verify/", {"code": "000000"}).content.decode()
    assert LoginFailure.objects.filter(username="office").count() == 2
    assert "_auth_user_id" not in client.session

    response = client.post("/login/verify/", {"code": _next_code(office.totp_secret)})
    assert response.status_code == 302
    assert client.get("/ledger/projects/").status_code == 200
    assert events("auth.login")[-1].changes["second_factor"] is True


def test_a_used_code_cannot_be_replayed(client, world):
    office = _enrol(client, world.office)
    office.refresh_from_db()
    used = totp.code_at(office.totp_secret, office.totp_last_step)
    post_login(client, "office", "pw-office")
    client.post("/login/verify/", {"code": used})
    assert "_auth_user_id" not in client.session


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, world, settings):
    settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_USER = 3
    _enrol(client, world.office)
    post_login(client, "office", "pw-office")
    for _ in range(3):
        client.post("/login/verify/", {"code": "000000"})
    assert User.objects.get(pk=world.office.pk).locked_at is not None


def test_office_admins_must_enrol_when_the_installation_requires_it(client, world, settings):
    settings.TAIZHANG_TOTP_REQUIRED_FOR_OFFICE = True
    client.force_login(world.office)
    assert client.get("/ledger/projects/")["Location"] == "/account/two-factor/"
    # Owners are not office admins: no second factor asked.
    client.force_login(world.alice)
    assert client.get("/ledger/reports/").status_code == 200
    # Enrolled, the office may work, and may not switch it off.
    office = _enrol(client, world.office)
    client.force_login(office)
    assert client.get("/ledger/projects/").status_code == 200
    client.post("/account/two-factor/", {"action": "disable"})
    office.refresh_from_db()
    assert office.totp_confirmed


def test_a_user_may_switch_an_optional_second_factor_off(client, world):
    office = _enrol(client, world.office)
    client.force_login(office)
    client.post("/account/two-factor/", {"action": "disable"})
    office.refresh_from_db()
    assert not office.totp_confirmed and office.totp_secret == ""
    assert len(events("auth.totp_disabled")) == 1


def test_the_office_resets_a_lost_second_factor_within_its_division(client, world):
    from taizhang.accounts.choices import Role

    colleague = User.objects.create_user("deputy", role=Role.OFFICE_ADMIN, division=world.county)
    colleague = _enrol(client, colleague)
    town_office = User.objects.create_user("town", role=Role.OFFICE_ADMIN, division=world.town)
    client.force_login(town_office)  # the county is above the town: out of its reach
    assert client.post("/account/lockouts/", {"reset_totp": colleague.pk}).status_code == 404
    client.force_login(world.office)
    assert "deputy" in client.get("/account/lockouts/").content.decode()
    client.post("/account/lockouts/", {"reset_totp": colleague.pk})
    colleague.refresh_from_db()
    assert not colleague.totp_confirmed
    [event] = events("auth.totp_disabled")
    assert event.actor == world.office and event.object_id == str(colleague.pk)


def test_two_clerks_sharing_one_account_are_told_to_wait_and_do_not_lock_it(client, world,
                                                                           settings):
    """Finding 15: a code works once per 30 s per account; the second clerk with the same
    code is told to wait for the next one, and that does not count towards the lock."""
    from django.test import Client

    settings.TAIZHANG_TOTP_REQUIRED_FOR_OFFICE = True
    settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_USER = 3
    office = _enrol(client, world.office)
    # Both phones show the code of `step` (one step ahead still counts if the clock turns).
    step = totp.current_step()
    User.objects.filter(pk=office.pk).update(totp_last_step=step - 1)
    code = totp.code_at(office.totp_secret, step)
    first, second = client, english(Client())
    post_login(first, "office", "pw-office")
    assert first.post("/login/verify/", {"code": code}).status_code == 302

    post_login(second, "office", "pw-office")
    for _ in range(5):
        response = second.post("/login/verify/", {"code": code})
        assert response.status_code == 200
        assert "This code has just been used. Wait until the app shows the next code" in (
            response.content.decode())
    assert "_auth_user_id" not in second.session
    office.refresh_from_db()
    assert office.locked_at is None and office.failed_logins == 0
    assert not LoginFailure.objects.exists()
    reused = events("auth.totp_code_reused", object_id=str(office.pk))
    assert len(reused) == 5 and reused[0].changes["address"] == "127.0.0.1"
    # The next code lets the second clerk in; the first is still signed in.
    response = second.post("/login/verify/", {"code": totp.code_at(office.totp_secret, step + 1)})
    assert response.status_code == 302
    assert first.get("/ledger/projects/").status_code == 200


def test_a_wrong_code_still_counts_after_reused_ones(client, world, settings):
    settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_USER = 3
    office = _enrol(client, world.office)
    office.refresh_from_db()
    used = totp.code_at(office.totp_secret, office.totp_last_step)
    post_login(english(client), "office", "pw-office")
    client.post("/login/verify/", {"code": used})
    response = client.post("/login/verify/", {"code": "000000"})
    assert "The code is not correct" in response.content.decode()
    assert LoginFailure.objects.filter(username="office").count() == 1
    for _ in range(2):
        client.post("/login/verify/", {"code": "000000"})
    assert User.objects.get(pk=office.pk).locked_at is not None
