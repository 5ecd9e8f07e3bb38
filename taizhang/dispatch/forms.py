"""The dispatch pages' forms: a meeting with its problem rows, a problem raised from a
report, a step of a problem, the problem list's filters. The services check everything
again; the forms only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.accounts.choices import OrganizationKind
from taizhang.accounts.models import Organization, Person
from taizhang.accounts.scope import office_rows_q
from taizhang.dispatch.choices import MeetingKind, ProblemCategory, ProblemStatus
from taizhang.ledger.filters import IdsField
from taizhang.ledger.forms import ProjectByName
from taizhang.ledger.models import Project
from taizhang.ledger.models.scope import pickable_q

# ISO, whatever the language: a date input shows only that (the edit form's initial dates)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UNIT_KINDS = (OrganizationKind.DEPARTMENT, OrganizationKind.TOWNSHIP, OrganizationKind.OFFICE)


def units(user: Any) -> Any:
    """The units the office may assign: those its pickers offer (its division's)."""
    return (Organization.objects.filter(pickable_q(user, Organization), kind__in=UNIT_KINDS)
            .order_by("name"))


def people(user: Any) -> Any:
    """The people the office may name: those its pickers offer (its division's)."""
    return (Person.objects.filter(pickable_q(user, Person)).select_related("organization")
            .order_by("organization__name", "name"))


def person_label(person: Any) -> str:
    return (f"{person}（{person.organization.name}）" if person.organization_id
            else str(person))


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class PeopleField(IdsField):
    """People by id (a multi-select): junk and unknown ids are a form error, not a 500."""

    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class ProjectsByName(forms.CharField):
    """Projects typed one per line by their exact name or code, among the office's."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=20000, widget=forms.Textarea(attrs={"rows": 3}), **kwargs)
        self.one = ProjectByName()

    def clean(self, value: Any) -> Any:
        text = super().clean(value) or ""
        found: list[Project] = []
        for line in text.splitlines():
            if line.strip():
                project = self.one.clean(line)
                if project not in found:
                    found.append(project)
        return found


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=MeetingKind.choices)
    date = forms.DateField(label=_("date"), widget=DATE)
    chair = forms.ModelChoiceField(label=_("chair"), queryset=Person.objects.none())
    title = forms.CharField(label=pgettext_lazy("heading", "title"), max_length=200, required=False)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    # IdsField: an out-of-range id is a form error, not a 500 (SQLite's integer overflow).
    units = IdsField(label=_("attending units"), required=False,
                     queryset=Organization.objects.none())
    attendees = PeopleField(label=_("attendees"), required=False,
                            queryset=Person.objects.none())
    projects = ProjectsByName(label=_("projects (one name or code a line)"), required=False)
    minutes = forms.CharField(label=_("minutes"), required=False, widget=forms.Textarea(
        attrs={"rows": 5}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Leaders: the people leading the office's projects, or of no organization.
        leaders = Project.objects.filter(office_rows_q(user)).values("leader_id")
        chair = self.fields["chair"]
        chair.queryset = Person.objects.filter(  # type: ignore[attr-defined]
            pickable_q(user, Person), Q(pk__in=leaders) | Q(organization__isnull=True))
        self.fields["units"].queryset = units(user)  # type: ignore[attr-defined]
        self.fields["attendees"].queryset = people(user)  # type: ignore[attr-defined]
        self.fields["projects"].one.projects = Project.objects.filter(  # type: ignore[attr-defined]
            office_rows_q(user))


class MeetingEditForm(MeetingForm):
    """A meeting's record corrected: everything but its kind, at the version it was opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        del self.fields["kind"]


class TaskRowForm(forms.Form):
    """One task of a meeting (a 交办事项 that is not a project's problem); empty: skipped."""

    description = forms.CharField(label=_("task"), required=False, max_length=2000)
    responsible_unit = forms.ModelChoiceField(label=_("responsible unit"), required=False,
                                              queryset=Organization.objects.none())
    deadline = forms.DateField(label=_("deadline"), required=False, widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = units(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("description"):
            return data
        for name in ("responsible_unit", "deadline"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Required for a task."))
        return data


class ProblemRowForm(forms.Form):
    """One problem of a meeting (a 议定事项); an empty row is skipped."""

    project = ProjectByName(label=_("project"), required=False)
    category = forms.ChoiceField(label=_("category"), required=False,
                                 choices=[("", "—"), *ProblemCategory.choices])
    description = forms.CharField(label=_("description"), required=False, max_length=2000)
    responsible_unit = forms.ModelChoiceField(label=_("responsible unit"), required=False,
                                              queryset=Organization.objects.none())
    responsible_person = PersonChoice(label=_("responsible person"), required=False,
                                      queryset=Person.objects.none())
    deadline = forms.DateField(label=_("deadline"), required=False, widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].projects = Project.objects.filter(  # type: ignore[attr-defined]
            office_rows_q(user))
        self.fields["responsible_unit"].queryset = units(user)  # type: ignore[attr-defined]
        # The people of the units it may assign (the service checks the person is the unit's).
        self.fields["responsible_person"].queryset = people(user).filter(  # type: ignore[attr-defined]
            organization__in=units(user))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f) for f in ("project", "description", "category")):
            return data
        for name in ("project", "category", "description", "responsible_unit", "deadline"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Required for a problem."))
        return data


class FromReportForm(forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=ProblemCategory.choices)
    description = forms.CharField(label=_("description"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    responsible_unit = forms.ModelChoiceField(label=_("responsible unit"),
                                              queryset=Organization.objects.none())
    deadline = forms.DateField(label=_("deadline"), widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = units(user)  # type: ignore[attr-defined]


class StepForm(forms.Form):
    """A step on a problem's page: which one, its text and the version the page showed."""

    step = forms.ChoiceField(choices=[(s, s) for s in (
        "accept", "progress", "propose", "plan", "confirm", "send_back", "escalate")])
    text = forms.CharField(label=_("text"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class TaskDoneForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class ProblemFilter(forms.Form):
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("All")), *ProblemStatus.choices])
    category = forms.ChoiceField(label=_("category"), required=False,
                                 choices=[("", _("All")), *ProblemCategory.choices])
    unit = forms.ModelChoiceField(label=_("responsible unit"), required=False,
                                  queryset=Organization.objects.none())
    overdue = forms.BooleanField(label=_("overdue only"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units(user)  # type: ignore[attr-defined]


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("photo"))
    caption = forms.CharField(label=_("caption"), max_length=200, required=False)
