"""The main menu, per persona: pinned from the hand-written menu it replaced."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from taizhang.accounts.choices import Role

# Each persona's menu as the hand-written base.html showed it (link text, address), in order.
PROJECTS = ("Projects", "/ledger/projects/")
REPORTS = ("Monthly reports", "/ledger/reports/")
OFFICE = [("Review", "/ledger/review/"), ("Import", "/ledger/import/"),
          ("Audit", "/ledger/audit-export/"), ("Locked accounts", "/account/lockouts/")]
ADMIN = ("Administration", "/admin/")
EXPECTED = {
    "office": [PROJECTS, REPORTS, *OFFICE],
    "office_staff": [PROJECTS, REPORTS, *OFFICE, ADMIN],
    "superuser": [PROJECTS, REPORTS, *OFFICE, ADMIN],
    "alice": [PROJECTS, REPORTS],
    "carol": [PROJECTS],
    "dave": [PROJECTS],
    "victor": [PROJECTS],
    "eve": [PROJECTS],
    "staff_viewer": [PROJECTS, ADMIN],
}


def _menu(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="mainnav">(.*?)</nav>', html, re.S)
    assert nav is not None
    return [(text.strip(), href) for href, text
            in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav[1])]


def _user(world, who):
    from taizhang.accounts.models import User
    from taizhang.accounts.security.passwords import mark_password_as_chosen

    extra = {"office_staff": dict(role=Role.OFFICE_ADMIN, is_staff=True),
             "superuser": dict(role=Role.VIEWER, is_staff=True, is_superuser=True),
             "staff_viewer": dict(role=Role.VIEWER, is_staff=True)}
    if who not in extra:
        return getattr(world, who)
    user = User(username=who, division=world.county, **extra[who])
    user.set_password("pw")
    mark_password_as_chosen(user)
    user.save()
    return user


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_persona_sees_the_menu_it_saw_before(world, who, settings):
    settings.LANGUAGE_CODE = "en"
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(_user(world, who))
    client.cookies["django_language"] = "en"
    response = client.get("/ledger/projects/")
    assert response.status_code == 200
    assert _menu(response.content.decode()) == EXPECTED[who]


def test_the_current_page_is_marked(world):
    client = Client()
    client.force_login(world.office)
    html = client.get("/ledger/review/").content.decode()
    assert '<a href="/ledger/review/" aria-current="page">' in html
    assert '<a href="/ledger/projects/" aria-current="page">' not in html


def test_an_anonymous_visitor_gets_no_menu(db):
    html = Client().get("/account/login/").content.decode()
    assert 'class="mainnav"' not in html
