"""An object's audit trail as people read it: translated labels, formatted values."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.core.audit.models import AuditEvent, is_part_key, part_key
from taizhang.core.money import wan
from taizhang.core.registry import registry

# Bookkeeping columns nobody edits: not shown in a difference table.
HIDDEN_FIELDS = {"id", "version", "created_at", "updated_at", "path"}

OUTSIDE = gettext_lazy("(outside your scope)")
HIDDEN = gettext_lazy("(hidden)")


def pair(value: Any) -> tuple[Any, Any]:
    """A `changes` entry as (before, after); a created object's snapshot has only the after."""
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]
    return None, value


def same(a: Any, b: Any) -> bool:
    """Equal as stored values: "12.5" and "12.50" are the same amount."""
    if a == b:
        return True
    if a in (None, "") and b in (None, ""):
        return True
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, ValueError):
        return False


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


@dataclass
class FieldChange:
    name: str
    label: str
    before: str
    after: str


@dataclass
class Entry:
    event: AuditEvent
    changes: list[FieldChange] = field(default_factory=list)
    is_current: bool = False
    can_revert: bool = False


#: Of these ids of a model, the ones the reader may see named (None: all of them).
Nameable = Callable[[type[models.Model], set[Any]], set[str] | None]
#: How the reader reads a user the history names (an actor, "submitted by").
UserLabel = Callable[[models.Model], str]


class ValueFormatter:
    """Formats stored values; related objects are fetched once per model for the page.

    `nameable` and `user_label` keep a history within its reader's scope: a related object the
    reader may not see (another county's owner, another company's parent project) is shown as
    "outside your scope", a person as what the reader may know of them.
    """

    def __init__(self, nameable: Nameable | None = None,
                 user_label: UserLabel | None = None) -> None:
        self._names: dict[tuple[type[models.Model], Any], str] = {}
        self._nameable = nameable
        self._user_label = user_label

    def prefetch(self, model: type[models.Model] | None, events: Iterable[AuditEvent]) -> None:
        wanted: dict[type[models.Model], set[Any]] = {}
        for event in events:
            for name, value in event.changes.items():
                f = model_field(model, name)
                if f is not None and f.is_relation and f.related_model is not None:
                    for v in pair(value):
                        if v not in (None, ""):
                            wanted.setdefault(f.related_model, set()).add(v)  # type: ignore[arg-type]
        user_model = get_user_model()
        for related, pks in wanted.items():
            clean = {pk for pk in pks if isinstance(pk, int | str)}
            allowed = self._nameable(related, clean) if self._nameable else None
            for obj in related._base_manager.filter(pk__in=clean):
                key = (related, str(obj.pk))
                if related is user_model and self._user_label is not None:
                    self._names[key] = self._user_label(obj)
                elif allowed is None or str(obj.pk) in allowed:
                    self._names[key] = str(obj)
                else:
                    self._names[key] = str(OUTSIDE)

    def label(self, model: type[models.Model] | None, name: str) -> str:
        f = model_field(model, name)
        if f is not None:
            return str(f.verbose_name)
        # Keys of `changes` that are not model fields: declared by the apps that write them.
        return str(registry.change_labels.get(name, name))

    def value(self, model: type[models.Model] | None, name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        f = model_field(model, name)
        if f is None:
            return str(value)
        if f.is_relation and f.related_model is not None:
            # Not found (deleted, or not fetched): the id alone, unless names are being limited.
            fallback = str(OUTSIDE) if self._nameable else f"#{value}"
            return self._names.get((f.related_model, str(value)), fallback)  # type: ignore[arg-type]
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(f, models.BooleanField):
            return _("Yes") if value else _("No")
        if isinstance(f, models.DecimalField):
            try:
                return f"{wan(Decimal(str(value))):,}"
            except (InvalidOperation, ValueError):
                return str(value)
        return str(value)


def entries(events: Sequence[AuditEvent], object_type: str, *, nameable: Nameable | None = None,
            user_label: UserLabel | None = None, private: Iterable[str] = ()) -> list[Entry]:
    """Newest first, each with its field-level differences; the values of the `private`
    fields (personal data the reader does not get) are shown as hidden."""
    private = set(private)
    model = model_of(object_type)
    formatter = ValueFormatter(nameable, user_label)
    formatter.prefetch(model, events)
    result = []
    for event in events:
        rows = []
        for name, value in event.changes.items():
            if name in HIDDEN_FIELDS:
                continue
            before, after = pair(value)
            shown = formatter.value(model, name, before), formatter.value(model, name, after)
            if shown == ("—", "—"):
                continue  # created empty: nothing to read
            if name in private:
                shown = tuple(v if v == "—" else str(HIDDEN) for v in shown)  # type: ignore[assignment]
            rows.append(FieldChange(name, formatter.label(model, name), *shown))
        result.append(Entry(event, rows))
    if result:
        result[0].is_current = True
    return result


def narrowed(events: Iterable[AuditEvent], obj: models.Model) -> list[AuditEvent]:
    """`events` (from ``AuditEvent.objects.about(obj)``), each with only its changes of `obj`:
    an event recorded on `obj` without the parts it carries about other objects, an event
    recorded on the object `obj` is part of with only its part about `obj`."""
    label, pk, key = obj._meta.label_lower, str(obj.pk), part_key(obj)
    result = []
    for event in events:
        if event.object_type == label and event.object_id == pk:
            if not any(is_part_key(name) for name in event.changes):
                result.append(event)
                continue
            changes = {name: value for name, value in event.changes.items()
                       if not is_part_key(name)}
        else:
            changes = event.changes.get(key) or {}
        event = copy.copy(event)  # never saved: an audit event cannot be changed
        event.changes = changes
        result.append(event)
    return result


def values_after(events_oldest_first: Sequence[AuditEvent], version: AuditEvent) -> dict[str, Any]:
    """Stored values the object had right after `version`, for every field changed since.

    The value a field had after `version` is what the first later change found before it.
    """
    target: dict[str, Any] = {}
    later = False
    for event in events_oldest_first:
        if later:
            for name, value in event.changes.items():
                if isinstance(value, list) and len(value) == 2 and name not in target:
                    target[name] = value[0]
        if event.pk == version.pk:
            later = True
    if not later:
        raise ValueError("the version is not in these events")
    return target


def last_values(events_oldest_first: Sequence[AuditEvent]) -> dict[str, Any]:
    """The newest recorded value of each field (what the object should hold now)."""
    values: dict[str, Any] = {}
    for event in events_oldest_first:
        for name, value in event.changes.items():
            values[name] = pair(value)[1]
    return values
