"""`taizhang setup-office`: a county, its office and first administrator on a fresh database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from taizhang.accounts.choices import OrganizationKind, Role
from taizhang.accounts.models import Division, OfficeSettings, Organization, Person, User
from taizhang.accounts.tests.helpers import post_login
from taizhang.core.audit.models import AuditEvent
from taizhang.ledger.importing import import_ledger
from taizhang.ledger.models import Project
from taizhang.ledger.tests.sheets_factory import ledger_grid, to_xlsx

PASSWORD = "Qa-2026-kaishi"
ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def setup(*args, **options):
    call_command("setup-office", *args, **options)


def counts():
    return {model.__name__: model.objects.count()
            for model in (Division, Organization, OfficeSettings, User, Person, AuditEvent)}


def test_a_fresh_database_gets_the_chain_office_settings_and_an_admin_who_imports(
        client, password_file):
    setup("--division", "130283", "--admin", "clerk", "--password-file", str(password_file))

    county = Division.objects.get(code="130283")
    assert [(d.code, d.name, d.level) for d in (county.parent.parent, county.parent, county)] == [
        ("130000", "河北省", "province"), ("130200", "唐山市", "prefecture"),
        ("130283", "迁安市", "county")]
    assert county.parent.parent.parent is None
    assert county.children.filter(level="township").count() == 21
    assert Division.objects.get(code="130283118").path == "130000/130200/130283/130283118/"
    office = Organization.objects.get(kind=OrganizationKind.OFFICE)
    assert (office.name, office.division) == ("迁安市重点项目办", county)
    assert OfficeSettings.for_division(county).pk is not None
    admin = User.objects.get(username="clerk")
    assert (admin.role, admin.division, admin.organization, admin.is_active) == (
        Role.OFFICE_ADMIN, county, office, True)
    assert not admin.is_superuser
    # Audited through the services: one event per row, by the system, from the command.
    created = AuditEvent.objects.filter(reason="setup-office")
    assert created.count() == Division.objects.count() + 3
    assert set(created.values_list("source", flat=True)) == {"command"}
    assert not created.filter(actor__isnull=False).exists()
    assert "password" not in str(created.get(action="user.created").changes)

    # The operator typed the password: the administrator chooses their own at the first login.
    response = post_login(client, "clerk", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/account/password/"

    sheet = ledger_grid([{"项目名称": "迁安市城区供热管网改造", "建设单位": "迁安市热力有限公司",
                          "所属区域": "永顺街道", "总投资（万元）": "12000",
                          "年度计划投资": "3000", "1-7月累计完成投资": "1500",
                          "本月完成投资": "200", "建设阶段": "在建"}])
    result = import_ledger(to_xlsx(sheet), "ledger.xlsx", actor=admin)
    assert result.errors == [] and result.applied and result.created == 1
    assert Project.objects.get().name == "迁安市城区供热管网改造"


def test_a_second_run_changes_nothing_and_keeps_the_password(password_file, tmp_path):
    setup("--division", "130283", "--admin", "clerk", "--password-file", str(password_file))
    before = counts()
    hashed = User.objects.get(username="clerk").password
    other = tmp_path / "other"
    other.write_text("Another-pass-2026\n", encoding="utf-8")

    setup("--division", "130283", "--admin", "Clerk", "--password-file", str(other))

    assert counts() == before
    assert User.objects.get(username="clerk").password == hashed


def test_a_second_admin_name_adds_an_administrator_of_the_same_office(password_file):
    setup("--division", "130283", "--admin", "clerk", "--password-file", str(password_file))
    setup("--division", "130283", "--admin", "deputy", "--password-file", str(password_file))
    office = Organization.objects.get(kind=OrganizationKind.OFFICE)
    assert set(User.objects.filter(role=Role.OFFICE_ADMIN, organization=office)
               .values_list("username", flat=True)) == {"clerk", "deputy"}
    assert Division.objects.filter(code="130283").count() == 1


def test_an_existing_account_that_is_not_this_office_admin_is_refused_unchanged(
        password_file):
    viewer = User.objects.create_user("clerk", password="Viewer-pass-2026", role=Role.VIEWER)
    before = counts()
    with pytest.raises(CommandError) as caught:
        setup("--division", "130283", "--admin", "clerk", "--password-file", str(password_file))
    assert caught.value.returncode == 2 and "clerk" in str(caught.value)
    assert counts() == before
    viewer.refresh_from_db()
    assert viewer.role == Role.VIEWER and viewer.check_password("Viewer-pass-2026")


def test_without_townships_then_with_them(password_file):
    setup("--division", "130283", "--admin", "clerk", "--password-file", str(password_file),
          "--no-townships")
    assert not Division.objects.filter(level="township").exists()
    setup("--division", "130283", "--admin", "clerk", "--password-file", str(password_file))
    assert Division.objects.filter(level="township").count() == 21
    assert Organization.objects.count() == 1 and User.objects.count() == 1


@pytest.mark.parametrize("content", ["short\n", "\n", "clerk2026clerk\n"])
def test_a_password_the_validators_refuse_writes_nothing(tmp_path, content):
    path = tmp_path / "password"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        setup("--division", "130283", "--admin", "clerk", "--password-file", str(path))
    assert caught.value.returncode == 2
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_missing_password_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError) as caught:
        setup("--division", "130283", "--admin", "clerk",
              "--password-file", str(tmp_path / "nothing"))
    assert caught.value.returncode == 2 and "nothing" in str(caught.value)
    assert not Division.objects.exists()


def test_the_prompt_asks_twice_and_refuses_two_different_passwords(monkeypatch):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError):
        setup("--division", "130283", "--admin", "clerk")
    assert not User.objects.exists()

    answers = iter([PASSWORD, PASSWORD])
    setup("--division", "130283", "--admin", "clerk")
    assert User.objects.get(username="clerk").check_password(PASSWORD)


@pytest.mark.parametrize("code", ["130000", "130283001", "999999", "1302", "abc"])
def test_a_wrong_code_exits_2_with_one_line(tmp_path, password_file, code):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DEBUG": "1", "TAIZHANG_DEV": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'untouched.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-m", "taizhang.cli", "setup-office", "--division", code,
         "--admin", "clerk", "--password-file", str(password_file)],
        env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and code in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "untouched.sqlite3").exists()


def test_divisions_already_there_are_kept_and_their_differences_shown(password_file):
    """The Qian'an demo numbers some townships differently from the table: nothing is renamed."""
    from io import StringIO

    setup("--division", "130283", "--admin", "clerk", "--password-file", str(password_file),
          "--no-townships")
    county = Division.objects.get(code="130283")
    Division.objects.create(code="130283110", name="蔡园镇", level="township", parent=county)
    out = StringIO()
    setup("--division", "130283", "--admin", "clerk", "--password-file", str(password_file),
          stdout=out)
    assert Division.objects.get(code="130283110").name == "蔡园镇"
    assert "130283110" in out.getvalue() and "沙河驿镇" in out.getvalue()
    assert Division.objects.get(code="130283108").name == "蔡园镇"  # the table's own code


def test_a_prefecture_level_office_gets_its_chain_and_counties_and_a_second_run_changes_nothing(
        password_file):
    """A 市 key-project office (桂林市): province → prefecture, the prefecture's counties below
    (not their townships); the office and its administrator sit at the prefecture."""
    setup("--division", "450300", "--admin", "clerk", "--password-file", str(password_file))
    city = Division.objects.get(code="450300")
    assert (city.level, city.parent.code, city.parent.parent) == ("prefecture", "450000", None)
    below = city.children.all()
    assert below.exists() and set(below.values_list("level", flat=True)) == {"county"}
    assert not Division.objects.filter(level="township").exists()
    admin = User.objects.get(username="clerk")
    assert (admin.role, admin.division) == (Role.OFFICE_ADMIN, city)
    assert Organization.objects.get(kind=OrganizationKind.OFFICE).division == city
    before = counts()
    setup("--division", "450300", "--admin", "clerk", "--password-file", str(password_file))
    assert counts() == before
