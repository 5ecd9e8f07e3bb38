from typing import Any

from django import template

from taizhang.notices.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notices(context: Any) -> int:
    """`{% unread_notices as n %}`: the signed-in user's unread notifications (one COUNT)."""
    request = context.get("request")
    return unread_count(getattr(request, "user", None))
