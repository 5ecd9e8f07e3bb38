"""The journey harness itself: it must catch what it promises to catch."""

from __future__ import annotations

import pytest

from tests.browser.journey import VARIANTS, untranslated, variants_to_run


def test_an_english_ui_string_on_a_chinese_page_is_untranslated():
    assert untranslated(["Projects", "项目", "迁安市"], "zh-hans") == ["Projects"]


def test_a_chinese_ui_string_on_an_english_page_is_untranslated():
    assert untranslated(["Projects", "项目", "迁安市"], "en") == ["项目"]


def test_english_joined_with_chinese_punctuation_is_a_mixed_string():
    assert untranslated(["Stage、Township", "燕山钢铁、迁钢新材"], "en") == ["Stage、Township"]


def test_data_that_looks_like_a_ui_string_may_be_allowed():
    assert untranslated(["项目"], "en", frozenset({"项目"})) == []


def test_the_two_databases_together_run_every_variant_and_each_runs_both_screens_and_languages():
    sqlite, postgresql = variants_to_run("sqlite"), variants_to_run("postgresql")
    assert sorted(sqlite + postgresql) == sorted(VARIANTS)
    for chosen in (sqlite, postgresql):
        assert {v for v, _ in chosen} == {"desktop", "phone"}
        assert {lang for _, lang in chosen} == {"zh-hans", "en"}
    assert variants_to_run("sqlite", "all") == VARIANTS


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_login_page_passes_and_a_forced_overflow_and_console_error_are_caught(journey):
    journey.goto("/login/")
    journey.check(owner_page=True)
    journey.shot("journey-login")

    journey.page.evaluate(
        "() => { const d = document.createElement('div');"
        " d.style.width = '3000px'; d.textContent = 'x'; document.body.appendChild(d); }"
    )
    with pytest.raises(AssertionError, match="scrolls sideways"):
        journey.assert_no_horizontal_overflow()

    journey.page.evaluate("() => console.error('boom')")
    with pytest.raises(AssertionError, match="boom"):
        journey.assert_no_console_errors()


def test_a_formatted_string_is_found_only_by_enough_fixed_text():
    # "office %(name)s" is in the catalogue; a header "office · 项目办管理员" is a username.
    assert untranslated(["office · 项目办管理员"], "zh-hans") == []
