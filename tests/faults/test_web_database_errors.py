"""A database failure during a web request gives a translated 503 page, not a 500 traceback,
and the request's writes are rolled back.

SQLite: the disk fills up (`PRAGMA max_page_count`) while the confirm writes the import's job
(the view's failure: `DatabaseErrorMiddleware`). PostgreSQL: the application's connection is
terminated (`pg_terminate_backend`) before the request, so the first query fails in the login
middleware (outside the view: the 500 handler, `taizhang.core.views.server_error`).
A database that refuses writes (read-only, a privilege the role lacks) gives the same page,
saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, ProgrammingError, connection
from django.urls import reverse
from django.utils import translation

from taizhang.accounts.choices import OrganizationKind
from taizhang.accounts.models import Organization
from taizhang.core.audit.models import AuditEvent
from taizhang.core.dberrors import explain
from taizhang.jobs.models import Job
from taizhang.ledger.models import Project
from taizhang.ledger.tests.import_steps import upload
from tests.faults.harness import write_sheet

URL = reverse("ledger:import")


def _break_the_database() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # No free pages left by earlier tests' flushes: the confirm's few rows need new ones.
            cursor.execute("VACUUM")
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
    preview = upload(client, sheet, period="2022-07")  # the preview runs as a job
    assert preview.status_code == 200 and preview.context["result"].created == 500
    before = Project.objects.count(), AuditEvent.objects.count(), Job.objects.count()

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
    # The confirm's own writes (the import's job and its audited start) rolled back too.
    assert (Project.objects.count(), AuditEvent.objects.count(), Job.objects.count()) == before


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


@contextmanager
def _read_only() -> Iterator[None]:
    """The database takes reads and refuses writes: SQLite opened read-only (`query_only`
    answers "attempt to write a readonly database"), PostgreSQL in read-only transactions
    (a hot standby's refusal, SQLSTATE 25006)."""
    on, off = (("PRAGMA query_only = 1", "PRAGMA query_only = 0")
               if connection.vendor == "sqlite" else
               ("SET default_transaction_read_only = on",
                "SET default_transaction_read_only = off"))
    with connection.cursor() as cursor:
        cursor.execute(on)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(off)


@contextmanager
def _without_grants() -> Iterator[None]:
    """PostgreSQL: the application's role lost its grants ("permission denied for table",
    SQLSTATE 42501). SQLite has no roles: its only refusal is a file the process may not
    write, which is read-only."""
    if connection.vendor == "sqlite":
        with _read_only():
            yield
        return
    role = f"{connection.settings_dict['NAME']}_no_grants"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        cursor.execute(f'SET ROLE "{role}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("refusing", [_read_only, _without_grants],
                         ids=["read-only", "without-grants"])
def test_a_database_that_refuses_the_write_gives_a_translated_503_page_and_a_log_line(
        client, world, caplog, refusing):
    # Without grants, the session lookup fails first, outside the view (the 500 handler).
    client.raise_request_exception = False
    client.force_login(world.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(reverse("office:organizations")).status_code == 200
    with refusing():
        response = client.post(reverse("office:organization-new"), {
            "kind": OrganizationKind.BANK, "name": "迁安农商行", "division": world.county.pk,
            "version": "0"})
    assert response.status_code == 503
    body = response.content.decode().replace("&#x27;", "'")
    assert "Traceback" not in body and 'lang="en"' in body
    assert "The database refused the change" in body
    with translation.override("en"):
        assert explain(OperationalError("attempt to write a readonly database")) in body
    [logged] = [r for r in caplog.records if r.name == "taizhang.database"]
    assert "(refused)" in logged.getMessage()
    assert not Organization.objects.filter(name="迁安农商行").exists()


def test_read_only_and_privilege_refusals_are_told_apart():
    from taizhang.core.dberrors import is_database_failure, kind_of

    assert kind_of(OperationalError("attempt to write a readonly database")) == "refused"
    denied = psycopg.errors.InsufficientPrivilege("permission denied for table ledger_project")
    wrapped = ProgrammingError("permission denied for table ledger_project")
    wrapped.__cause__ = denied
    assert kind_of(wrapped) == "refused" and is_database_failure(wrapped)
    assert not is_database_failure(ProgrammingError("syntax error at or near"))
