"""The figure rules live in taizhang/figures: no other code filters monthly reports by period.

An AST scan of taizhang/ (run by ``make lint`` too). A query condition on a report's period
fields — ``period`` (and its ``__year``/``__month``/``__lte``… lookups) and ``covers_from`` —
in ``filter``/``exclude``/``annotate``/``Q``/… outside the figures package, or a hand-written
SQL comparison on ``.period``, is a second copy of a figure rule (the month, the year to date,
since start) and fails here. Fix it by calling taizhang/figures, or, for code that addresses
one report by its period to fill it in, add the file to ALLOWED with the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "taizhang"
FIGURES = "taizhang/figures/"

#: Files that may address monthly reports by period, and why. Keep it short.
ALLOWED = {
    "taizhang/ledger/models/reports.py": "the model: its constraints and indexes",
    "taizhang/ledger/services/reports.py": "saving one report: finds it by (project, period)",
    "taizhang/ledger/views/reports.py": "the report form and the reporting queue: one month's "
                                        "reports to fill in, not figures",
}
#: Parts of a lookup that are a monthly report's period fields.
PERIOD_FIELDS = {"period", "covers_from"}
#: Calls whose keyword arguments are query conditions or annotations.
QUERY_CALLS = {"filter", "exclude", "annotate", "alias", "aggregate", "get", "get_or_create",
               "update_or_create", "Q", "When", "Exists"}
SQL_PERIOD = re.compile(r"\.period\s*(<=|>=|<|>|=|\bBETWEEN\b)", re.IGNORECASE)


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _on_period(lookup: str) -> bool:
    return bool(PERIOD_FIELDS & set(lookup.split("__")))


def violations(source: str, filename: str = "<source>") -> list[str]:
    """Each place in ``source`` that filters or annotates reports by period."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and _call_name(node) in QUERY_CALLS:
            lookups = [kw.arg for kw in node.keywords if kw.arg]
            for kw in node.keywords:  # filter(**{"period__lte": …})
                if kw.arg is None and isinstance(kw.value, ast.Dict):
                    lookups += [k.value for k in kw.value.keys
                                if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            lookups += [arg.elts[0].value for arg in node.args  # Q(("period__lte", …))
                        if isinstance(arg, ast.Tuple) and arg.elts
                        and isinstance(arg.elts[0], ast.Constant)
                        and isinstance(arg.elts[0].value, str)]
            found += [f"{filename}:{node.lineno}: {_call_name(node)}({lookup}=…)"
                      for lookup in lookups if _on_period(lookup)]
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and SQL_PERIOD.search(node.value)):
            found.append(f"{filename}:{node.lineno}: SQL on .period")
    return found


def _scanned() -> list[tuple[str, Path]]:
    files = []
    for path in sorted(ROOT.rglob("*.py")):
        name = path.relative_to(ROOT.parent).as_posix()
        if (name.startswith(FIGURES) or name in ALLOWED or "/migrations/" in name
                or "/tests/" in name):
            continue
        files.append((name, path))
    return files


def test_no_code_outside_the_figures_package_filters_reports_by_period():
    found = [v for name, path in _scanned() for v in violations(path.read_text(), name)]
    assert not found, (
        "Figure rules outside taizhang/figures (call it instead):\n" + "\n".join(found))


def test_the_scan_sees_the_files_that_used_to_hold_copies():
    names = {name for name, _path in _scanned()}
    assert {"taizhang/stats/service.py", "taizhang/ledger/exporting.py",
            "taizhang/ledger/queries.py", "taizhang/ledger/importing/figures.py",
            "taizhang/ledger/views/projects.py"} <= names


def test_every_allowed_file_exists():
    assert all((ROOT.parent / name).is_file() for name in ALLOWED)


def test_a_planted_copy_of_a_rule_is_found():
    planted = '''
reports = MonthlyReport.objects.filter(project=p, period__gte=year_start)
month = reports.filter(Q(period=first) & Q(covers_from__isnull=True))
rows = MonthlyReport.objects.filter(**{"period__year": 2022})
late = Project.objects.annotate(n=Count("reports", filter=Q(reports__period__lte=day)))
sql = "SELECT SUM(r.completed) FROM r WHERE r.period <= %s"
ytd = Sum("completed", filter=Q(status="approved")) + Case(When(period__gte=day, then=1))
'''
    found = violations(planted)
    assert sorted(int(line.split(":")[1]) for line in found) == [2, 3, 3, 4, 5, 6, 7]


def test_names_that_merely_say_period_are_not_violations():
    harmless = '''
import_ledger(path, name, actor=user, period=period)
Period.parse(options["period"])
MonthlyReport.objects.filter(status="approved").order_by("-period").values_list("period")
OfficeSettings.objects.filter(reporting_period="2022-07")
'''
    assert violations(harmless) == []
