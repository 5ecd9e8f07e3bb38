"""What each kind of notification says, declared by the app that sends it.

A notification stores its kind and parameters, never its text: the text is made when it is
shown, in the reader's language (`message`). An app below or above may declare kinds; an
unknown kind (an app removed) still shows something instead of failing the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext

_MESSAGES: dict[str, str | Promise] = {}


def declare(messages: Mapping[str, str | Promise]) -> None:
    """`{kind: _("text with %(param)s")}`; a kind is declared once."""
    for kind, text in messages.items():
        if kind in _MESSAGES and _MESSAGES[kind] != text:
            raise ValueError(f"notification kind {kind!r} declared twice")
        _MESSAGES[kind] = text


def known(kind: str) -> bool:
    return kind in _MESSAGES


def message(kind: str, params: Mapping[str, Any]) -> str:
    """The text of a notification in the active language."""
    template = _MESSAGES.get(kind)
    if template is None:
        return kind
    try:
        return gettext(str(template)) % dict(params)
    except (KeyError, TypeError, ValueError):
        return gettext(str(template))
