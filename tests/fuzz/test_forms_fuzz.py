"""Random and hostile input to the money field and the ledger forms: a clear error or a value.

Never an exception, never a number outside what the database stores exactly.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from hypothesis import given
from hypothesis import strategies as st

from taizhang.core.forms import MoneyField
from taizhang.core.money import MAX_WAN
from taizhang.ledger.forms import (
    AnnualPlanForm,
    ListApplicationForm,
    ListDecisionForm,
    MonthlyReportForm,
    ReturnForm,
    StageChangeForm,
)

from .strategies import FAST, NUMBERS, hostile_text


def _money(value: object) -> Decimal | None:
    return MoneyField(required=False).clean(value)


@FAST
@given(hostile_text)
def test_money_field_accepts_only_sane_amounts(text):
    try:
        amount = _money(text)
    except forms.ValidationError as exc:
        assert exc.messages and all(m.strip() for m in exc.messages)
        return
    if amount is not None:
        assert amount.is_finite() and Decimal(0) <= amount <= MAX_WAN
        assert amount == amount.quantize(Decimal("0.01"))


@FAST
@given(st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
))
def test_money_field_on_any_number_typed(number):
    text = str(number)
    try:
        amount = _money(text)
    except forms.ValidationError:
        exact = None
        try:
            exact = Decimal(text)
        except ArithmeticError:
            pass
        # Refused: not finite, negative, too large, too precise or not plain digits.
        assert (exact is None or not exact.is_finite() or exact < 0 or exact > MAX_WAN
                or exact != exact.quantize(Decimal("0.01")) or "E" in text.upper())
        return
    assert amount is not None and amount == Decimal(text)


def test_the_classic_bad_amounts_are_refused_with_a_message():
    for text in ["NaN", "Infinity", "-Infinity", "inf", "1e5", "1E400", "-1", "-0.01", "9" * 40,
                 "0.001", "1.2.3", "0x10", "=1+1", "+cmd", "@1", "1;DROP TABLE", "10000000000000"]:
        try:
            _money(text)
        except forms.ValidationError as exc:
            assert exc.messages, text
        else:
            raise AssertionError(f"{text!r} was accepted")
    assert _money("１２３４．５６") == Decimal("1234.56")
    assert _money(" 1,234.5 ") == Decimal("1234.50")
    assert all(_money(t) is None for t in ["", " ", "\u200b"] if t in NUMBERS)


@FAST
@given(completed=hostile_text, image_progress=hostile_text, behind=st.booleans(),
       reason=hostile_text, problems=hostile_text, next_steps=hostile_text,
       version=st.one_of(hostile_text, st.integers()))
def test_report_form_never_breaks(completed, image_progress, behind, reason, problems,
                                  next_steps, version):
    form = MonthlyReportForm({
        "completed": completed, "image_progress": image_progress,
        "behind_schedule": "on" if behind else "", "behind_reason": reason,
        "problems": problems, "next_steps": next_steps, "version": str(version),
    })
    if form.is_valid():
        amount = form.cleaned_data["completed"]
        assert amount is not None and 0 <= amount <= MAX_WAN
        if behind:
            assert form.cleaned_data["behind_reason"].strip()
    else:
        assert all(errors for errors in form.errors.values())


@FAST
@given(year=hostile_text, amount=hostile_text, target=hostile_text, stage=hostile_text,
       when=hostile_text, reason=hostile_text, version=hostile_text, key_list=hostile_text)
def test_office_forms_never_break(year, amount, target, stage, when, reason, version, key_list):
    forms_ = [
        AnnualPlanForm({"year": year, "planned_investment": amount, "image_target": target}),
        StageChangeForm({"to_stage": stage, "effective_date": when, "reason": reason,
                         "version": version}, current_stage="under_construction"),
        ListApplicationForm({"key_list": key_list, "year": year, "applied_on": when}),
        ListDecisionForm({"decision": stage, "decided_on": when}),
        ReturnForm({"reason": reason}),
    ]
    for form in forms_:
        if form.is_valid():
            data = form.cleaned_data
            if "planned_investment" in data:
                assert 0 <= data["planned_investment"] <= MAX_WAN
            if "year" in data:
                assert 2000 <= data["year"] <= 2100
        else:
            assert form.errors
