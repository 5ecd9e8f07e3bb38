"""Model fields the apps share.

`WrittenJSONField` is a JSONField kept on PostgreSQL as ``json``, the text as written (checked
to be JSON), instead of ``jsonb``, which parses every document into a binary tree on write.
It is for documents written in bulk and read whole, never queried inside: converting the
100,000 lamps of a period to ``jsonb`` took a sixth of storing them. ``json`` has no key or
containment operators, so such lookups are not available on PostgreSQL; SQLite keeps every
JSONField as text anyway.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class WrittenJSONField(models.JSONField):  # type: ignore[type-arg]
    """A JSONField stored as PostgreSQL ``json`` (module docstring)."""

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)


def read_json_as_text(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created handler: psycopg hands ``json`` columns over as text, as Django has
    it do for ``jsonb``, so JSONField decodes both the same way (a JSON string document
    stays a string: psycopg's own decoding would make "123" a number)."""
    if connection.vendor != "postgresql":
        return
    from psycopg.types.string import TextLoader

    connection.connection.adapters.register_loader("json", TextLoader)
