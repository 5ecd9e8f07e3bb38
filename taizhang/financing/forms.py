"""The financing pages' forms. They only shape the input; the services check everything
again (who, which bank, which need)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.accounts.choices import OrganizationKind
from taizhang.accounts.models import Organization
from taizhang.core.forms import MoneyField
from taizhang.core.parsing import parse_id
from taizhang.financing.choices import NeedStatus
from taizhang.financing.services import MAX_TERM
from taizhang.ledger.filters import IdsField
from taizhang.ledger.models import Project
from taizhang.ledger.models.scope import pickable_q

DATE = forms.DateInput(attrs={"type": "date"})


class OneOf(forms.ModelChoiceField):
    """A choice by id; junk and out-of-range numbers are form errors, not 500s."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and parse_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice")
        return super().to_python(value)


def organizations(user: Any, kind: str) -> Any:
    return Organization.objects.filter(pickable_q(user, Organization), kind=kind).order_by("name")


class ProjectField(forms.CharField):
    """A project by its exact name or code, among `projects` (set by the form)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=200, **kwargs)
        self.projects = Project.objects.none()

    def clean(self, value: Any) -> Any:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        found = list(self.projects.filter(Q(name=text) | Q(code=text))[:2])
        if len(found) != 1:
            raise forms.ValidationError(
                _("No single project of yours is called “%(name)s”: type its exact name or "
                  "code.") % {"name": text[:50]})
        return found[0]


class NeedForm(forms.Form):
    amount = MoneyField(label=_("amount (10k yuan)"))
    purpose = forms.CharField(label=_("purpose"), max_length=200)
    term_months = forms.IntegerField(label=_("term (months)"), min_value=1, max_value=MAX_TERM)
    deadline = forms.DateField(label=_("needed by"), required=False, widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class NewNeedForm(NeedForm):
    project = ProjectField(label=_("project (name or code)"))
    field_order = ["project", "amount", "purpose", "term_months", "deadline"]

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].projects = projects  # type: ignore[attr-defined]
        del self.fields["version"]


class NeedFilter(forms.Form):
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("All")), *NeedStatus.choices])


class EventForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("heading", "title"), max_length=200)
    date = forms.DateField(label=_("date"), widget=DATE)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    banks = IdsField(label=_("banks invited"), required=False, queryset=Organization.objects.none(),
                     widget=forms.CheckboxSelectMultiple)
    firms = IdsField(label=_("firms invited"), required=False, queryset=Organization.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["banks"].queryset = organizations(  # type: ignore[attr-defined]
            user, OrganizationKind.BANK)
        self.fields["firms"].queryset = organizations(  # type: ignore[attr-defined]
            user, OrganizationKind.ENTERPRISE)


class IntentionForm(forms.Form):
    """A bank's intention against a need: the amount, the date, a note."""

    amount = MoneyField(label=_("amount (10k yuan)"))
    date = forms.DateField(label=_("date"), widget=DATE)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class EventIntentionForm(IntentionForm):
    """The office records an intention made at an event: the bank, and the enterprise or one
    of its projects."""

    bank = OneOf(label=_("bank"), queryset=Organization.objects.none())
    enterprise = OneOf(label=_("enterprise"), required=False,
                       queryset=Organization.objects.none())
    project = ProjectField(label=_("project (name or code)"), required=False)
    field_order = ["bank", "enterprise", "project", "amount", "date", "note"]

    def __init__(self, *args: Any, user: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = organizations(  # type: ignore[attr-defined]
            user, OrganizationKind.BANK)
        self.fields["enterprise"].queryset = organizations(  # type: ignore[attr-defined]
            user, OrganizationKind.ENTERPRISE)
        self.fields["project"].projects = projects  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("enterprise") and not data.get("project") and not (
                "enterprise" in self.errors or "project" in self.errors):
            self.add_error("enterprise", _("Choose the enterprise or the project."))
        return data


class LoanForm(forms.Form):
    amount = MoneyField(label=_("amount (10k yuan)"))
    signed_on = forms.DateField(label=_("signed on"), widget=DATE)
    term_months = forms.IntegerField(label=_("term (months)"), min_value=1, max_value=MAX_TERM)


class DisbursementForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    amount = MoneyField(label=_("amount (10k yuan)"))
