"""`{% lamp p.lamp %}`: a lamp as the warnings' badge (a coloured dot AND its word: 红灯,
未评估), with its explanation as the title (a tooltip), the same look everywhere. Takes a
stored lamp (None: not evaluated) or a colour."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from taizhang.ledger import lamps

register = template.Library()


@register.simple_tag
def lamp(stored: Any) -> str:
    if stored is None or isinstance(stored, str):
        color, explanation = stored or None, ""
    else:
        color, explanation = stored.color, stored.explanation
    css = color or lamps.NOT_EVALUATED
    return format_html(
        '<span class="badge lamp lamp-{}" data-lamp="{}"{}>{}</span>',
        css,
        css,
        format_html(' title="{}"', explanation) if explanation else "",
        lamps.label(color),
    )
