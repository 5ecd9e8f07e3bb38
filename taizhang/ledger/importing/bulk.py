"""INSERT the import's new rows: what ``bulk_create`` writes, through fewer layers.

A large import inserts some hundred thousand rows; ``bulk_create`` spends most of its time in
the SQL compiler (several calls per value; on SQLite a statement per 999 values, on
PostgreSQL arrays whose every value psycopg escapes in Python).  Here the columns and their
converters are worked out once per model, a value that is already what the database takes (a
str for a text column, an int for an integer or a foreign key) is passed as it is, every
other value goes through its field's ``get_db_prep_save`` as in ``bulk_create``.  SQLite: as
many rows per INSERT as it allows, the new ids back through RETURNING in order (as
``bulk_create`` relies on too).  PostgreSQL: the ids drawn from the table's sequence first,
then the rows through COPY.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from django.db import connections, models, router
from django.db.models.base import ModelState

M = TypeVar("M", bound=models.Model)

#: Fields whose database value is the Python value itself when it has this type.
_PLAIN: tuple[tuple[type, type], ...] = (
    (models.CharField, str),
    (models.TextField, str),
    (models.BooleanField, bool),
    (models.IntegerField, int),  # and the Small/Big/Positive ones, AutoFields
)


def _plain_type(field: models.Field[Any, Any]) -> type | None:
    if isinstance(field, models.ForeignKey):
        return _plain_type(field.target_field)
    for kind, python in _PLAIN:
        if isinstance(field, kind):
            return python
    return None


Column = tuple[Any, str, type | None, bool, Callable[..., Any]]  # see _columns


@cache
def _columns(model: type[models.Model]) -> list[Column]:
    """(field, attname, plain type, whether pre_save does more than read, converter)."""
    columns: list[Column] = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        own_pre_save = type(field).pre_save is not models.Field.pre_save and not (
            isinstance(field, models.DateField)  # and DateTimeField: pre_save only sets now
            and not (field.auto_now or field.auto_now_add))
        columns.append((field, field.attname, _plain_type(field), own_pre_save,
                        _converter(field)))
    return columns


def _converter(field: models.Field[Any, Any]) -> Callable[[Any, Any], Any]:
    """``field.get_db_prep_save``, with a shortcut for what every row has: a finite Decimal
    for a DecimalField, a date for a DateField, an aware datetime for a DateTimeField (the
    same value through fewer calls)."""
    prep = field.get_db_prep_save
    if type(field) is models.DecimalField:
        digits, places = field.max_digits, field.decimal_places

        def decimal_value(value: Any, connection: Any) -> Any:
            if type(value) is Decimal and value.is_finite():
                return connection.ops.adapt_decimalfield_value(value, digits, places)
            return prep(value, connection)

        return decimal_value
    if type(field) is models.DateField:
        def date_value(value: Any, connection: Any) -> Any:
            if type(value) is date:
                return connection.ops.adapt_datefield_value(value)
            return prep(value, connection)

        return date_value
    if type(field) is models.DateTimeField:
        # An aware datetime is its own prepared value (only a naive one is made aware, with
        # a warning): straight to the backend's adapter. A report has three of them.
        def datetime_value(value: Any, connection: Any) -> Any:
            if type(value) is datetime and value.tzinfo is not None:
                return connection.ops.adapt_datetimefield_value(value)
            return prep(value, connection)

        return datetime_value
    return prep


@cache
def _blueprint(model: type[models.Model]) -> tuple[dict[str, Any], list[tuple[str, Any]],
                                                   dict[str, str]]:
    """(attname → default, [(attname, callable default)], relation name → attname)."""
    defaults: dict[str, Any] = {}
    made: list[tuple[str, Any]] = []
    relations: dict[str, str] = {}
    for field in model._meta.concrete_fields:
        if field.is_relation:
            relations[field.name] = field.attname
        if field.has_default() and callable(field.default):
            made.append((field.attname, field.default))
        else:
            defaults[field.attname] = None if field.primary_key else field.get_default()
    return defaults, made, relations


def new(model: type[M], values: dict[str, Any]) -> M:
    """``model(**values)`` for a row to ``insert``, without ``Model.__init__``'s work per
    field (a third of the cost of writing a row): the defaults are worked out once per model
    and set in one go. `values` are field names (a related object or None) or attnames;
    a model with init signals or a property among `values` is not for this."""
    defaults, made, relations = _blueprint(model)
    obj = model.__new__(model)
    state = ModelState()
    attrs = obj.__dict__
    attrs.update(defaults)
    for attname, default in made:
        attrs[attname] = default()
    for name, value in values.items():
        related = relations.get(name)
        if related is None:
            attrs[name] = value
        else:  # as the related descriptor sets it: the id, and the object cached
            attrs[related] = value.pk if value is not None else None
            state.fields_cache[name] = value
    attrs["_state"] = state
    return obj


def _max_params(connection: Any) -> int:
    if connection.vendor == "sqlite":
        raw = connection.connection
        getlimit = getattr(raw, "getlimit", None)
        if getlimit is not None:
            import sqlite3

            return int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        return int(connection.features.max_query_params or 999)
    return 30_000


def insert(objs: Sequence[models.Model]) -> None:
    """Insert new model instances (no pk yet) of one model; sets their pk like bulk_create."""
    if not objs:
        return
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    opts = model._meta
    if not _returns_only_pk(objs) or not isinstance(
            opts.pk, models.AutoField | models.BigAutoField):
        model._default_manager.bulk_create(objs)
        return
    if connection.vendor == "postgresql":
        _copy(objs, connection, alias)
        return
    if connection.vendor != "sqlite" or not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(objs)
        return
    columns = _columns(model)
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(field.column)) for field, *_ in columns)
    head = f"INSERT INTO {quote(opts.db_table)} ({names}) VALUES "  # noqa: S608 (model names)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    returning = f" RETURNING {quote(str(opts.pk.column))}"
    size = max(1, min(1000, _max_params(connection) // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            params: list[Any] = []
            for obj in batch:
                params += _values(obj, columns, connection)
            sql = head + ", ".join([one] * len(batch)) + returning
            cursor.execute(sql, params)
            for obj, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = alias


def _returns_only_pk(objs: Sequence[models.Model]) -> bool:
    """Whether the database gives back nothing but the new ids: a field with a database
    default (a report's warning columns) is returned too, unless every row sets a value of
    its own, which the row then holds as written (`new` sets the field's Python default)."""
    opts = type(objs[0])._meta
    others = [field.attname for field in opts.db_returning_fields if field is not opts.pk]
    return all(not hasattr(obj.__dict__.get(attname), "resolve_expression")
               and attname in obj.__dict__ for attname in others for obj in objs)


def _copy(objs: Sequence[models.Model], connection: Any, alias: str) -> None:
    """PostgreSQL: ids drawn from the table's sequence, then the rows through COPY (psycopg
    writes them in C; as parameters, even bulk_create's arrays, each value would be escaped
    in Python)."""
    model = type(objs[0])
    opts = model._meta
    columns = _columns(model)
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    names = ", ".join([quote(str(opts.pk.column)),
                       *(quote(str(field.column)) for field, *_ in columns)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)",
                       [opts.db_table, str(opts.pk.column), len(objs)])
        ids = [pk for (pk,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for obj, pk in zip(objs, ids, strict=True):
                copy.write_row([pk, *_values(obj, columns, connection)])
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias


@cache
def _reader(model: type[models.Model]) -> Callable[[dict[str, Any]], Any]:
    """All column values of an instance's ``__dict__`` in one C call."""
    attnames = [attname for _field, attname, *_rest in _columns(model)]
    getter = operator.itemgetter(*attnames)
    return getter if len(attnames) > 1 else lambda attrs: (getter(attrs),)


def _values(obj: models.Model, columns: list[Column], connection: Any) -> list[Any]:
    try:
        values = list(_reader(type(obj))(obj.__dict__))
    except KeyError:  # a deferred field: read through its descriptor
        values = [getattr(obj, attname) for _field, attname, *_rest in columns]
    for index, (field, attname, plain, own_pre_save, convert) in enumerate(columns):
        value = values[index]
        if own_pre_save:
            value = values[index] = field.pre_save(obj, True)
        elif value is None:
            if field.is_relation and field.is_cached(obj):
                # Assigned before it was saved (as bulk_create's check does).
                related = field.get_cached_value(obj)
                if related is not None:
                    if related.pk is None:
                        raise ValueError(f"{field.name} of {obj!r} is not saved")
                    values[index] = related.pk
                    setattr(obj, attname, related.pk)
            continue
        if value is not None and (plain is None or type(value) is not plain):
            values[index] = convert(value, connection)
    return values
