"""The procedures' forms; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.choices import OrganizationKind
from taizhang.accounts.models import Organization
from taizhang.procedures.choices import ItemStatus

_DATE = forms.DateInput(attrs={"type": "date"})


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class ItemForm(VersionedForm):
    """An item; `office` adds the fields only the office changes."""

    status = forms.ChoiceField(label=_("status"), choices=ItemStatus.choices)
    accepted_on = forms.DateField(label=_("accepted on"), required=False, widget=_DATE)
    done_on = forms.DateField(label=_("completed on"), required=False, widget=_DATE)
    note = forms.CharField(label=_("note"), required=False, max_length=300)
    department = forms.ModelChoiceField(
        label=_("department"), required=False, queryset=Organization.objects.none()
    )
    deadline = forms.DateField(
        label=_("deadline"),
        required=False,
        widget=_DATE,
        help_text=_(
            "Left empty with an acceptance date, it is counted "
            "in working days from the procedure's time limit."
        ),
    )
    within_working_days = forms.IntegerField(
        label=_("or within … working days of acceptance"),
        required=False,
        min_value=1,
        max_value=365,
    )

    def __init__(self, *args: Any, office: bool, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not office:
            del self.fields["department"], self.fields["deadline"]
            del self.fields["within_working_days"]
            return
        departments = Organization.objects.filter(
            kind__in=[OrganizationKind.DEPARTMENT, OrganizationKind.TOWNSHIP]
        )
        if not user.is_superuser:
            departments = departments.filter(
                user.division.subtree_q("division__") | Q(division__isnull=True)
            )
        self.fields["department"].queryset = departments.order_by("name")  # type: ignore[attr-defined]


class NodeForm(VersionedForm):
    name = forms.CharField(label=_("node"), max_length=100)
    planned_date = forms.DateField(label=_("planned date"), widget=_DATE)
    done_on = forms.DateField(label=_("done on"), required=False, widget=_DATE)


class KindForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    time_limit_days = forms.IntegerField(
        label=_("time limit (working days)"), required=False, min_value=1, max_value=365
    )


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    start = forms.DateField(label=_("start"), widget=_DATE)
    end = forms.DateField(label=_("end"), widget=_DATE)
