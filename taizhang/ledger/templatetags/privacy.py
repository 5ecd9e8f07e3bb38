"""Template access to `ledger.privacy`: `{% actor e.actor %}`, `project|contact_for:user`."""

from __future__ import annotations

from typing import Any

from django import template

from taizhang.ledger import privacy

register = template.Library()


@register.simple_tag(takes_context=True)
def actor(context: Any, who: Any) -> str:
    return privacy.actor_label(context.get("user"), who)


@register.filter
def contact_for(project: Any, viewer: Any) -> bool:
    return privacy.sees_contact(viewer, project)
