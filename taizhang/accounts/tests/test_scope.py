"""The scoping building blocks: a division's subtree, who acts for an office, and which
accounts an office manages; and a guard that the subtree rule is written nowhere else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from taizhang.accounts.choices import DivisionLevel, Role
from taizhang.accounts.models import Division, User
from taizhang.accounts.scope import (
    acting_for_office_q,
    acts_for_office,
    acts_for_office_of,
    manages_account,
    office_accounts_q,
    office_rows_q,
)

PACKAGE = Path(__file__).resolve().parents[2]  # taizhang/


@pytest.fixture
def tree(db):
    """province > prefecture > county > township > village, a sibling county, and a division
    whose code extends the county's (130283 → 130283118) placed beside it, not below it."""
    def make(code, level, parent=None):
        return Division.objects.create(code=code, name=code, level=level, parent=parent)

    province = make("130000", DivisionLevel.PROVINCE)
    prefecture = make("130200", DivisionLevel.PREFECTURE, province)
    county = make("130283", DivisionLevel.COUNTY, prefecture)
    town = make("130283100", DivisionLevel.TOWNSHIP, county)
    village = make("130283100201", DivisionLevel.TOWNSHIP, town)  # a village: a fifth level
    sibling = make("130284", DivisionLevel.COUNTY, prefecture)
    lookalike = make("130283118", DivisionLevel.TOWNSHIP, prefecture)
    return {"province": province, "prefecture": prefecture, "county": county, "town": town,
            "village": village, "sibling": sibling, "lookalike": lookalike}


def _subtree(division):
    return {d.code for d in Division.objects.filter(division.subtree_q())}


def test_the_subtree_holds_the_division_itself_and_everything_below(tree):
    assert _subtree(tree["county"]) == {"130283", "130283100", "130283100201"}
    assert _subtree(tree["village"]) == {"130283100201"}
    assert _subtree(tree["province"]) == {d.code for d in tree.values()}


def test_a_sibling_whose_code_extends_the_division_is_not_below_it(tree):
    # The lookalike's path, 130000/130200/130283118/, starts with the county's path without
    # its closing "/": a prefix test on the bare codes would take it in.
    assert "130283118" not in _subtree(tree["county"])
    assert not tree["county"].contains(tree["lookalike"])
    assert not tree["county"].contains(tree["sibling"])


def test_contains_answers_as_the_query_does(tree):
    for outer in tree.values():
        for inner in tree.values():
            assert outer.contains(inner) == (inner.code in _subtree(outer)), (outer, inner)
    assert not tree["county"].contains(None)
    assert not tree["town"].contains(tree["county"])  # above is not below


def test_the_subtree_reaches_through_a_relation(tree):
    inside = User.objects.create(username="in", division=tree["village"])
    User.objects.create(username="beside", division=tree["lookalike"])
    User.objects.create(username="nowhere")
    found = User.objects.filter(tree["county"].subtree_q("division__"))
    assert list(found) == [inside]


def test_an_unsaved_division_has_no_subtree(db):
    # Its empty path would be a prefix of every path: refused rather than matching everything.
    with pytest.raises(ValueError):
        Division(code="130283", name="x", level=DivisionLevel.COUNTY).subtree_q()
    assert not Division(code="130283").contains(Division(code="130283", path="130283/"))


def test_lineage_codes_run_from_the_top_down(tree):
    assert tree["village"].lineage_codes() == [
        "130000", "130200", "130283", "130283100", "130283100201"]


def test_who_acts_for_an_office(tree):
    def user(name, role=Role.VIEWER, **kw):
        return User.objects.create(username=name, role=role, **kw)

    assert acts_for_office(user("office", Role.OFFICE_ADMIN, division=tree["county"]))
    assert acts_for_office(user("root", is_superuser=True))  # placed or not
    assert not acts_for_office(user("stray", Role.OFFICE_ADMIN))  # not placed in a division
    assert not acts_for_office(
        user("gone", Role.OFFICE_ADMIN, division=tree["county"], is_active=False))
    assert not acts_for_office(user("gone-root", is_superuser=True, is_active=False))
    for role in (Role.OWNER, Role.LEADER, Role.UNIT_STAFF, Role.VIEWER, Role.BANK):
        assert not acts_for_office(user(f"u-{role}", role, division=tree["county"])), role
    assert not acts_for_office(AnonymousUser())
    assert not acts_for_office(None)
    assert User.objects.get(username="office").acts_for_office  # the same rule, for core
    acting = set(User.objects.filter(acting_for_office_q()))
    assert acting == {u for u in User.objects.all() if acts_for_office(u)} == {
        User.objects.get(username="office"), User.objects.get(username="root")}


