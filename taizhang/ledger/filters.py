"""Project filters shared by the list page, exports, the stats command and the bulletin."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.accounts.choices import DivisionLevel, OrganizationKind
from taizhang.accounts.models import Division, Organization, Person
from taizhang.core.parsing import parse_id
from taizhang.core.periods import Period
from taizhang.figures.stages import PERIOD_STAGE, with_period_stage
from taizhang.ledger.choices import Industry, ListKind, ListLevel, MembershipStatus, Nature, Stage
from taizhang.ledger.models import KeyListMembership, Project
from taizhang.ledger.models.keylists import list_code, parse_list_code

LIST_CHOICES = [
    (list_code(level, kind),
     format_lazy(pgettext_lazy("key list name", "{level} {kind}"), level=level_label,
                 kind=kind_label))
    for level, level_label in ListLevel.choices
    for kind, kind_label in ListKind.choices
]


class IdsField(forms.ModelMultipleChoiceField):
    """Ids from a query string; junk and out-of-range numbers are form errors, not 500s."""

    def _check_values(self, value):  # type: ignore[no-untyped-def]
        for pk in value:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": str(pk)[:20]},
                )
        return super()._check_values(value)


@dataclass
class ProjectFilter:
    """A combination of filters; every field empty means "all projects"."""

    stages: list[str] = field(default_factory=list)
    key_lists: list[str] = field(default_factory=list)  # codes like "province-prestage"
    units: list[int] = field(default_factory=list)
    leaders: list[int] = field(default_factory=list)
    divisions: list[int] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    natures: list[str] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)
    owner_name: str = ""
    search: str = ""
    # 滞后: applied by the caller, who knows the period (figures.per_project.behind_schedule).
    behind: bool = False

    def apply(self, projects: QuerySet[Project], year: int, *,
              period: Period | None = None) -> QuerySet[Project]:
        """Narrow `projects`; key lists are those of `year` (the period's year). With
        `period`, the stages are those at its end (figures/stages.py), as in the figures.

        Cancelled projects (终止) leave the ledger's figures unless asked for by stage.
        """
        stage = "stage"
        if period is not None:
            projects, stage = with_period_stage(projects, period), PERIOD_STAGE
        if self.stages:
            projects = projects.filter(**{f"{stage}__in": self.stages})
        else:
            projects = projects.exclude(**{stage: Stage.CANCELLED})
        if self.key_lists:
            lists_q = Q()
            for code in self.key_lists:
                level, kind = parse_list_code(code)
                lists_q |= Q(key_list__level=level, key_list__kind=kind)
            on_list = KeyListMembership.objects.filter(
                lists_q, project=OuterRef("pk"), key_list__year=year,
                status=MembershipStatus.APPROVED,
            )
            projects = projects.filter(Exists(on_list))
        if self.units:
            projects = projects.filter(responsible_unit__in=self.units)
        if self.leaders:
            projects = projects.filter(leader__in=self.leaders)
        if self.divisions:
            division_q = Q()
            for division in Division.objects.filter(pk__in=self.divisions):
                division_q |= division.subtree_q("division__")
            projects = projects.filter(division_q) if division_q else projects.none()
        if self.industries:
            projects = projects.filter(industry__in=self.industries)
        if self.natures:
            projects = projects.filter(nature__in=self.natures)
        if self.owners:
            projects = projects.filter(owner__in=self.owners)
        if self.owner_name:
            projects = projects.filter(owner__name__icontains=self.owner_name)
        if self.search:
            projects = projects.filter(Q(name__icontains=self.search) | Q(code=self.search))
        return projects


class ProjectFilterForm(forms.Form):
    """Reads a ProjectFilter from a query string; invalid values become form errors, not 500s."""

    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    stage = forms.MultipleChoiceField(label=_("Stage"), choices=Stage.choices, required=False)
    list = forms.MultipleChoiceField(label=_("Key list"), choices=LIST_CHOICES, required=False)
    unit = IdsField(
        label=_("Responsible unit"), required=False,
        queryset=Organization.objects.filter(
            kind__in=[OrganizationKind.DEPARTMENT, OrganizationKind.TOWNSHIP]
        ),
    )
    leader = IdsField(
        label=_("Leader"), required=False,
        queryset=Person.objects.filter(led_projects__isnull=False).distinct(),
    )
    township = IdsField(
        label=_("Township"), required=False,
        queryset=Division.objects.filter(level=DivisionLevel.TOWNSHIP),
    )
    industry = forms.MultipleChoiceField(
        label=_("Industry"), choices=Industry.choices, required=False
    )
    nature = forms.MultipleChoiceField(label=_("Nature"), choices=Nature.choices, required=False)
    owner = IdsField(
        label=_("Owner"), required=False,
        queryset=Organization.objects.filter(kind=OrganizationKind.ENTERPRISE),
    )

    # Owners run into thousands: typed, not picked from a list (`owner` ids still work in links).
    owner_name = forms.CharField(label=_("Owner"), required=False, max_length=100)
    behind = forms.BooleanField(label=_("Behind schedule only"), required=False)

    def __init__(self, *args: Any, visible: QuerySet[Project] | None = None,
                 choice_ids: Mapping[str, Collection[int]] | None = None, **kwargs: Any):
        """`visible`: the user's projects; the lists offer only what they refer to, so no other
        owner's name leaks through a dropdown. `choice_ids`: those lists already worked out
        (`choice_ids_of(visible)`, e.g. from a cache), by field name."""
        super().__init__(*args, **kwargs)
        if visible is None:
            return
        for name, model, column in _CHOICES_FROM_PROJECTS:
            if choice_ids is not None and name in choice_ids:
                queryset = model.objects.filter(pk__in=list(choice_ids[name]))
            else:
                # EXISTS per candidate rather than IN (every visible project): SQLite then
                # seeks the index instead of reading 100,000 projects per list.
                queryset = model.objects.filter(
                    Exists(visible.filter(**{column: OuterRef("pk")})))
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]

    def to_filter(self) -> ProjectFilter:
        # Keep every filter that is valid; the template names the ones that were not.
        self.is_valid()
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        return ProjectFilter(
            stages=list(data.get("stage") or []),
            key_lists=list(data.get("list") or []),
            units=[o.pk for o in data.get("unit") or []],
            leaders=[p.pk for p in data.get("leader") or []],
            divisions=[d.pk for d in data.get("township") or []],
            industries=list(data.get("industry") or []),
            natures=list(data.get("nature") or []),
            owners=[o.pk for o in data.get("owner") or []],
            owner_name=(data.get("owner_name") or "").strip(),
            search=(data.get("q") or "").strip(),
            behind=bool(data.get("behind")),
        )


# Fields whose choices are the objects the visible projects refer to: (field, model, column).
_CHOICES_FROM_PROJECTS: list[tuple[str, Any, str]] = [
    ("unit", Organization, "responsible_unit"),
    ("leader", Person, "leader"),
    ("township", Division, "division"),
    ("owner", Organization, "owner"),
]
# The lists the list page shows (owners are typed, not picked: thousands of them).
SHOWN_CHOICES = ("unit", "leader", "township")


def choice_ids_of(visible: QuerySet[Project]) -> dict[str, list[int]]:
    """Ids of the units, leaders and townships `visible` refers to, in one query."""
    columns = {name: column for name, _model, column in _CHOICES_FROM_PROJECTS
               if name in SHOWN_CHOICES}
    found: dict[str, set[int]] = {name: set() for name in columns}
    rows = visible.order_by().values_list(*columns.values()).distinct()
    for row in rows:
        for name, value in zip(columns, row, strict=True):
            if value is not None:
                found[name].add(value)
    return {name: sorted(ids) for name, ids in found.items()}
