"""Real published key-project sheets (../shared/real-sheets/) import into an office made with
`setup-office`, giving expected.json's project count and totals through the statistics.

The files are not copied here: CI has shared/ beside the clone, as the machine this was written
on does. Without them the tests fail (CI fails on skips), saying where they were looked for.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from taizhang.accounts.models import Division, OfficeSettings, Organization, Person, User
from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.ledger.models import KeyListMembership, Project
from taizhang.stats.service import compute

REPO = Path(__file__).resolve().parents[3]


def _main_checkout(repo: Path) -> Path:
    """The clone itself, or for a `git worktree` the main checkout it belongs to."""
    dot_git = repo / ".git"
    if dot_git.is_file():  # "gitdir: /path/to/main/.git/worktrees/NAME"
        gitdir = Path(dot_git.read_text(encoding="utf-8").split(":", 1)[1].strip())
        return gitdir.parents[2]
    return repo


REAL_SHEETS = next(
    (path for path in (REPO.parent / "shared" / "real-sheets",
                       _main_checkout(REPO).parent / "shared" / "real-sheets")
     if path.is_dir()),
    REPO.parent / "shared" / "real-sheets")
PASSWORD = "Qa-2026-kaishi"
pytestmark = pytest.mark.django_db


def real_sheets() -> Path:
    if not (REAL_SHEETS / "expected.json").is_file():
        pytest.fail(f"The real sheets are missing: expected {REAL_SHEETS}/expected.json (the "
                    "folder shared/real-sheets beside the repository's clone).", pytrace=False)
    return REAL_SHEETS


def expected() -> dict:
    return json.loads((real_sheets() / "expected.json").read_text(encoding="utf-8"))["files"]


FILES = sorted(json.loads((REAL_SHEETS / "expected.json").read_text(encoding="utf-8"))["files"]
               ) if (REAL_SHEETS / "expected.json").is_file() else ["(shared/real-sheets missing)"]


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def setup_office(code: str, password_file: Path) -> str:
    out = StringIO()
    call_command("setup-office", "--division", code, "--admin", "clerk",
                 "--password-file", str(password_file), stdout=out)
    return out.getvalue()


def import_file(name: str, period: str) -> str:
    out = StringIO()
    call_command("import-ledger", str(real_sheets() / name), "--period", period, stdout=out)
    return out.getvalue()


def snapshot():
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True))
            for model in (Division, Organization, OfficeSettings, User, Person, AuditEvent)}


@pytest.mark.parametrize("name", FILES)
def test_a_real_sheet_imports_into_a_fresh_office_with_its_expected_figures(
        name, password_file):
    want = expected()[name]
    setup_office(want["division"]["code"], password_file)
    office = Division.objects.get(code=want["division"]["code"])
    assert (office.name, office.level) == (want["division"]["name"], want["division"]["level"])

    output = import_file(name, want["period"])

    stats = compute(Project.objects.all(), Period.parse(want["period"]))
    assert stats.total.projects == want["projects"]
    assert stats.total.planned_total == Decimal(want["planned_total_wan"])
    if "annual_plan_wan" in want:
        assert stats.total.annual_plan == Decimal(want["annual_plan_wan"])
    # Every project and organization the import made is the office's own.
    assert not Project.objects.exclude(division__path__startswith=office.path).exists()
    assert not Organization.objects.exclude(division__path__startswith=office.path).exists()
    # Placeholders never become organizations.
    assert not Organization.objects.filter(name__in=["待定", "未定", "暂定"]).exists()
    # The normal output lists what was left out of the sheet.
    assert "不导入" in output or "not imported" in output

    # A second setup-office changes nothing.
    before = snapshot()
    again = setup_office(want["division"]["code"], password_file)
    assert snapshot() == before
    assert "已存在" in again or "already" in again.lower() or "没有改变" in again


def sheet_column(name: str, header: str) -> list[object]:
    """The cells under `header` in the file's first ledger sheet, read here independently."""
    workbook = openpyxl.load_workbook(real_sheets() / name, read_only=True)
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        for index, row in enumerate(rows[:10]):
            if header in row:
                column = row.index(header)
                return [r[column] if column < len(r) else None for r in rows[index + 1:]]
    raise AssertionError(f"no {header} column in {name}")


def test_maojian_reads_levels_leaders_nature_and_since_start(password_file):
    name = "maojian-2020-luxiantu.xlsx"
    want = expected()[name]
    setup_office(want["division"]["code"], password_file)
    import_file(name, want["period"])

    levels = Counter(v for v in sheet_column(name, "层次") if v)
    members = Counter(KeyListMembership.objects.filter(key_list__year=2020)
                      .values_list("key_list__level", flat=True))
    assert members == {"province": levels["省重点"], "prefecture": levels["市重点"]}
    # Padded two-character names are one name; the first of several leaders is kept.
    people = set(Person.objects.values_list("name", flat=True))
    assert {"任远", "童华", "曾强", "张捍声"} <= people
    assert not [p for p in people if " " in p or len(p) > 3]
    # 续建 is a stage (在建), 新建 the nature; 是否开工 是 puts a 新建 project under construction.
    natures = Counter(sheet_column(name, "建设性质"))
    started = sheet_column(name, "是否开工")
    continuing = Project.objects.filter(stage="under_construction").count()
    expected_started = sum(1 for nature, yes in zip(sheet_column(name, "建设性质"), started,
                                                    strict=True)
                           if nature == "续建" or yes == "是")
    assert natures["续建"] > 0 and continuing == expected_started
    assert set(Project.objects.values_list("nature", flat=True)) == {"new"}
    # No owner column: the projects have none, and a second import finds them by name + unit.
    assert not Project.objects.filter(owner__isnull=False).exists()
    second = import_file(name, want["period"])
    assert Project.objects.count() == want["projects"]
    assert "新增 0 个" in second or "created 0" in second


def test_kunming_reads_the_platform_code_start_date_and_since_start(password_file):
    name = "kunming-2022-chubei-jihua.xlsx"
    want = expected()[name]
    setup_office(want["division"]["code"], password_file)
    import_file(name, want["period"])

    codes = {str(v).strip() for v in sheet_column(name, "审批监管平台代码") if v}
    assert set(Project.objects.values_list("code", flat=True)) == codes
    assert Project.objects.filter(actual_start__isnull=False).count() == want["projects"]
    assert not Project.objects.filter(completed_before=0).exists()  # 累计完成投资 read
    assert Project.objects.filter(stage="under_construction").count() == want["projects"]


def test_guilin_sub_sections_and_the_total_above_the_data_are_not_projects(password_file):
    name = "guilin-2022-zhongda-qianqi.xlsx"
    want = expected()[name]
    setup_office(want["division"]["code"], password_file)
    output = import_file(name, want["period"])
    assert not Project.objects.filter(name__startswith="—").exists()
    assert not Project.objects.filter(name__in=["合计", "一、基础设施"]).exists()
    owners = [v for v in sheet_column(name, "项目业主") if v]
    # 待定 leaves the owner unknown; "A、B" keeps A (and says so in the preview).
    assert Project.objects.filter(owner__isnull=True).count() == owners.count("待定")
    # The unlabelled helper columns are named as left out (J holds only #REF!, which the
    # reader sees as an empty cell).
    for letter in "HI":
        assert f"(column {letter})" in output
