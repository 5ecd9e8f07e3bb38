"""The audit trail's protection, retention purge and inspector export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from openpyxl import load_workbook

from taizhang.core.audit.export import EventFilter, csv_safe, write_csv, write_xlsx
from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.retention import earliest_purge_date, months_before, purge_before
from taizhang.core.audit.service import record, record_event
from taizhang.core.services import ServiceError

pytestmark = pytest.mark.django_db


def _event(**changes):
    return record_event("test.event", "test.object", "1", "test", actor=None, changes=changes)


def _age(event: AuditEvent, days: int) -> None:
    """Back-date an event (tests only: the guard forbids UPDATE, so replace the row)."""
    from taizhang.core.audit.protection import purging

    field = AuditEvent._meta.get_field("at")
    with transaction.atomic(), purging():
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(connection.alias)
        event.at = timezone.now() - timedelta(days=days)
        field.auto_now_add = False  # type: ignore[attr-defined]
        try:
            AuditEvent.objects.bulk_create([event])  # the same pk, the older time
        finally:
            field.auto_now_add = True  # type: ignore[attr-defined]


def test_the_orm_refuses_changes_and_deletes():
    event = _event(a=[1, 2])
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize("sql", [
    "UPDATE core_auditevent SET reason = 'forged' WHERE id = %s",
    "DELETE FROM core_auditevent WHERE id = %s",
])
def test_the_database_refuses_raw_updates_and_deletes(sql):
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_months_before_and_the_floor(settings):
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 6) == date(2025, 9, 15)
    settings.TAIZHANG_AUDIT_RETENTION_MONTHS = 1  # configured below the floor: 6 months hold
    assert earliest_purge_date(date(2026, 11, 26)) == date(2026, 5, 26)
    settings.TAIZHANG_AUDIT_RETENTION_MONTHS = 12
    assert earliest_purge_date(date(2026, 11, 26)) == date(2025, 11, 26)


def test_purge_refuses_young_dates_and_records_itself():
    old, young = _event(), _event()
    _age(old, 400)
    with translation.override("en"), pytest.raises(ServiceError, match="must be kept for 6 mo"):
        purge_before(timezone.localdate() - timedelta(days=30))
    deleted = purge_before(timezone.localdate() - timedelta(days=200))
    assert deleted == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=young.pk).exists()
    purge = AuditEvent.objects.get(action="audit.purged")
    assert purge.changes["deleted"] == 1


def test_purge_command(capsys):
    # The command speaks the office's language; the message names the latest allowed date.
    with pytest.raises(CommandError, match=earliest_purge_date().isoformat()):
        call_command("audit-purge", "--before", timezone.localdate().isoformat())
    with pytest.raises(CommandError):
        call_command("audit-purge", "--before", "yesterday")
    call_command("audit-purge", "--before", "2020-01-01")
    assert AuditEvent.objects.filter(action="audit.purged", source="command").count() == 1


EVIL = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "plain"]


def test_xlsx_export_never_starts_a_formula_from_user_text(tmp_path):
    for text in EVIL:
        _event(reason=text)
        record_event("test.event", "test.object", "2", text, actor=None, reason=text)
    path = tmp_path / "audit.xlsx"
    count = write_xlsx(AuditEvent.objects.all(), str(path))
    assert count == 2 * len(EVIL)
    ws = load_workbook(path).active
    texts = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert texts
    for cell in texts:
        assert cell.data_type == "s", cell.value
        if cell.value.startswith(("=", "+", "-", "@", "\t")):
            assert cell.quotePrefix, cell.value
    assert {c.value for c in texts} >= set(EVIL)  # the text itself is kept as written


def test_csv_export_prefixes_formula_text():
    for text in EVIL:
        record_event("test.event", "test.object", "3", text, actor=None, reason=text)
    out = io.BytesIO()
    write_csv(AuditEvent.objects.all(), out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for cell in cells)
    assert "'=cmd|' /C calc'!A0" in cells
    assert csv_safe(12) == 12


def test_filter_by_actor_type_and_dates(world):
    record("test.one", world.alice_project, actor=world.office)
    record("test.two", world.alice, actor=world.alice)
    events = EventFilter(actor="office", object_type="ledger.project").apply(
        AuditEvent.objects.all())
    assert set(events.values_list("action", flat=True)) >= {"test.one", "project.created"}
    assert "test.two" not in set(events.values_list("action", flat=True))
    today = timezone.localdate()
    assert not EventFilter(end=today - timedelta(days=1)).apply(AuditEvent.objects.all()).exists()
    assert EventFilter(start=today, end=today).apply(AuditEvent.objects.all()).exists()


def test_audit_export_command_is_logged(tmp_path, world):
    path = tmp_path / "events.csv"
    call_command("audit-export", "-o", str(path), "--actor", "office")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    logged = AuditEvent.objects.get(action="audit.exported")
    assert logged.changes["filters"]["actor"] == "office"
    assert logged.changes["rows"] > 0
    with pytest.raises(CommandError):
        call_command("audit-export", "-o", str(tmp_path / "x.txt"))


def test_xlsx_export_drops_characters_xlsx_forbids(tmp_path):
    # A control character in a reason would make openpyxl refuse the whole workbook.
    record_event("test.event", "test.object", "4", "bell\x07", actor=None, reason="=a\x01b")
    path = tmp_path / "audit.xlsx"
    assert write_xlsx(AuditEvent.objects.all(), str(path)) == 1
    values = {c.value for row in load_workbook(path).active.iter_rows(min_row=2) for c in row}
    assert {"bell", "=ab"} <= values


def test_an_office_sees_failed_logins_of_its_own_people_only(world):
    # Recorded with no actor (nobody logged in): the admin trail and the inspectors' export
    # both show them to the office of the account's division, and to no other office.
    from taizhang.accounts.choices import DivisionLevel, Role
    from taizhang.accounts.models import Division, User
    from taizhang.core.audit.service import record

    other = Division.objects.create(code="130281", name="遵化市", level=DivisionLevel.COUNTY,
                                    parent=world.county.parent)
    stranger = User.objects.create_user("zunhua", role=Role.OWNER, division=other)
    other_office = User.objects.create_user("zunhua-office", role=Role.OFFICE_ADMIN,
                                            division=other)
    ours = record("auth.login_failed", world.alice, actor=None)
    theirs = record("auth.login_failed", stranger, actor=None)
    seen = set(AuditEvent.objects.restrict(world.office, "view").values_list("pk", flat=True))
    assert ours.pk in seen and theirs.pk not in seen
    seen = set(AuditEvent.objects.restrict(other_office, "view").values_list("pk", flat=True))
    assert theirs.pk in seen and ours.pk not in seen
    assert not AuditEvent.objects.restrict(world.bob, "view").exists()
