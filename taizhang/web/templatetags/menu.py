"""The main menu: the entries every app declares (core/registry.py), for the signed-in user."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from taizhang.core.registry import registry

register = template.Library()


@register.inclusion_tag("web/menu.html", takes_context=True)
def main_menu(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    entries = [(str(item.label), reverse(item.url_name))
               for item in registry.menu_for(request.user)]
    return {"entries": entries, "current": request.path}