def test_an_office_manages_the_accounts_of_its_subtree_only(tree):
    office = User.objects.create(username="office", role=Role.OFFICE_ADMIN,
                                 division=tree["county"])
    stray = User.objects.create(username="stray", role=Role.OFFICE_ADMIN)
    root = User.objects.create(username="root", is_superuser=True)
    below = User.objects.create(username="below", division=tree["village"])
    beside = User.objects.create(username="beside", division=tree["lookalike"])
    nowhere = User.objects.create(username="nowhere")
    everyone = [office, stray, root, below, beside, nowhere]
    expected = {office: {office, below}, stray: set(), root: set(everyone)}
    for actor, managed in expected.items():
        assert set(User.objects.filter(office_accounts_q(actor))) == managed, actor
        assert {u for u in everyone if manages_account(actor, u)} == managed, actor
    # An account that is no office manages nobody, its own division or not.
    assert not manages_account(below, below)


def test_an_office_reaches_the_rows_of_its_subtree_and_says_so_in_python_alike(tree):
    """office_rows_q (SQL) and acts_for_office_of (Python) are one rule: for each actor, the
    rows of a division are reached exactly when the office acts for that division."""
    holders = {name: User.objects.create(username=f"in-{name}", division=division)
               for name, division in tree.items()}
    actors = {
        "county office": (User.objects.create(username="office", role=Role.OFFICE_ADMIN,
                                              division=tree["county"]),
                          {"county", "town", "village"}),
        "unplaced office": (User.objects.create(username="stray", role=Role.OFFICE_ADMIN),
                            set()),
        "superuser": (User.objects.create(username="root", is_superuser=True), set(tree)),
        "inactive superuser": (User.objects.create(username="gone", is_superuser=True,
                                                   is_active=False), set()),
        "owner": (User.objects.create(username="owner", role=Role.OWNER,
                                      division=tree["county"]), set()),
    }
    for label, (actor, reached) in actors.items():
        in_sql = {u.username for u in User.objects.filter(office_rows_q(actor),
                                                          username__startswith="in-")}
        assert in_sql == {f"in-{name}" for name in reached}, label
        assert {name for name, d in tree.items() if acts_for_office_of(actor, d)} == reached, \
            label
        assert not acts_for_office_of(actor, None) or label == "superuser", label
    # Through a relation, named by the prefix: people of organizations in the subtree.
    from taizhang.accounts.models import Organization, Person
    for name, division in tree.items():
        Person.objects.create(name=f"p-{name}", organization=Organization.objects.create(
            name=f"o-{name}", division=division))
    office = actors["county office"][0]
    assert {p.name for p in Person.objects.filter(office_rows_q(office, "organization__"))} \
        == {"p-county", "p-town", "p-village"}
    assert len(holders) == len(tree)


# --- the subtree rule is written once ----------------------------------------------------------

def _subtree_lookups(tree: ast.AST) -> list[int]:
    """Lines that spell a `path__startswith` lookup (a keyword or any string holding it), or
    test one path against another in Python (`x.path.startswith(...)`, not a request's)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg and "path__startswith" in node.arg:
            lines.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "startswith" and isinstance(node.func.value, ast.Attribute)
              and node.func.value.attr == "path"
              and not (isinstance(node.func.value.value, ast.Name)
                       and node.func.value.value.id in ("request", "os"))):
            lines.append(node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                "path__startswith" in node.value):
            lines.append(node.lineno)
    return lines


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "migrations" in parts or "tests" in parts:
            continue
        yield path


def test_only_division_tests_a_path_prefix():
    found = []
    for path in _modules():
        module = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        allowed: set[int] = set()
        if path == PACKAGE / "accounts" / "models.py":
            [division] = [n for n in module.body
                          if isinstance(n, ast.ClassDef) and n.name == "Division"]
            allowed = set(range(division.lineno, (division.end_lineno or 0) + 1))
        found += [f"{path.relative_to(PACKAGE.parent)}:{line}"
                  for line in _subtree_lookups(module) if line not in allowed]
    assert not found, ("'this division and everything below' is Division.subtree_q / "
                       f"Division.contains; found a path prefix test at {found}")


def test_the_guard_sees_a_lookup_written_in_either_form():
    # Without this, a scan that finds nothing would pass for the wrong reason.
    assert _subtree_lookups(ast.parse('Q(division__path__startswith=d.path)')) == [1]
    assert _subtree_lookups(ast.parse('Q(**{f"{p}path__startswith": d.path})')) == [1]
    assert _subtree_lookups(ast.parse('qs.filter(path__startswith="130283/")')) == [1]
    assert _subtree_lookups(ast.parse('user.division.path.startswith(d.path)')) == [1]
    assert _subtree_lookups(ast.parse('Q(path=d.path)')) == []
    assert _subtree_lookups(ast.parse('request.path.startswith("/admin/")')) == []
    assert any(PACKAGE.joinpath("ledger", "models", "scope.py") == p for p in _modules())
