"""Readable, translated names of the named audit events: each app declares its own
(`<app>/registrations.py`, read through core/registry.py)."""

from taizhang.core.registry import registry


def action_label(action: str) -> str:
    return registry.event_label(action)
