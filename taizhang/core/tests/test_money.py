"""core/money.py: rounding, and the rules every money column and form carries."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from taizhang.core.forms import MoneyField
from taizhang.core.money import (
    CENT,
    MAX_DIGITS,
    MAX_WAN,
    MoneyCapValidator,
    NonNegativeValidator,
    ratio,
    wan,
    wan_to_yi,
)
from taizhang.core.services import UNCHECKED, ServiceError
from taizhang.ledger.models import AnnualPlan
from taizhang.ledger.services.plans import set_annual_plan


def test_money_rounds_half_up_to_cents_and_refuses_non_finite():
    assert wan("1.005") == Decimal("1.01")
    assert wan_to_yi(Decimal("14101000")) == Decimal("1410.10")
    assert ratio(Decimal("1572000"), Decimal("2676000")) == Decimal("0.5874")
    assert ratio(1, 0) is None
    with pytest.raises(ValueError):
        wan("NaN")
    with pytest.raises(ValueError):
        wan("abc")


def _money_columns() -> list[models.DecimalField]:
    return [f for model in apps.get_models() for f in model._meta.concrete_fields
            if isinstance(f, models.DecimalField) and f.max_digits == MAX_DIGITS
            and f.decimal_places == 2]


def test_every_money_column_carries_the_amount_validators():
    columns = _money_columns()
    names = {f"{f.model.__name__}.{f.name}" for f in columns}
    assert {"Project.planned_total", "Project.fund_bank_loans", "AnnualPlan.planned_investment",
            "MonthlyReport.completed"} <= names
    for field in columns:
        assert NonNegativeValidator() in field.validators, field
        assert MoneyCapValidator() in field.validators, field


@pytest.mark.parametrize("name", ["planned_total", "completed_before", "fund_other"])
def test_the_model_refuses_a_negative_amount_in_every_money_field(world, name):
    project = world.alice_project
    setattr(project, name, Decimal("-0.01"))
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert refused.value.error_dict[name][0].code == "negative"


def test_the_services_and_forms_refuse_with_the_fields_validators(world):
    with pytest.raises(ServiceError) as negative:
        set_annual_plan(world.alice_project, 2023, actor=world.office,
                        planned_investment=Decimal("-1.00"), expected_version=UNCHECKED)
    assert negative.value.field == "planned_investment"
    assert str(negative.value) == "金额不能为负数。"  # the validator's message
    assert not AnnualPlan.objects.filter(year=2023).exists()
    field = MoneyField()
    for typed, code in (("-1", "negative"), (f"{MAX_WAN + CENT}", "too_large")):
        with pytest.raises(ValidationError) as refused:
            field.clean(typed)
        assert [e.code for e in refused.value.error_list] == [code]
    assert field.clean(f"{MAX_WAN}") == MAX_WAN
