"""The attraction pages' forms; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.choices import OrganizationKind
from taizhang.accounts.models import Division, Organization
from taizhang.attraction.choices import STORED, Channel, LeadStage
from taizhang.core.forms import BoundedDateField, CalendarDateInput, MoneyField, VersionField
from taizhang.ledger.choices import Industry
from taizhang.ledger.models.scope import pickable_q


def divisions(user: Any) -> Any:
    return Division.objects.filter(pickable_q(user, Division)).order_by("code")


class LeadForm(forms.Form):
    name = forms.CharField(label=_("project name"), max_length=200)
    investor = forms.CharField(label=_("investor"), max_length=200)
    enterprise = forms.ModelChoiceField(label=_("investing enterprise"), required=False,
                                        queryset=Organization.objects.none())
    division = forms.ModelChoiceField(label=_("division"), queryset=Division.objects.none())
    channel = forms.ChoiceField(label=_("source channel"), choices=Channel.choices)
    industry = forms.ChoiceField(label=_("industry"), required=False,
                                 choices=[("", "—"), *Industry.choices])
    intended_investment = MoneyField(label=_("intended investment (10k yuan)"))
    registered_on = BoundedDateField(label=_("registered on"), required=False,
                                     widget=CalendarDateInput())
    note = forms.CharField(label=_("note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.filter(pickable_q(user, Organization),
                                        kind=OrganizationKind.ENTERPRISE).order_by("name"))
        self.fields["division"].queryset = divisions(user)  # type: ignore[attr-defined]


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("stage"), choices=[
        (s.value, s.label) for s in (*STORED[1:], LeadStage.STARTED)])
    on = BoundedDateField(label=_("date"), widget=CalendarDateInput())
    contract_amount = MoneyField(label=_("contract amount (10k yuan)"), required=False)
    note = forms.CharField(label=_("note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()


class ConvertForm(forms.Form):
    division = forms.ModelChoiceField(label=_("township / division"),
                                      queryset=Division.objects.none())
    planned_total = MoneyField(label=_("planned total investment (10k yuan)"), required=False,
                               help_text=_("Empty: the contract amount."))
    planned_start = BoundedDateField(label=_("planned start"), required=False,
                                     widget=CalendarDateInput())
    version = VersionField()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions(user)  # type: ignore[attr-defined]


class LeadFilter(forms.Form):
    stage = forms.ChoiceField(label=_("stage"), required=False,
                              choices=[("", _("All")), *LeadStage.choices])
    channel = forms.ChoiceField(label=_("source channel"), required=False,
                                choices=[("", _("All")), *Channel.choices])
