"""The office's forms: they read and show; the services decide (office/services.py).

Pickers offer only what the office may choose (its divisions, the organizations and people
it may name); the service checks again. Each edit form carries the version it was opened at.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.choices import OrganizationKind, Role
from taizhang.accounts.models import Division, Organization, Person
from taizhang.ledger.choices import ListKind, ListLevel
from taizhang.office import services


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class SettingsForm(VersionedForm):
    reporting_period = forms.CharField(
        label=_("Reporting period"), max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "2022-08", "inputmode": "numeric"}),
        help_text=_("The month owners are reporting now (YYYY-MM)."))
    report_deadline_day = forms.IntegerField(
        label=_("Report deadline day"), min_value=1, max_value=28,
        help_text=_("Reports of a month are due by this day of the next month (1–28)."))
    behind_points = forms.IntegerField(
        label=_("Behind-schedule line (points)"), min_value=0, max_value=100,
        help_text=_("A project is behind schedule when its completion rate is more than this "
                    "many percentage points below time progress."))


class ConfirmForm(VersionedForm):
    pass


def _picker(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def _division_label(division: Division) -> str:
    return f"{division.name} {division.code}"


class DivisionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _division_label(obj)


class UserForm(VersionedForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organization = forms.ModelChoiceField(label=_("Organization"), required=False,
                                          queryset=Organization.objects.none())
    division = DivisionField(label=_("Division"), queryset=Division.objects.none())
    person = forms.ModelChoiceField(label=_("Person (leaders)"), required=False,
                                    queryset=Person.objects.none())

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _picker(self, "organization", services.pickable_organizations(actor))
        _picker(self, "division", services.pickable_divisions(actor))
        _picker(self, "person", services.manageable_people(actor).select_related(
            "organization"))


class OrganizationForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        (k.value, k.label) for k in services.MANAGED_KINDS])
    name = forms.CharField(label=_("Organization name"), max_length=128)
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=18, required=False,
        help_text=_("18 characters; required for enterprises, checked for everyone."))
    division = DivisionField(label=_("Division"), queryset=Division.objects.none())

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _picker(self, "division", services.pickable_divisions(actor))


class PersonForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=64)
    title = forms.CharField(label=_("Title"), max_length=64, required=False,
                            help_text=_("E.g. 副市长 (deputy mayor)."))
    organization = forms.ModelChoiceField(label=_("Organization"),
                                          queryset=Organization.objects.none())
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _picker(self, "organization", services.manageable_organizations(actor))


class KeyListForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("Level"), choices=ListLevel.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=ListKind.choices)
    name = forms.CharField(label=_("List name"), max_length=128, required=False,
                           help_text=_("Optional: the name as published."))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the app"), max_length=8)


KIND_CHOICES = [("", _("All kinds")), *[(k.value, k.label) for k in OrganizationKind]]
