"""Form fields shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.core.money import AMOUNT_VALIDATORS, too_large_message, wan
from taizhang.core.parsing import FIRST_DATE, LAST_DATE, parse_int
from taizhang.core.services import ServiceError
from taizhang.core.sheets.errors import CellError
from taizhang.core.sheets.normalize import parse_decimal


def attempt(form: forms.Form, write: Callable[[], Any]) -> Any:
    """Run a service call for a form; its refusal (ServiceError) becomes an error next to the
    field it names (or the whole form's), and the result None."""
    try:
        return write()
    except ServiceError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
    return None


class MoneyField(forms.Field):
    """An amount in 万元 typed the way clerks type it: "1,234.56", "１２３４．５６", " 12 ".

    Parsed by the same rules as imported sheets, never through float; two places at most;
    not negative and not over the cap by the validators of every money column (core/money.py).
    """

    widget = forms.TextInput
    default_validators = AMOUNT_VALIDATORS

    def __init__(self, *args: Any, max_digits: int | None = None,
                 decimal_places: int | None = None, **kwargs: Any) -> None:
        # A model's DecimalField hands over its column's digits (an admin form); the cap and
        # the two places above are the rules instead.
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off",
                                  "maxlength": "40"})

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if len(text) > 40:  # no parsing of arbitrarily long input
            raise forms.ValidationError(too_large_message(), code="too_large")
        try:
            amount = parse_decimal(text)
        except CellError as exc:
            raise forms.ValidationError(_("Enter an amount in 10k yuan, e.g. 1234.56."),
                                        code="invalid") from exc
        if amount is None:
            return None
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Use at most two decimals."), code="decimals")
        return wan(amount)


class CalendarDateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (yyyy-mm-dd) whatever the language:
    with the Chinese locale's "2026/11/26" the browser drops the value and shows a blank box."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")



class BoundedDateField(forms.DateField):
    """A date between FIRST_DATE and LAST_DATE (core/parsing.py): "0001-01-01" or
    "9999-12-31" would overflow once turned into a datetime or a reporting period."""

    def to_python(self, value: Any) -> Any:
        day = super().to_python(value)
        if day is not None and not FIRST_DATE <= day <= LAST_DATE:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s."), code="out_of_range",
                params={"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()})
        return day


class VersionField(forms.Field):
    """The version of the record the form was opened at (0: there was none yet).

    Never a form error of its own (a hidden field's error has nowhere to show): a missing or
    malformed value is None, and the service refuses the write (core/services.py).
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        return parse_int(value, minimum=0)
