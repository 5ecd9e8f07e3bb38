"""A database failure during a web request gives a translated 503 page, not a 500 traceback,
and the request's writes are rolled back.

SQLite: the disk fills up (`PRAGMA max_page_count`) while the confirmed import writes (the
view's failure: `DatabaseErrorMiddleware`). PostgreSQL: the application's connection is
terminated (`pg_terminate_backend`) before the request, so the first query fails in the login
middleware (outside the view: the 500 handler, `taizhang.core.views.server_error`).
"""

from __future__ import annotations

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation

from taizhang.core.audit.models import AuditEvent
from taizhang.core.dberrors import explain
from taizhang.ledger.models import Project
from tests.faults.harness import write_sheet

URL = reverse("ledger:import")


def _break_the_database() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA page_count")
            (pages,) = cursor.fetchone()
            cursor.execute(f"PRAGMA max_page_count = {pages}")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"],
                         password=db["PASSWORD"] or None, dbname=db["NAME"],
                         autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def _repair_the_database() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")
    else:
        connection.close()  # the next query opens a new connection


@pytest.mark.django_db(transaction=True)
def test_a_failing_database_gives_a_translated_503_page(client, world, tmp_path):
    # As in production: a failure outside the view reaches the 500 handler instead of the test.
    client.raise_request_exception = False
    client.force_login(world.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sheet = write_sheet(tmp_path / "sheet.xlsx", 500).read_bytes()
    preview = client.post(URL, {"file": SimpleUploadedFile("台账.xlsx", sheet),
                                "period": "2022-07"})
    assert preview.status_code == 200 and preview.context["result"].created == 500
    before = Project.objects.count(), AuditEvent.objects.count()

    _break_the_database()
    try:
        response = client.post(URL, {"confirm": "1", "token": preview.context["token"]})
    finally:
        _repair_the_database()

    assert response.status_code == 503
    body = response.content.decode()
    assert "Traceback" not in body
    assert response["Retry-After"] == "60"
    assert 'lang="en"' in body and "The database is unavailable" in body
    kind = "full" if connection.vendor == "sqlite" else "unavailable"
    with translation.override("en"):
        expected = explain(Exception("database or disk is full" if kind == "full" else "gone"))
    assert expected.split("(")[0].strip() in body.replace("&#x27;", "'")
    assert (Project.objects.count(), AuditEvent.objects.count()) == before


def test_a_healthy_database_error_is_not_hidden(client, world):
    """Only the database's unavailability becomes a 503; anything else stays a 500."""
    from django.db import IntegrityError

    from taizhang.core.middleware import DatabaseErrorMiddleware

    middleware = DatabaseErrorMiddleware(lambda request: None)
    assert middleware.process_exception(None, IntegrityError("duplicate key")) is None


@pytest.mark.parametrize(("message", "kind"), [
    ("database or disk is full", "full"),                                   # SQLite
    ('could not extend file "base/16384/2619": No space left on device', "full"),  # PostgreSQL
    ("database is locked", "busy"),
    ("canceling statement due to lock timeout", "busy"),
    ("table core_auditevent has no column named reverts_id", "schema"),    # not migrated
    ("terminating connection due to administrator command", "unavailable"),
    ("server closed the connection unexpectedly", "unavailable"),
])
def test_database_failures_are_told_apart(message, kind):
    from taizhang.core.dberrors import kind_of

    assert kind_of(Exception(message)) == kind
