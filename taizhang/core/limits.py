"""How long free text may be: per field, and per value kept in the audit trail.

The one place for text limits; forms, services and the importer ask here. A text column
(CharField) is limited by its own max_length; a long-text column (TextField) by a setting:
TAIZHANG_MAX_TEXT_CHARS for descriptions (a report's progress, problems and plans, a
project's scale), TAIZHANG_MAX_REASON_CHARS for reasons (stage changes, returns, reverts).
The audit keeps at most TAIZHANG_MAX_AUDIT_VALUE_CHARS of any one value (never below the
longest field, so every value a form accepts is kept whole and can be restored).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

# Long-text fields that hold a reason rather than a description.
REASON_FIELDS = {
    ("ledger.stagechange", "reason"), ("ledger.monthlyreport", "return_reason"),
    ("core.auditevent", "reason"),
}
_TRUNCATED = re.compile(r"… \[truncated: (\d+) characters\]\Z")


def text_limit(model: type[models.Model], name: str) -> int | None:
    """The most characters field `name` of `model` takes (None: not a text field)."""
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if isinstance(found, models.TextField):
        if (model._meta.label_lower, name) in REASON_FIELDS:
            return int(settings.TAIZHANG_MAX_REASON_CHARS)
        return int(settings.TAIZHANG_MAX_TEXT_CHARS)
    if isinstance(found, models.CharField) and not found.choices:
        return found.max_length
    return None


def _label(model: type[models.Model], name: str) -> Any:
    return getattr(model._meta.get_field(name), "verbose_name", name)


def too_long(label: Any, limit: int, length: int) -> str:
    """The error: names the field, the limit and what was given."""
    return _("“%(field)s” may hold at most %(limit)d characters; this one has %(length)d.") % {
        "field": label, "limit": limit, "length": length}


def first_too_long(model: type[models.Model], values: Mapping[str, Any]
                   ) -> tuple[str, str] | None:
    """(field, message) for the first text value of `values` over its limit, else None."""
    for name, value in values.items():
        limit = text_limit(model, name)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            return name, too_long(_label(model, name), limit, len(value))
    return None


def limit_form_fields(form: Any, model: type[models.Model],
                      columns: Mapping[str, str] | None = None) -> None:
    """Give a form's text fields their limit: the browser's maxlength and a clear error.
    `columns`: form field → model field, where the names differ."""
    from django.core.validators import MaxLengthValidator

    for name, field in form.fields.items():
        limit = text_limit(model, (columns or {}).get(name, name))
        if limit is None:
            continue
        field.max_length = limit
        field.widget.attrs["maxlength"] = str(limit)
        label = field.label or _label(model, name)
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.validators.append(_LengthValidator(label, limit))


class _LengthValidator:
    def __init__(self, label: Any, limit: int) -> None:
        self.label, self.limit = label, limit

    def __call__(self, value: Any) -> None:
        from django.core.exceptions import ValidationError

        if isinstance(value, str) and len(value) > self.limit:
            raise ValidationError(too_long(self.label, self.limit, len(value)), code="max_length")


def audit_value_limit() -> int:
    return max(int(settings.TAIZHANG_MAX_AUDIT_VALUE_CHARS), int(settings.TAIZHANG_MAX_TEXT_CHARS),
               int(settings.TAIZHANG_MAX_REASON_CHARS), 200)


def capped(value: Any, limit: int | None = None) -> Any:
    """`value` as the audit keeps it: a text over the limit is cut, with a marker saying how
    long it was; lists and dicts capped value by value."""
    return _capped(value, limit or audit_value_limit())


def _capped(value: Any, limit: int) -> Any:
    # The limit is read once per value, not per nested item: an import caps ~10^6 items.
    if isinstance(value, str):
        if len(value) <= limit:
            return value
        return f"{value[:limit]}… [truncated: {len(value)} characters]"
    if isinstance(value, dict):
        return {key: _capped(item, limit) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_capped(item, limit) for item in value]
    return value


def truncated_length(value: Any) -> int | None:
    """The original length of a value the audit kept cut (None: kept whole)."""
    if not isinstance(value, str):
        return None
    found = _TRUNCATED.search(value)
    return int(found[1]) if found else None
