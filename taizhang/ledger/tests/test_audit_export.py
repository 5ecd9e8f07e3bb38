"""Exports are logged with their filters and row count; the office's audit export."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.service import record


def test_web_ledger_export_logs_filters_and_rows(client, world):
    client.force_login(world.office)
    response = client.get(reverse("ledger:export"), {"period": "2022-07", "stage":
                                                     "under_construction"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="ledger.exported")
    assert event.actor == world.office
    assert event.changes["rows"] == 2
    assert event.changes["period"] == "2022-07"
    assert event.changes["filters"].get("stage") == ["under_construction"], event.changes


def test_owner_export_counts_only_own_rows(client, world):
    client.force_login(world.alice)
    client.get(reverse("ledger:export"), {"period": "2022-07"})
    assert AuditEvent.objects.get(action="ledger.exported").changes["rows"] == 1


def test_export_ledger_command_is_logged(tmp_path, world):
    out = tmp_path / "ledger.xlsx"
    call_command("export-ledger", "--period", "2022-07", "-o", str(out), "--user", "alice")
    event = AuditEvent.objects.get(action="ledger.exported")
    assert event.source == "command"
    assert event.changes["rows"] == 1
    assert event.changes["filters"]["user"] == "alice"


def test_audit_export_page_is_office_only_and_scoped(client, world):
    url = reverse("audit:export")
    client.force_login(world.alice)
    assert client.get(url).status_code == 403
    record("report.secret", world.bob_project, actor=world.bob, reason="=HYPERLINK(\"x\")")
    client.force_login(world.office)
    page = client.get(url, {"object_type": "ledger.project", "format": "xlsx"})
    assert page.status_code == 200
    response = client.get(url, {"object_type": "ledger.project", "format": "xlsx",
                                "download": "1"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    reasons = [row[8].value for row in ws.iter_rows(min_row=2)]
    cell = next(c for row in ws.iter_rows(min_row=2) for c in row
                if c.value == "=HYPERLINK(\"x\")")
    assert cell.data_type == "s" and cell.quotePrefix
    assert len(reasons) >= 3
    logged = AuditEvent.objects.get(action="audit.exported")
    assert logged.actor == world.office
    assert logged.changes["filters"]["object_type"] == "ledger.project"
    assert logged.changes["rows"] == len(reasons)


def test_a_county_office_sees_only_its_divisions_events(client, world):
    from taizhang.accounts.choices import DivisionLevel, Role
    from taizhang.accounts.models import Division, User
    from taizhang.accounts.security.passwords import mark_password_as_chosen

    other = Division.objects.create(code="130281", name="遵化市", level=DivisionLevel.COUNTY,
                                    parent=world.county.parent)
    stranger = User.objects.create_user("stranger", password="pw", role=Role.OFFICE_ADMIN,
                                        division=other)
    mark_password_as_chosen(stranger)
    client.force_login(stranger)
    response = client.get(reverse("audit:export"), {"format": "csv", "download": "1"})
    body = response.content.decode("utf-8-sig")
    assert "燕山钢铁" not in body and "迁钢新材" not in body


def test_the_actor_filter_finds_an_account_by_any_spelling_of_its_name(client, world):
    """`ＢＯＢ` and `Bob` are the account `bob` (accounts/identity.py), in the export too."""
    record("report.secret", world.bob_project, actor=world.bob, reason="marker-bob")
    client.force_login(world.office)
    for spelling in ("bob", "ＢＯＢ", "Bob"):
        response = client.get(reverse("audit:export"), {"actor": spelling, "format": "xlsx",
                                                        "download": "1"})
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(
            min_row=2, values_only=True))
        assert rows and {row[1] for row in rows} == {"bob"}, spelling
        assert "marker-bob" in {row[8] for row in rows}, spelling
