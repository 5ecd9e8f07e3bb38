"""The main menu, per persona: pinned from the hand-written menu it replaced."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from taizhang.accounts.choices import Role

# Each persona's menu as the hand-written base.html showed it (link text, address), in order.
PROCEDURES = ("Procedures", "/procedures/")  # the office, owners and units (taizhang/procedures)
PROJECTS = ("Projects", "/ledger/projects/")
REPORTS = ("Monthly reports", "/ledger/reports/")
OFFICE = [("Reporting board", "/ledger/reports/board/"), ("Review", "/ledger/review/"),
          ("Import", "/ledger/import/"), PROCEDURES,
          ("Responsibility check", "/procedures/responsibility/"), ("Warning lamps", "/warnings/"),
          ("Dispatch", "/dispatch/meetings/"),
          ("Audit", "/ledger/audit-export/"),
          ("Office", "/office/settings/"), ("Locked accounts", "/account/lockouts/"),
          ("Jobs", "/jobs/")]
ADMIN = ("Administration", "/admin/")
COCKPIT = ("Cockpit", "/cockpit/")  # leaders, the office and viewers (taizhang/cockpit)
# An office placed in a division: the assessment (taizhang/assessment, weight 147) before
# "Audit" (150); the bulletin (taizhang/bulletin, 152) after it. Investment attraction
# (taizhang/attraction, 148) and financing (taizhang/financing, 148) between the
# assessment and "Audit".
_AUDIT = OFFICE.index(("Audit", "/ledger/audit-export/"))
ASSESSED = [*OFFICE[:_AUDIT], ("Assessment", "/assessment/"),
            ("Investment attraction", "/attraction/"), ("Financing", "/financing/needs/"),
            ("Land", "/land/"), ("Policies", "/policies/"),
            OFFICE[_AUDIT],
            ("Bulletin", "/bulletin/"), *OFFICE[_AUDIT + 1:]]
EXPECTED = {
    "office": [COCKPIT, PROJECTS, REPORTS, *ASSESSED],
    "office_staff": [COCKPIT, PROJECTS, REPORTS, *ASSESSED, ADMIN],
    "superuser": [COCKPIT, PROJECTS, REPORTS, *ASSESSED, ADMIN],
    "alice": [PROJECTS, REPORTS, ("Financing", "/financing/mine/"), PROCEDURES,
              ("My policies", "/policies/mine/")],
    "carol": [COCKPIT, PROJECTS, ("My projects and problems", "/dispatch/leader/")],
    "dave": [PROJECTS, ("Our problems", "/dispatch/unit/"), PROCEDURES],
    "victor": [COCKPIT, PROJECTS],
    "eve": [PROJECTS, ("Financing needs", "/financing/bank/")],  # taizhang/financing
    "staff_viewer": [COCKPIT, PROJECTS, ADMIN],
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
