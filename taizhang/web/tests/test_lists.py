"""Names listed in running text: 、 in Chinese, a comma in English."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation


def _render(language: str) -> str:
    with translation.override(language):
        return Template("{% load lists %}{{ names|join_list }}").render(
            Context({"names": ["燕山钢铁", "迁钢新材", "首钢"]}))


def test_chinese_joins_with_the_enumeration_comma():
    assert _render("zh-hans") == "燕山钢铁、迁钢新材、首钢"


def test_english_joins_with_a_comma():
    assert _render("en") == "燕山钢铁, 迁钢新材, 首钢"
