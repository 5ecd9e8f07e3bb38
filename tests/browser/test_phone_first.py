"""Phone first (issue 10 §6, §8): the owner's pages fit a 390 px phone, the header folds its
menu away, and a report is filled, photographed and submitted on a phone as on a desktop, in
Chinese and in English. Each test runs on the four journey variants (tests/browser/journey.py).
"""

from __future__ import annotations

import re

import pytest

from taizhang.core.registry import MenuItem, registry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(tmp_path):
    from PIL import Image

    path = tmp_path / "site.jpg"
    Image.new("RGB", (1600, 1200), (90, 140, 200)).save(path, "JPEG")
    return path


def _fits(journey) -> None:
    """No sideways scrolling, measured against the phone's own width: a mobile browser
    widens its layout viewport (window.innerWidth) to content that sticks out, so comparing
    with innerWidth alone lets a too-wide page pass."""
    journey.check(owner_page=True)
    width = journey.page.viewport_size["width"]
    scroll = journey.page.evaluate("() => document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{journey.page.url} is {scroll} px wide on a {width} px screen"


def _header_fits(journey) -> None:
    """The header within the phone's own width (see _fits on innerWidth)."""
    journey.check()
    width = journey.page.viewport_size["width"]
    right = journey.page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('header, header *')]"
        ".filter(e => e.getClientRects().length).map(e => e.getBoundingClientRect().right))")
    assert right <= width + 1, f"the header of {journey.page.url} is {right} px wide at {width}"


def _open_menu(journey) -> None:
    """On a phone the menu is folded behind its button; on a desktop it is always shown."""
    nav = journey.page.locator("nav.mainnav")
    if journey.viewport == "phone":
        assert not nav.is_visible()
        journey.page.click("label.menu-button")
    assert nav.is_visible()


def test_owner_fills_photographs_and_submits_a_report(journey, world, tmp_path):
    journey.goto("/login/")
    _fits(journey)
    journey.shot("phone-login")

    # A wrong password: the login form says so and keeps the username typed.
    journey.page.fill("input[name=username]", "alice")
    journey.page.fill("input[name=password]", "not-her-password")
    with journey.page.expect_navigation():
        journey.page.click("button[type=submit].primary")
    journey.page.locator("form .error").wait_for()
    assert journey.page.input_value("input[name=username]") == "alice"
    _fits(journey)
    journey.shot("phone-login-error")

    journey.login("alice", "pw-alice")
    journey.goto("/ledger/reports/")
    _fits(journey)
    journey.shot("phone-my-reports")
    _open_menu(journey)
    _fits(journey)
    journey.shot("phone-my-reports-menu")

    # The fill-in button is on screen (not off to the right of a sideways-scrolling table).
    fill = journey.page.locator(
        f"a[href$='/projects/{world.alice_project.pk}/reports/2022-07/']")
    box = fill.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= journey.page.viewport_size["width"]
    with journey.page.expect_navigation():
        fill.click()
    journey.page.wait_for_url(re.compile(r".*/reports/2022-07/$"))
    _fits(journey)

    # A wrong figure: the form says what is wrong beside the field and keeps what was typed.
    journey.page.fill("input[name=completed]", "-5")
    journey.page.fill("textarea[name=image_progress]", "主体钢结构吊装完成60%")
    journey.page.fill("textarea[name=problems]", "钢材到货延迟")
    with journey.page.expect_navigation():
        journey.page.click("button[name=save]")
    field = journey.page.locator("div:has(> input[name=completed])")
    assert field.locator(".error").is_visible()
    assert journey.page.input_value("input[name=completed]") == "-5"
    assert journey.page.input_value("textarea[name=image_progress]") == "主体钢结构吊装完成60%"
    assert journey.page.input_value("textarea[name=problems]") == "钢材到货延迟"
    _fits(journey)
    journey.shot("phone-report-form-error")

    journey.page.fill("input[name=completed]", "1234.56")
    with journey.page.expect_navigation():
        journey.page.click("button[name=save]")

    # Images only, and no `capture`: with it Android opens the camera and nothing else; without
    # it a phone offers the camera or the gallery (photos taken on site earlier).
    upload = journey.page.locator("input[type=file][name=photos]")
    assert upload.get_attribute("accept") == "image/*"
    assert upload.get_attribute("capture") is None
    assert upload.get_attribute("multiple") is not None
    upload.set_input_files(str(_photo(tmp_path)))
    with journey.page.expect_navigation():
        journey.page.click("form[enctype] button[type=submit]")
    photo = journey.page.locator(".photos img").first
    photo.wait_for()
    width = journey.page.viewport_size["width"]
    assert photo.bounding_box()["width"] <= width
    _fits(journey)
    journey.shot("phone-report-form-photo")

    with journey.page.expect_navigation():
        journey.page.click("button[name=submit]")
    journey.page.wait_for_url(re.compile(r".*/ledger/reports/(\?.*)?$"))
    row = journey.page.locator("table.data tbody tr", has_text="燕山钢铁冷轧板带升级改造")
    assert row.locator(".badge.submitted").is_visible()
    _fits(journey)
    journey.shot("phone-my-reports-submitted")

    journey.goto(f"/ledger/projects/{world.alice_project.pk}/")
    _fits(journey)
    journey.shot("phone-project-detail-owner")
    journey.goto("/ledger/projects/")
    _fits(journey)
    journey.shot("phone-project-list-owner")
    report = world.alice_project.reports.get()
    for path in (f"/ledger/history/report/{report.pk}/", "/account/password/",
                 "/account/two-factor/"):
        journey.goto(path)
        _fits(journey)
        journey.shot("phone-owner" + path.replace("/", "-").rstrip("-"))


def test_office_and_leader_headers_fit_a_phone(journey, world):
    # The test office user has no name but its username, which reads like a catalogue
    # string ("office %(name)s"): data, not an untranslated label.
    journey.allow_text("office · 项目办管理员")
    journey.login("office", "pw-office")
    for path in ("/ledger/projects/", f"/ledger/projects/{world.alice_project.pk}/",
                 "/ledger/review/", "/ledger/import/", "/ledger/audit-export/",
                 "/account/lockouts/", "/ledger/reports/",
                 f"/ledger/history/project/{world.alice_project.pk}/"):
        journey.goto(path)
        _header_fits(journey)
    _open_menu(journey)
    _header_fits(journey)
    journey.shot("phone-office-menu")
    journey.logout()

    journey.login("carol", "pw-carol")
    journey.goto("/ledger/projects/")
    _header_fits(journey)
    journey.shot("phone-leader-projects")


def test_a_menu_of_twelve_entries_fits_a_phone_and_a_desktop(journey, world, monkeypatch):
    # Other parts of the system add entries (office admin, board, cockpit, jobs, notices…).
    extra = [MenuItem(label, "ledger:project-list", lambda user: True, weight=300 + i)
             for i, label in enumerate(["Office administration", "Reporting board",
                                        "Cockpit wall", "Background jobs", "Notifications",
                                        "Key lists and people"])]
    monkeypatch.setattr(registry, "menu", [*registry.menu, *extra])
    journey.allow_text(*(str(item.label) for item in extra), "office · 项目办管理员")
    journey.login("office", "pw-office")
    journey.goto("/ledger/reports/")
    links = journey.page.locator("nav.mainnav a")
    assert links.count() >= 12
    _open_menu(journey)
    width = journey.page.viewport_size["width"]
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, links.nth(i).inner_text()
    _header_fits(journey)
    _fits(journey)
    journey.shot("phone-menu-twelve")
