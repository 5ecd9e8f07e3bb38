"""Rules as SQL: a whole evaluation is one statement over the projects.

At 100,000 projects, fetching every project's figures and judging them in Python (Decimals,
a verdict and a JSON text per project) took several times the statement that computes the
progress colour alone. So a rule that can gives its verdict as SQL (`SqlForm`):

- ``inputs``: Django expressions on the project (its figures, its month's report…), each
  computed once per project in an inner query;
- ``color``: SQL over the inputs giving 'red', 'yellow', 'green', or NULL when the rule has
  nothing to say about the project;
- ``values``: SQL over the inputs giving the JSON text of the reason's values.

`lamp_rows` composes the enabled rules into one statement giving each project's colour (the
worst; the first rule on a tie), the rule that set it and the reasons as JSON text: the
evaluation inserts it with ``INSERT … SELECT``, and `rules.evaluate_all` reads it. The texts
are written with `SqlWriter`, which hides what SQLite and PostgreSQL spell differently. Only
rule code writes SQL here; what it splices in is numbers, dates and JSON made by `json.dumps`
(`literal` quotes them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, FilteredRelation, QuerySet

from taizhang.core.money_sql import money_or_zero
from taizhang.figures.per_project import table_value
from taizhang.warnings.choices import RANK, LampColor


@dataclass(frozen=True)
class SqlForm:
    """A rule's verdict as SQL (module docstring). ``relations`` are FilteredRelations the
    inputs go through, added to the projects under their names (a rule's own names)."""

    inputs: dict[str, Any]
    color: str
    values: str
    relations: dict[str, FilteredRelation] = field(default_factory=dict)
    #: SQL over the inputs computed once per project in a level of its own, named like an
    #: input (a value ``color`` and ``values`` use several times, e.g. a rounded rate).
    derived: dict[str, str] = field(default_factory=dict)
    #: Amounts given as per-project tables (`figures.per_project.amount_tables`), named like
    #: an input: joined on PostgreSQL, where hashing each table once beats a subquery per
    #: project, and a subquery per project on SQLite, where it is the other way round.
    tables: dict[str, QuerySet[Any]] = field(default_factory=dict)


def literal(value: str) -> str:
    """A constant text as an SQL string literal (quotes doubled; ``%`` doubled for the
    driver's parameter syntax)."""
    return "'" + value.replace("'", "''").replace("%", "%%") + "'"


def json_literal(value: Any) -> str:
    """The JSON text of a constant, as an SQL string literal."""
    return literal(json.dumps(value, ensure_ascii=False, sort_keys=True))


@dataclass(frozen=True)
class SqlWriter:
    """SQL fragments for one rule on one database: its inputs' column names, and the few
    spellings that differ between SQLite and PostgreSQL."""

    vendor: str
    prefix: str = ""

    def col(self, name: str) -> str:
        """The column of the rule's input ``name`` in the inner query."""
        return f'"{self.prefix}{name}"'

    def div(self, numerator: str, denominator: str) -> str:
        """Integer quotient, truncated (both non-negative; NULL when dividing by zero)."""
        if self.vendor == "postgresql":
            return f"DIV({numerator}, NULLIF({denominator}, 0))"
        return f"(({numerator}) / NULLIF({denominator}, 0))"

    def fixed(self, integer: str, places: int, *, signed: bool = True) -> str:
        """The text of ``integer`` ÷ 10^places with exactly ``places`` decimals: what
        ``str()`` gives of a Decimal quantized to them ("0.3125", "-27.08", "0.00").
        (``%%``: SQLite's modulo, escaped from the driver's parameter syntax. SQLite binds
        ``||`` tighter than ``/``: every quotient is in parentheses.)"""
        scale = 10 ** places
        if self.vendor == "postgresql":
            return f"(ROUND(({integer}) / {scale}.0, {places})::text)"
        if not signed:  # never negative: no sign to write
            return (f"((({integer}) / {scale}) || '.' || "
                    f"SUBSTR('{'0' * places}' || (({integer}) %% {scale}), -{places}))")
        return (f"(CASE WHEN ({integer}) < 0 THEN '-' ELSE '' END || (ABS({integer}) / {scale})"
                f" || '.' || SUBSTR('{'0' * places}' || (ABS({integer}) %% {scale}), -{places}))")

    def text(self, sql: str) -> str:
        """A value as text (an integer, or a date as YYYY-MM-DD)."""
        if self.vendor == "postgresql":
            return f"(({sql})::text)"
        return f"CAST({sql} AS TEXT)"

    def json_object(self, items: dict[str, str]) -> str:
        """SQL giving the JSON text of an object: ``items`` maps each key to SQL giving its
        JSON value text (`json_string`, `json_number`, `json_literal`)."""
        parts = []
        for n, (key, value) in enumerate(items.items()):
            parts.append(literal(("{" if n == 0 else ",") + json.dumps(key) + ":"))
            parts.append(value)
        parts.append(literal("}") if items else literal("{}"))
        return "(" + " || ".join(parts) + ")"

    @staticmethod
    def json_string(sql: str) -> str:
        """A JSON string of a text with nothing to escape (digits, a sign, dots, dashes)."""
        return f"""('"' || {sql} || '"')"""

    def json_number(self, sql: str) -> str:
        return self.text(sql)

    def date_text(self, sql: str) -> str:
        """A date as YYYY-MM-DD (SQLite keeps dates as that text)."""
        if self.vendor == "postgresql":
            return f"TO_CHAR({sql}, 'YYYY-MM-DD')"
        return sql

    def month_index(self, sql: str) -> str:
        """year × 12 + month of a date."""
        if self.vendor == "postgresql":
            return f"(EXTRACT(YEAR FROM {sql})::int * 12 + EXTRACT(MONTH FROM {sql})::int)"
        return f"(CAST(SUBSTR({sql}, 1, 4) AS INTEGER) * 12 + CAST(SUBSTR({sql}, 6, 2) AS INTEGER))"

    def fence(self) -> str:
        """Keeps the database from merging the inner query into the outer one, which would
        compute each input's subquery once per use instead of once."""
        return " OFFSET 0" if self.vendor == "postgresql" else " LIMIT -1 OFFSET 0"


@dataclass(frozen=True)
class Composed:
    """One statement giving ``(project id, colour, rule, reasons JSON text)`` per project."""

    sql: str
    params: tuple[Any, ...]


_RANK_NAMES = sorted(RANK.items(), key=lambda item: item[1])  # best first


def _rank(color: str) -> str:
    whens = " ".join(f"WHEN {literal(str(c))} THEN {r}" for c, r in _RANK_NAMES if r)
    return f"(CASE {color} {whens} ELSE 0 END)"


#: A rule in a composed statement: its code, its form for a writer (which names the rule's
#: columns), the threshold its reasons keep, and whether a green verdict is kept as a reason.
Entry = tuple[str, Callable[[SqlWriter], SqlForm], Any, bool]


def verdict_rows(projects: QuerySet[Any], entries: Sequence[Entry], vendor: str) -> Composed:
    """Per project: ``pid``, then each rule's colour and values (``c0``, ``v0``, ``c1``…)."""
    inner = projects.order_by()
    columns: dict[str, Any] = {"pid": F("pk")}
    middle = ["t0.pid"]
    derived = []
    joined: dict[str, QuerySet[Any]] = {}
    for i, (_code, build, _threshold, _green) in enumerate(entries):
        w = SqlWriter(vendor, prefix=f"r{i}_")
        form = build(w)
        if form.relations:
            inner = inner.annotate(**form.relations)
        columns.update({f"r{i}_{name}": expr for name, expr in form.inputs.items()})
        for name, table in form.tables.items():
            if vendor == "postgresql":
                joined[f"r{i}_{name}"] = table
            else:
                columns[f"r{i}_{name}"] = money_or_zero(table_value(table))
        derived += [f"{sql} AS {w.col(name)}" for name, sql in form.derived.items()]
        middle += [f"{form.color} AS c{i}", f"{form.values} AS v{i}"]
    inner_sql, inner_params = inner.values(**columns).query.sql_with_params()
    params = list(inner_params)
    fence = SqlWriter(vendor).fence()
    # Rule code's fragments (module docstring) around Django's own SQL and parameters.
    source = f"({inner_sql}{fence}) t0"
    if joined:
        selects, joins = [], []
        for n, (name, table) in enumerate(joined.items()):
            table_sql, table_params = table.values("pid", "value").query.sql_with_params()
            selects.append(f'COALESCE(j{n}."value", 0) AS "{name}"')
            joins.append(f' LEFT JOIN ({table_sql}) j{n} ON j{n}."pid" = t0.pid')
            params += table_params
        source = (f"(SELECT t0.*, {', '.join(selects)} "  # noqa: S608
                  f"FROM {source}{''.join(joins)}{fence}) t0")
    if derived:
        source = f"(SELECT *, {', '.join(derived)} FROM {source}{fence}) t0"  # noqa: S608
    sql = f"SELECT {', '.join(middle)} FROM {source}"  # noqa: S608
    return Composed(sql, tuple(params))


def lamp_rows(projects: QuerySet[Any], entries: Sequence[Entry], vendor: str) -> Composed:
    """The statement of the module's docstring: ``pid``, ``color``, ``rule``, ``reasons``."""
    verdicts = verdict_rows(projects, entries, vendor)
    ranks = [_rank(f"t.c{i}") for i in range(len(entries))]
    if not ranks:
        worst = "0"
    elif len(ranks) == 1:
        worst = ranks[0]
    else:
        worst = ("GREATEST" if vendor == "postgresql" else "MAX") + f"({', '.join(ranks)})"
    names = {r: literal(str(c)) for c, r in _RANK_NAMES}
    color = (f"(CASE {worst} " + " ".join(f"WHEN {r} THEN {names[r]}" for r in names if r)
             + f" ELSE {names[0]} END)")
    setter = " ".join(f"WHEN {rank} = {worst} THEN {literal(code)}"
                      for rank, (code, *_rest) in zip(ranks, entries, strict=True))
    rule = f"(CASE WHEN {worst} = 0 THEN '' {setter} ELSE '' END)"
    reasons = []
    for i, (code, _build, threshold, keeps_green) in enumerate(entries):
        said = f"t.c{i} IS NOT NULL" + ("" if keeps_green else
                                         f" AND t.c{i} <> {literal(LampColor.GREEN)}")
        reason = " || ".join([
            literal(',{"rule":' + json.dumps(code) + ',"color":"'), f"t.c{i}",
            literal('","values":'), f"t.v{i}",
            literal(',"threshold":' + json.dumps(threshold, ensure_ascii=False,
                                                 sort_keys=True) + "}")])
        reasons.append(f"(CASE WHEN {said} THEN {reason} ELSE '' END)")
    joined = " || ".join(reasons) if reasons else "''"
    sql = (f"SELECT t.pid AS pid, {color} AS color, {rule} AS rule, "  # noqa: S608
           f"('[' || SUBSTR({joined}, 2) || ']') AS reasons "
           f"FROM ({verdicts.sql}{SqlWriter(vendor).fence()}) t")
    return Composed(sql, verdicts.params)
