"""In a real browser: text with a NUL character (pasted from another program) is refused with
a translated page, and that page loads nothing that is missing (no console 404)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# The refusal itself: Chromium reports a document answered with 400 on the console.
REFUSAL = "the server responded with a status of 400"


@pytest.mark.django_db(transaction=True)
def test_a_pasted_nul_character_is_refused_with_a_complete_page(journey, world):
    page = journey.page
    journey.goto("/login/")
    page.fill("input[name=username]", "alice\x00")
    page.fill("input[name=password]", "pw-alice")
    with page.expect_navigation() as navigation:
        page.click("button[type=submit].primary")
    assert navigation.value.status == 400
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert ("NUL" in text) and ("\\0" in text)
    # The page names its icon: without it Chromium asks for /favicon.ico, a 404 on the console.
    assert page.locator("link[rel=icon]").count() == 1
    page.wait_for_timeout(300)  # the icon request, were there one, ends after the load
    journey.errors[:] = [e for e in journey.errors if REFUSAL not in e]
    journey.check(owner_page=True)
    journey.shot("refused-nul")
