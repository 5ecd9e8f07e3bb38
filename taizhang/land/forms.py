"""The land pages' forms. The services check everything again; the forms only shape the
input (an area in 亩: a number, not negative, two decimals at most)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.scope import office_rows_q
from taizhang.core.forms import BoundedDateField, CalendarDateInput, VersionField
from taizhang.land.choices import ConsolidationKind, ConsolidationStatus
from taizhang.land.models import ConsolidationRecord
from taizhang.ledger.forms import ProjectByName
from taizhang.ledger.models import Project


def area_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, min_value=0,
                              widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                            "autocomplete": "off"}), **kwargs)


def office_projects(user: Any) -> Any:
    return Project.objects.filter(office_rows_q(user))


class QuotaForm(forms.Form):
    quota = area_field(_("quota (亩)"))
    note = forms.CharField(label=_("note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()


class RequestForm(forms.Form):
    project = ProjectByName(label=_("project"))
    requested = area_field(_("requested (亩)"))
    requested_on = BoundedDateField(label=_("requested on"), widget=CalendarDateInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].projects = office_projects(user)  # type: ignore[attr-defined]


class AllocateForm(forms.Form):
    area = area_field(_("area to allocate (亩)"))
    on = BoundedDateField(label=_("allocated on"), widget=CalendarDateInput())
    override_reason = forms.CharField(
        label=_("override reason"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Key projects of this quota are still waiting: say why this project goes "
                    "first."))
    version = VersionField()


class SupplyForm(forms.Form):
    area = area_field(_("area supplied (亩)"))
    on = BoundedDateField(label=_("supplied on"), widget=CalendarDateInput())
    version = VersionField()


class ConsolidationForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ConsolidationKind.choices)
    name = forms.CharField(label=_("name"), max_length=200)
    location = forms.CharField(label=_("location"), max_length=200, required=False)
    area = area_field(_("area (亩)"))
    status = forms.ChoiceField(label=_("status"), choices=ConsolidationStatus.choices)
    date = BoundedDateField(label=_("date"), widget=CalendarDateInput())
    projects = forms.CharField(
        label=_("projects served"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One project name or code per line."))
    note = forms.CharField(label=_("note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()

    def __init__(self, data: Any = None, *, user: Any,
                 instance: ConsolidationRecord | None = None) -> None:
        initial = None
        if instance is not None:
            initial = {
                "kind": instance.kind, "name": instance.name, "location": instance.location,
                "area": instance.area, "status": instance.status, "date": instance.date,
                "note": instance.note, "version": instance.version,
                "projects": "\n".join(p.name for p in instance.projects.all())}
        super().__init__(data, initial=initial)
        self.picker = ProjectByName()
        self.picker.projects = office_projects(user)

    def clean_projects(self) -> list[Project]:
        names = [line.strip() for line in self.cleaned_data["projects"].splitlines()]
        return [self.picker.find(name) for name in names if name]
