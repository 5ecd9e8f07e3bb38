"""`core.fields.WrittenJSONField`: kept as ``json`` on PostgreSQL, read back as it was written."""

from __future__ import annotations

import pytest
from django.db import connection

from taizhang.warnings.models import Lamp

pytestmark = pytest.mark.django_db


def _column_type(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT data_type FROM information_schema.columns "
                           "WHERE table_name = %s AND column_name = %s", [table, column])
            return cursor.fetchone()[0]
        cursor.execute("SELECT type FROM pragma_table_info(%s) WHERE name = %s", [table, column])
        return cursor.fetchone()[0].lower()


def test_the_lamps_reasons_are_json_text_on_postgresql_and_text_on_sqlite() -> None:
    expected = {"postgresql": "json", "sqlite": "text"}[connection.vendor]
    assert _column_type(Lamp._meta.db_table, "reasons") == expected


@pytest.mark.parametrize("document", [
    [{"rule": "progress", "values": {"rate": "0.3125"}, "note": "慢 27.1"}],
    [],
    "123",       # a JSON string stays a string (psycopg alone would decode it as a number)
    {"nested": [1, 2.5, None, True]},
])
def test_a_document_reads_back_as_written(document: object) -> None:
    from taizhang.core.fields import WrittenJSONField

    field = Lamp._meta.get_field("reasons")
    assert isinstance(field, WrittenJSONField)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CAST(%s AS {field.db_type(connection)})",
                       [field.get_db_prep_value(document, connection)])
        raw = cursor.fetchone()[0]
    assert isinstance(raw, str)
    assert field.from_db_value(raw, None, connection) == document
