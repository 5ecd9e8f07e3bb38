"""Lists of names in running text, joined the way the page's language does it."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def join_list(items: Iterable[object]) -> str:
    """"A、B、C" in Chinese, "A, B, C" in English (never 、 in an English sentence)."""
    return pgettext("list separator", ", ").join(str(item) for item in items)
